using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Builds the canonical key of one Invoke-Cached run: either the explicit <c>-Key</c> value alone, or the
    /// block's fingerprint, its arguments, the pipeline item and the current values of its free variables.
    /// Also describes the parts for -Verbose.
    /// </summary>
    public static class InvocationKey
    {
        /// <summary>Canonical bytes of an explicit -Key (a string key matches the C# API's string keys).</summary>
        public static byte[] ForExplicitKey(object? key) => PSKeyCanonicalizer.Instance.Encode(key, "-Key");

        /// <summary>Canonical bytes of a block invocation.</summary>
        public static byte[] ForBlock(BlockAnalysis block, object?[]? arguments, bool hasItem, object? item, SessionState state, out string description)
        {
            var writer = new CanonicalKeyWriter();
            var canon = PSKeyCanonicalizer.Instance;
            writer.BeginList(5);
            writer.WriteString("block");
            writer.WriteBytes(block.Fingerprint);
            writer.WriteEncoded(canon.Encode(arguments ?? Array.Empty<object>(), "-ArgumentList"));
            if (hasItem) writer.WriteEncoded(canon.Encode(item, "the pipeline item ($_)"));
            else writer.WriteString("no-item");

            var vars = block.FreeVariables;
            writer.BeginList(vars.Count);
            foreach (var name in vars)
            {
                writer.WriteString(name);
                writer.WriteEncoded(canon.Encode(ReadVariable(state, name), "$" + name));
            }

            var sb = new StringBuilder("block text");
            if (arguments != null && arguments.Length > 0) sb.Append($", {arguments.Length} argument(s)");
            if (hasItem) sb.Append(", pipeline item");
            sb.Append(vars.Count == 0 ? ", no free variables" : ", variables: $" + string.Join(", $", vars));
            description = sb.ToString();
            return writer.ToArray();
        }

        private static object? ReadVariable(SessionState state, string name)
        {
            if (name.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
                return Environment.GetEnvironmentVariable(name.Substring(4));
            try
            {
                return state.PSVariable.GetValue(name);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                throw new CacheKeyException($"Cannot read ${name} to build the cache key: {ex.Message}. Pass -Key with the values that identify the result.", ex);
            }
        }
    }
}
