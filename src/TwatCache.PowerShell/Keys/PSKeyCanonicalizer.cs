using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Key canonicalization for PowerShell values: unwraps PSObjects, keys PSCustomObjects by their
    /// properties, files by path, size and write time, script blocks by text, and secrets by a SHA-256
    /// of their content (never the secret itself). Live engine objects are refused.
    /// </summary>
    public sealed class PSKeyCanonicalizer : KeyCanonicalizer
    {
        /// <summary>The shared instance.</summary>
        public static PSKeyCanonicalizer Instance { get; } = new PSKeyCanonicalizer();

        /// <inheritdoc />
        protected override bool TryWriteSpecial(CanonicalKeyWriter writer, object value, string path, int depth, HashSet<object> visiting)
        {
            switch (value)
            {
                case PSObject pso:
                    if (pso.BaseObject is PSCustomObject)
                    {
                        var props = new List<KeyValuePair<string, object?>>();
                        foreach (var p in pso.Properties) props.Add(new KeyValuePair<string, object?>(p.Name, ReadProperty(p, path)));
                        WriteProperties(writer, "PSCustomObject", props, path, depth, visiting);
                    }
                    else
                    {
                        Write(writer, pso.BaseObject, path, depth, visiting);
                    }
                    return true;
                case ScriptBlock sb:
                    writer.WriteTaggedText('K', sb.ToString());
                    return true;
                case FileSystemInfo fsi:
                    fsi.Refresh();
                    var fileProps = new List<KeyValuePair<string, object?>>
                    {
                        new KeyValuePair<string, object?>("FullName", fsi.FullName),
                        new KeyValuePair<string, object?>("Exists", fsi.Exists),
                        new KeyValuePair<string, object?>("LastWriteTimeUtc", fsi.Exists ? fsi.LastWriteTimeUtc : (DateTime?)null),
                        new KeyValuePair<string, object?>("Length", fsi is FileInfo fi && fi.Exists ? fi.Length : (long?)null),
                    };
                    WriteProperties(writer, fsi.GetType().FullName!, fileProps, path, depth, visiting);
                    return true;
                case SecureString secure:
                    writer.WriteTaggedText('$', Sha256Hex(Reveal(secure)));
                    return true;
                case PSCredential cred:
                    writer.WriteTaggedText('$', cred.UserName + "|" + Sha256Hex(Reveal(cred.Password)));
                    return true;
                case Runspace _:
                case RunspacePool _:
                case System.Management.Automation.PowerShell _:
                case Job _:
                case System.Diagnostics.Process _:
                case System.Threading.Thread _:
                case System.Threading.Tasks.Task _:
                case PSHost _:
                case EngineIntrinsics _:
                case SessionState _:
                    throw Unkeyable(path, $"a {value.GetType().Name} is live state, not data");
                default:
                    return false;
            }
        }

        private static object? ReadProperty(PSPropertyInfo p, string path)
        {
            try { return p.Value; }
            catch (Exception ex) { throw Unkeyable(path + "." + p.Name, "reading it failed: " + ex.Message); }
        }

        private static string Reveal(SecureString s)
        {
            IntPtr ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(s);
                return Marshal.PtrToStringUni(ptr) ?? string.Empty;
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        private static string Sha256Hex(string text)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            return BitConverter.ToString(hash).Replace("-", string.Empty);
        }
    }
}
