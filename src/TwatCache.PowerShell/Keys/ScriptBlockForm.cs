using System;
using System.Management.Automation;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// The key form of a script block passed as a value: its text, and the values of the variables it
    /// reads where it would read them. A block bound to a module (a closure from GetNewClosure(), or a
    /// block defined in a module) reads them from that module: the module's identity (name and version;
    /// a closure's generated name is left out) and the captured values go in. An unbound block reads them
    /// from the caller's session when it runs, so they are read from there. Without a session (-Key) a
    /// block that reads variables is refused: its behaviour is not in its text.
    /// </summary>
    internal static class ScriptBlockForm
    {
        private const string DynamicModulePrefix = "__DynamicModule_";

        public static void Write(PSKeyCanonicalizer canon, KeyWalk walk, ScriptBlock sb, string path)
        {
            var w = walk.Writer;
            var analysis = BlockAnalysis.Of(sb);
            PSKeyCanonicalizer.Special(w, "scriptblock");
            w.WriteBytes(analysis.Fingerprint);
            w.WriteBool(sb.IsFilter);
            var module = sb.Module;
            SessionState? state;
            if (module != null)
            {
                bool closure = module.Name.StartsWith(DynamicModulePrefix, StringComparison.Ordinal);
                w.WriteString(closure ? "closure" : "module");
                if (!closure)
                {
                    w.WriteString(module.Name);
                    w.WriteString(module.Version?.ToString() ?? string.Empty);
                    w.WriteString(module.Path ?? string.Empty);
                }
                state = module.SessionState;
            }
            else
            {
                w.WriteString("unbound");
                state = KeyScope.Of(walk).State;
            }
            var vars = analysis.FreeVariables;
            w.BeginList(vars.Count);
            if (vars.Count == 0) return;
            if (state == null)
                throw PSKeyCanonicalizer.Refuse(path, "a script block that reads variables ($" + string.Join(", $", vars) + ") depends on where it runs");
            foreach (var name in vars)
            {
                w.WriteString(name);
                canon.Write(walk, VariableReader.Read(state, name), path + " reads $" + name);
            }
        }
    }
}
