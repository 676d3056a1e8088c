using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TwatCache.PowerShell.Contexts;
using TwatCache.Storage;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>
    /// Completes <c>-Context</c> (and <c>New-CacheContext -Name</c>) with the names of open contexts and of
    /// the stores found under the cache root. Completing never opens or creates a store.
    /// </summary>
    public sealed class ContextNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
            foreach (var candidate in Candidates())
            {
                if (!pattern.IsMatch(candidate.Key)) continue;
                yield return new CompletionResult(candidate.Key, candidate.Key, CompletionResultType.ParameterValue, candidate.Value);
            }
        }

        /// <summary>Every name a user can pass to -Context now, with a tooltip saying where it comes from.</summary>
        public static IEnumerable<KeyValuePair<string, string>> Candidates()
        {
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var ctx in ContextRegistry.All())
            {
                if (!seen.ContainsKey(ctx.Name)) seen[ctx.Name] = $"open context ({ctx.EngineName}){(ctx.Path != null ? " " + ctx.Path : string.Empty)}";
            }
            if (!seen.ContainsKey(ContextRegistry.DefaultName)) seen[ContextRegistry.DefaultName] = "the default context";
            string root;
            try
            {
                root = CurrentRoot.OfCurrentRunspace();
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is System.IO.PathTooLongException)
            {
                root = string.Empty;
            }
            if (root.Length > 0)
            {
                foreach (var name in StoreLayout.StoreNames(root))
                {
                    if (!seen.ContainsKey(name)) seen[name] = "store " + StoreLayout.LocationOf(root, name);
                }
            }
            return seen.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase);
        }
    }
}
