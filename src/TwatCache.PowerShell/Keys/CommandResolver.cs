using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Resolves a command name as PowerShell would (alias, function, cmdlet, then scripts and programs on
    /// PATH). Aliases, functions and cmdlets are looked up on every call (cheap, and they change). A name
    /// that is none of those needs a PATH search, which costs milliseconds, so its result is remembered per
    /// name, PATH and location and re-checked cheaply: still no alias, function or cmdlet of that name,
    /// and the program found last time still exists.
    /// </summary>
    internal static class CommandResolver
    {
        private const CommandTypes InSession = CommandTypes.Alias | CommandTypes.Function | CommandTypes.Filter | CommandTypes.Cmdlet | CommandTypes.Configuration;
        private static readonly ConcurrentDictionary<string, OnPath> PathResults = new ConcurrentDictionary<string, OnPath>(StringComparer.OrdinalIgnoreCase);

        public static CommandInfo? Resolve(SessionState state, string name)
        {
            if (LooksLikePath(name)) return Lookup(state, name, CommandTypes.All);
            var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            var drive = state.Drive.Current;
            var location = drive.Name + ":" + drive.Root + "|" + drive.CurrentLocation;
            if (PathResults.TryGetValue(name, out var cached) && cached.Path == path && cached.Location == location
                && !DefinedInSession(state, name) && (cached.Info == null || StillThere(cached.Info)))
                return cached.Info;
            var info = Lookup(state, name, CommandTypes.All);
            if (info == null || info is ApplicationInfo || info is ExternalScriptInfo)
                PathResults[name] = new OnPath(path, location, info);
            return info;
        }

        // Aliases and functions through their drives (a miss there is cheap, unlike a full command lookup); cmdlets by name.
        private static bool DefinedInSession(SessionState state, string name)
        {
            var items = state.InvokeProvider.Item;
            if (items.Exists("function:" + name, false, true) || items.Exists("alias:" + name, false, true)) return true;
            return state.InvokeCommand.GetCmdlet(name) != null;
        }

        private static bool StillThere(CommandInfo info)
            => info is ApplicationInfo app ? File.Exists(app.Path) : !(info is ExternalScriptInfo script) || File.Exists(script.Path);

        private static CommandInfo? Lookup(SessionState state, string name, CommandTypes types)
        {
            try
            {
                return state.InvokeCommand.GetCommand(name, types);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // An ambiguous or broken definition: its text stands in, so a change still changes the key.
                return null;
            }
        }

        private static bool LooksLikePath(string name)
            => name.IndexOf('/') >= 0 || name.IndexOf('\\') >= 0 || name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase);

        private sealed class OnPath
        {
            public OnPath(string path, string location, CommandInfo? info)
            {
                Path = path;
                Location = location;
                Info = info;
            }

            public string Path { get; }
            public string Location { get; }
            public CommandInfo? Info { get; }
        }
    }
}
