using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>
    /// Finds the stores that exist under a cache root, open or not: a context named <c>x</c> keeps its
    /// LiteDB store in <c>&lt;root&gt;/x.litedb</c>. Reads the directory only; never opens or creates anything.
    /// </summary>
    public static class StoreDiscovery
    {
        /// <summary>File extension of a context's LiteDB store.</summary>
        public const string StoreExtension = ".litedb";

        /// <summary>Names of the stores under <paramref name="root"/>, sorted; empty when the root does not exist.</summary>
        public static IReadOnlyList<string> StoreNames(string root)
        {
            try
            {
                if (!Directory.Exists(root)) return Array.Empty<string>();
                return Directory.EnumerateFiles(root, "*" + StoreExtension)
                    .Select(f => Path.GetFileNameWithoutExtension(f))
                    .Where(ContextName.IsValid)
                    .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                    .ToList();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        /// <summary>The store file a context named <paramref name="name"/> uses under <paramref name="root"/>.</summary>
        public static string StorePath(string root, string name) => Path.Combine(root, name + StoreExtension);

        /// <summary>True when a store of that name exists under <paramref name="root"/>.</summary>
        public static bool Exists(string root, string name) => ContextName.IsValid(name) && File.Exists(StorePath(root, name));
    }
}
