using System;
using System.Management.Automation;
using System.Text;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Builds the canonical key of one Invoke-Cached run: either the explicit <c>-Key</c> value alone, or
    /// the block's fingerprint, its arguments, the pipeline item, the current values of its free variables,
    /// the current location and the definitions of the commands it calls. All values go through one walk,
    /// so an object shared between two of them is keyed as shared. Also describes the parts for -Verbose.
    /// </summary>
    public static class InvocationKey
    {
        /// <summary>Canonical bytes of an explicit -Key (a string key matches the C# API's string keys).</summary>
        public static byte[] ForExplicitKey(object? key) => PSKeyCanonicalizer.Instance.Encode(key, "-Key");

        /// <summary>An explicit key's bytes followed by the -DependsOn files (a -Key call without them keeps its key).</summary>
        internal static byte[] WithDependsOn(byte[] explicitKey, DependsOnFiles files)
        {
            var writer = new CanonicalKeyWriter();
            writer.BeginList(2);
            writer.WriteEncoded(explicitKey);
            files.Write(writer, null);
            return writer.ToArray();
        }

        /// <summary>Canonical bytes of a block invocation.</summary>
        public static byte[] ForBlock(BlockAnalysis block, object?[]? arguments, bool hasItem, object? item, SessionState state, out string description)
            => ForBlock(block, arguments, hasItem, item, state, null, null, describe: true, out description);

        /// <summary>
        /// Canonical bytes of a block invocation, with the <c>-DependsOn</c> files (when given, appended last: a
        /// call without them keeps its key) and, when <paramref name="parts"/> is given, the parts noted in it.
        /// The <paramref name="description"/> (for -Verbose) is empty unless <paramref name="describe"/>: it costs a
        /// string builder per pipeline item.
        /// </summary>
        internal static byte[] ForBlock(BlockAnalysis block, object?[]? arguments, bool hasItem, object? item, SessionState state,
            DependsOnFiles? files, Func<CanonicalKeyWriter, KeyPartsRecorder>? parts, bool describe, out string description)
        {
            var writer = new CanonicalKeyWriter();
            var recorder = parts?.Invoke(writer);
            var walk = new KeyWalk(writer) { Context = new KeyScope(state) };
            var canon = PSKeyCanonicalizer.Instance;
            writer.BeginList(8);
            recorder?.Begin("block text");
            writer.WriteString("block");
            writer.WriteBytes(block.Fingerprint);
            recorder?.End();
            recorder?.Begin("-ArgumentList", arguments ?? Array.Empty<object>(), showValue: true);
            canon.Write(walk, arguments ?? Array.Empty<object>(), "-ArgumentList");
            recorder?.End();
            recorder?.Begin("$_", item, showValue: hasItem);
            if (hasItem) canon.Write(walk, item, "the pipeline item ($_)");
            else writer.WriteString("no-item");
            recorder?.End();

            var vars = block.FreeVariables;
            writer.BeginList(vars.Count);
            foreach (var name in vars)
            {
                var value = VariableReader.Read(state, name);
                recorder?.Begin("$" + name, value, showValue: true);
                writer.WriteString(name);
                canon.Write(walk, value, "$" + name);
                recorder?.End();
            }

            // Relative paths and native programs resolve against the current location: the current drive's
            // name, root (a drive can be re-created elsewhere under its name), provider and path in it, and
            // the file-system location when the current drive is on another provider. Read from the drive:
            // Path.CurrentLocation builds a PathInfo per call, which costs a pipeline item several microseconds.
            var drive = state.Drive.Current;
            recorder?.Begin("location", recorder == null ? null : state.Path.CurrentLocation.Path, showValue: true);
            WriteDrive(writer, drive);
            if (drive.Provider.Name != "FileSystem") writer.WriteString(state.Path.CurrentFileSystemLocation.Path);
            else writer.WriteNull();
            recorder?.End();

            CommandDefinitions.Write(walk, block.CommandNames, state, recorder);
            files?.Write(writer, recorder);

            description = describe ? Describe(block, arguments, hasItem, drive, files) : string.Empty;
            return writer.ToArray();
        }

        private static string Describe(BlockAnalysis block, object?[]? arguments, bool hasItem, PSDriveInfo drive, DependsOnFiles? files)
        {
            var vars = block.FreeVariables;
            var sb = new StringBuilder("block text");
            if (arguments != null && arguments.Length > 0) sb.Append($", {arguments.Length} argument(s)");
            if (hasItem) sb.Append(", pipeline item");
            sb.Append(vars.Count == 0 ? ", no free variables" : ", variables: $" + string.Join(", $", vars));
            sb.Append(", location ").Append(drive.Name).Append(':').Append(drive.CurrentLocation);
            if (block.CommandNames.Count > 0) sb.Append(", commands: ").Append(string.Join(", ", block.CommandNames));
            if (files != null) sb.Append(", ").Append(files.Files.Count).Append(" -DependsOn file(s)");
            return sb.ToString();
        }

        private static void WriteDrive(CanonicalKeyWriter writer, PSDriveInfo drive)
        {
            writer.WriteString(drive.Name);
            writer.WriteString(drive.Root ?? string.Empty);
            writer.WriteString(drive.Provider.Name);
            writer.WriteString(drive.CurrentLocation ?? string.Empty);
        }
    }
}
