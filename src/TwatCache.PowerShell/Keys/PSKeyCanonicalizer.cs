using System;
using System.Collections;
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
    /// Key forms for PowerShell values, on top of the core rule (exact types, order, all fields):
    /// a PSObject by its base object plus the members and type names PowerShell attached to it
    /// (PSCustomObject properties in their order); script blocks by text plus what they would read
    /// (see <see cref="ScriptBlockForm"/>); XML by its markup and position; files by path, length, times
    /// and attributes; secrets by a SHA-256 of their content (never the secret). Engine objects
    /// (runspaces, jobs, commands, error records, other engine types) are refused.
    /// </summary>
    internal sealed class PSKeyCanonicalizer : KeyCanonicalizer
    {
        private static readonly System.Reflection.Assembly EngineAssembly = typeof(PSObject).Assembly;

        /// <summary>The shared instance.</summary>
        public static PSKeyCanonicalizer Instance { get; } = new PSKeyCanonicalizer();

        /// <inheritdoc />
        protected override bool TryWriteSpecial(KeyWalk walk, object value, string path)
        {
            var w = walk.Writer;
            // A bare .NET object can carry members PowerShell attached to it (kept in side tables).
            if (!(value is PSObject) && !value.GetType().IsValueType && PSMembers.HasAttachments(value) && KeyScope.Of(walk).FirstVisitOfAttached(value))
            {
                WriteExtended(walk, null, value, path);
                return true;
            }
            switch (value)
            {
                case PSObject pso:
                    WriteExtended(walk, pso, pso.ImmediateBaseObject, path);
                    return true;
                case ScriptBlock sb:
                    ScriptBlockForm.Write(this, walk, sb, path);
                    return true;
                case System.Xml.XmlNode node:
                    XmlForms.Write(this, walk, node, path);
                    return true;
                case FileSystemInfo fsi:
                    WriteFile(walk, fsi, path);
                    return true;
                case SecureString secure:
                    Special(w, "securestring");
                    w.WriteString(Sha256Hex(Reveal(secure)));
                    return true;
                case PSCredential cred:
                    Special(w, "pscredential");
                    w.WriteString(cred.UserName);
                    w.WriteString(Sha256Hex(Reveal(cred.Password)));
                    return true;
                case SwitchParameter sw:
                    Special(w, "switch");
                    w.WriteBool(sw.IsPresent);
                    return true;
                case PSReference reference:
                    Special(w, "ref");
                    Write(walk, reference.Value, path + ".Value");
                    return true;
                case PSDriveInfo drive:
                    Special(w, "psdrive");
                    w.WriteString(drive.Name);
                    w.WriteString(drive.Root ?? string.Empty);
                    w.WriteString(drive.Provider?.Name ?? string.Empty);
                    w.WriteString(drive.CurrentLocation ?? string.Empty);
                    return true;
                case ProviderInfo provider:
                    Special(w, "psprovider");
                    w.WriteString(provider.Name);
                    w.WriteString(provider.ModuleName ?? string.Empty);
                    return true;
                case PathInfo pathInfo:
                    Special(w, "pathinfo");
                    w.WriteString(pathInfo.Path);
                    w.WriteString(pathInfo.ProviderPath ?? string.Empty);
                    return true;
                case WildcardPattern _:
                    throw Unkeyable(path, "a WildcardPattern does not show its options; pass the pattern text instead");
                case IDictionary dict when value.GetType().Assembly == EngineAssembly:
                    // PowerShell's own ordered dictionary ([ordered]@{} in PowerShell 7.3+): type and pairs in order.
                    WriteOrderedDictionary(walk, dict, path);
                    return true;
                case Runspace _:
                case RunspacePool _:
                case System.Management.Automation.PowerShell _:
                case Job _:
                case PSHost _:
                case EngineIntrinsics _:
                case SessionState _:
                case CommandInfo _:
                case PSModuleInfo _:
                case ErrorRecord _:
                    throw Unkeyable(path, $"a {value.GetType().Name} is live engine state, not data");
            }
            if (value.GetType().Assembly == EngineAssembly && !value.GetType().IsEnum)
            {
                if (value.GetType().FullName == UnixStatType)
                {
                    WriteUnixStat(walk, value, path);
                    return true;
                }
                if (value.GetType().FullName == "System.Management.Automation.SemanticVersion")
                {
                    // Immutable: its text is its whole value.
                    Special(w, "semver");
                    w.WriteString(value.ToString() ?? string.Empty);
                    return true;
                }
                if (value == AutomationNullValue)
                {
                    Special(w, "automationnull");
                    return true;
                }
                throw Unkeyable(path, $"a {value.GetType().FullName} is a PowerShell engine object; its state is not all data");
            }
            return false;
        }

        private static readonly object AutomationNullValue = System.Management.Automation.Internal.AutomationNull.Value;

        // A PSObject (or a bare object with attached members): base object, attached type names, attached members.
        private void WriteExtended(KeyWalk walk, PSObject? pso, object baseObject, string path)
        {
            var w = walk.Writer;
            bool custom = baseObject is PSCustomObject;
            var holder = (object?)pso ?? baseObject;
            var typeNames = PSMembers.InstanceTypeNames(holder, baseObject.GetType());
            if (!custom && typeNames == null && !PSMembers.HasInstanceMembers(holder))
            {
                // Nothing attached: the wrapper adds nothing a block can see (the per-item pipeline case, kept cheap).
                Write(walk, baseObject, path);
                return;
            }
            var members = PSMembers.Instance(holder);
            Special(w, custom ? "pscustomobject" : "psobject");
            if (!custom)
            {
                if (pso != null) Write(walk, baseObject, path);
                else WriteUnshared(walk, baseObject, path);   // the same object, now in its own form
            }
            if (typeNames == null) w.WriteNull();
            else
            {
                w.BeginList(typeNames.Count);
                foreach (var n in typeNames) w.WriteString(n);
            }
            w.BeginList(members.Count);
            foreach (var m in members) WriteMember(walk, m, path);
        }

        private void WriteMember(KeyWalk walk, PSMemberInfo m, string path)
        {
            var w = walk.Writer;
            w.WriteRaw32((int)m.MemberType);
            w.WriteString(m.Name);
            var at = path + "." + m.Name;
            switch (m)
            {
                case PSNoteProperty note: Write(walk, note.Value, at); break;
                case PSScriptProperty sp: Write(walk, sp.GetterScript, at); Write(walk, sp.SetterScript, at); break;
                case PSScriptMethod sm: Write(walk, sm.Script, at); break;
                case PSAliasProperty alias: w.WriteString(alias.ReferencedMemberName); Write(walk, alias.ConversionType, at); break;
                case PSCodeProperty cp:
                    w.WriteString(cp.GetterCodeReference == null ? string.Empty : cp.GetterCodeReference.DeclaringType + "::" + cp.GetterCodeReference.Name);
                    w.WriteString(cp.SetterCodeReference == null ? string.Empty : cp.SetterCodeReference.DeclaringType + "::" + cp.SetterCodeReference.Name);
                    break;
                case PSCodeMethod cm: w.WriteString(cm.CodeReference.DeclaringType + "::" + cm.CodeReference.Name); break;
                case PSPropertySet set:
                    w.BeginList(set.ReferencedPropertyNames.Count);
                    foreach (var n in set.ReferencedPropertyNames) w.WriteString(n);
                    break;
                case PSMemberSet ms:
                    var inner = new List<PSMemberInfo>();
                    foreach (var x in ms.Members) if (x.IsInstance) inner.Add(x);
                    w.BeginList(inner.Count);
                    foreach (var x in inner) WriteMember(walk, x, at);
                    break;
                default:
                    throw Unkeyable(at, $"a {m.MemberType} member cannot be keyed");
            }
        }

        private void WriteOrderedDictionary(KeyWalk walk, IDictionary dict, string path)
        {
            var w = walk.Writer;
            Special(w, "engine-dictionary");
            w.WriteType(dict.GetType());
            w.WriteRaw32(dict.Count);
            foreach (DictionaryEntry e in dict)
            {
                Write(walk, e.Key, path + ".Keys");
                Write(walk, e.Value, $"{path}[{e.Key}]");
            }
        }

        // Files by what identifies their state without reading them: path as given and in full, existence,
        // length, times and attributes. Content edited within one timestamp tick at the same length is not seen.
        private static void WriteFile(KeyWalk walk, FileSystemInfo fsi, string path)
        {
            var w = walk.Writer;
            fsi.Refresh();
            Special(w, "file");
            w.WriteType(fsi.GetType());
            w.WriteString(fsi.FullName);
            w.WriteString(fsi.ToString());
            w.WriteBool(fsi.Exists);
            if (!fsi.Exists) return;
            w.WriteRaw64(unchecked((ulong)fsi.LastWriteTimeUtc.Ticks));
            w.WriteRaw64(unchecked((ulong)fsi.CreationTimeUtc.Ticks));
            w.WriteRaw32((int)fsi.Attributes);
            w.WriteRaw64(fsi is FileInfo fi ? unchecked((ulong)fi.Length) : 0);
            var mode = fsi.GetType().GetProperty("UnixFileMode")?.GetValue(fsi);
            w.WriteRaw32(mode == null ? -1 : Convert.ToInt32(mode, System.Globalization.CultureInfo.InvariantCulture));
        }

        private const string UnixStatType = "System.Management.Automation.Platform+Unix+CommonStat";

        // The stat record PowerShell attaches to files on Unix (UnixStat): every field but the access time,
        // which reading the file inside the block would change, so the same file could never hit.
        private void WriteUnixStat(KeyWalk walk, object stat, string path)
        {
            Special(walk.Writer, "unixstat");
            var fields = stat.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
            Array.Sort(fields, (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var f in fields)
            {
                if (f.Name.IndexOf("AccessTime", StringComparison.Ordinal) >= 0) continue;
                walk.Writer.WriteString(f.Name);
                Write(walk, f.GetValue(stat), path + "." + f.Name);
            }
        }

        internal static void Special(CanonicalKeyWriter w, string shape)
        {
            w.WriteTag((byte)'%');
            w.WriteString(shape);
        }

        internal static CacheKeyException Refuse(string path, string reason) => Unkeyable(path, reason);

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
