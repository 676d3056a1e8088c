using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Writes what the commands a block calls are, as of this call, so a changed definition misses:
    /// a function by its definition text and, recursively, the commands it calls; an alias by its target;
    /// a cmdlet or a module's function by module name and version (and the cmdlet's .NET type); a .ps1
    /// script by its path and content (and the commands in it); a native program by its resolved path,
    /// size and write time. Names are resolved the way PowerShell would, through <see cref="CommandResolver"/>.
    /// Commands called by a computed name (<c>&amp; $cmd</c>) are not seen.
    /// </summary>
    internal static class CommandDefinitions
    {
        private const int MaxCommands = 512;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, KeyValuePair<byte[], BlockAnalysis>> ScriptAnalyses =
            new System.Collections.Concurrent.ConcurrentDictionary<string, KeyValuePair<byte[], BlockAnalysis>>(StringComparer.Ordinal);
        private static readonly ConditionalWeakTable<CmdletInfo, string> CmdletIdentities = new ConditionalWeakTable<CmdletInfo, string>();

        public static void Write(KeyWalk walk, IReadOnlyList<string> names, SessionState state, KeyPartsRecorder? parts = null)
        {
            var w = walk.Writer;
            w.BeginList(names.Count);
            if (names.Count == 0) return;
            var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in names)
            {
                parts?.Begin(PartName(name, state));
                WriteCommand(w, name, state, visited, 0);
                parts?.End();
            }
        }

        // "function Get-Inventory", "cmdlet Get-Date", "application git": what a miss explanation names.
        private static string PartName(string name, SessionState state)
        {
            var info = CommandResolver.Resolve(state, name);
            var kind = info == null ? "command" : info is ExternalScriptInfo ? "script" : info.CommandType.ToString().ToLowerInvariant();
            return kind + " " + name;
        }

        private static void WriteCommand(CanonicalKeyWriter w, string name, SessionState state, HashSet<string> visited, int depth)
        {
            w.WriteString(name);
            if (!visited.Add(name))
            {
                w.WriteTag((byte)'^');   // already described in this key
                return;
            }
            if (visited.Count > MaxCommands || depth > 64)
                throw new CacheKeyException($"Cannot build a cache key: the block calls more than {MaxCommands} commands (or nests them deeper than 64). Pass -Key with the values that identify the result.");
            var info = CommandResolver.Resolve(state, name);
            switch (info)
            {
                case null:
                    w.WriteString("missing");
                    break;
                case AliasInfo alias:
                    w.WriteString("alias");
                    w.WriteString(alias.Definition ?? string.Empty);
                    WriteCommand(w, alias.Definition ?? string.Empty, state, visited, depth + 1);
                    break;
                case FunctionInfo fn when fn.Module != null:
                    w.WriteString("module-function");
                    WriteModule(w, fn.Module);
                    break;
                case FunctionInfo fn:
                    w.WriteString("function");
                    var analysis = BlockAnalysis.Of(fn.ScriptBlock);
                    w.WriteBytes(analysis.Fingerprint);
                    WriteCalls(w, analysis, state, visited, depth);
                    break;
                case CmdletInfo cmdlet:
                    w.WriteString("cmdlet");
                    w.WriteString(CmdletIdentities.GetValue(cmdlet, c => (c.ImplementingType?.AssemblyQualifiedName ?? string.Empty) + "|" + c.ModuleName));
                    if (cmdlet.Module != null) WriteModule(w, cmdlet.Module); else w.WriteNull();
                    break;
                case ExternalScriptInfo script:
                    w.WriteString("script");
                    w.WriteString(script.Path);
                    var content = FileFingerprints.Of(script.Path);
                    w.WriteBytes(content);
                    if (content.Length > 0) WriteCalls(w, ScriptAnalysis(script, content), state, visited, depth);
                    break;
                case ApplicationInfo app:
                    w.WriteString("application");
                    w.WriteString(app.Path);
                    var file = new FileInfo(app.Path);
                    w.WriteRaw64(file.Exists ? unchecked((ulong)file.LastWriteTimeUtc.Ticks) : 0);
                    w.WriteRaw64(file.Exists ? unchecked((ulong)file.Length) : 0);
                    break;
                default:
                    w.WriteString(info.CommandType.ToString());
                    w.WriteString(info.Definition ?? string.Empty);
                    if (info.Module != null) WriteModule(w, info.Module); else w.WriteNull();
                    break;
            }
        }

        // A script's parse, reused while its content fingerprint is unchanged (reading ScriptBlock parses the file).
        private static BlockAnalysis ScriptAnalysis(ExternalScriptInfo script, byte[] content)
        {
            if (ScriptAnalyses.TryGetValue(script.Path, out var cached) && ReferenceEquals(cached.Key, content)) return cached.Value;
            var analysis = BlockAnalysis.Of(script.ScriptBlock);
            ScriptAnalyses[script.Path] = new KeyValuePair<byte[], BlockAnalysis>(content, analysis);
            return analysis;
        }

        private static void WriteCalls(CanonicalKeyWriter w, BlockAnalysis analysis, SessionState state, HashSet<string> visited, int depth)
        {
            w.BeginList(analysis.CommandNames.Count);
            foreach (var callee in analysis.CommandNames) WriteCommand(w, callee, state, visited, depth + 1);
        }

        private static void WriteModule(CanonicalKeyWriter w, PSModuleInfo module)
        {
            w.WriteString(module.Name);
            w.WriteString(module.Version?.ToString() ?? string.Empty);
        }
    }
}
