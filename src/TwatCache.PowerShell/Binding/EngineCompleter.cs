using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>Completes <c>-Engine</c> with the engine names and a one-line description of each.</summary>
    public sealed class EngineCompleter : IArgumentCompleter
    {
        private static readonly KeyValuePair<CacheEngineKind, string>[] Engines =
        {
            new KeyValuePair<CacheEngineKind, string>(CacheEngineKind.Auto, "Memory in front of LiteDb: survives the process (the default)"),
            new KeyValuePair<CacheEngineKind, string>(CacheEngineKind.Memory, "this process only; keeps live objects"),
            new KeyValuePair<CacheEngineKind, string>(CacheEngineKind.LiteDb, "one LiteDB file per context, shared by processes"),
            new KeyValuePair<CacheEngineKind, string>(CacheEngineKind.File, "one file per entry, for large results"),
            new KeyValuePair<CacheEngineKind, string>(CacheEngineKind.Redis, "a Redis server shared by many hosts (-ConnectionString)"),
        };

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (var engine in Engines)
            {
                var name = engine.Key.ToString();
                if (!name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) continue;
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, engine.Value);
            }
        }
    }
}
