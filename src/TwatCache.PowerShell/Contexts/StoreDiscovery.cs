using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>
    /// Finds the stores that exist under a cache root, open or not: a context named <c>x</c> keeps its
    /// LiteDB store in <c>&lt;root&gt;/x.litedb</c> (Auto and LiteDb) and its files in <c>&lt;root&gt;/x.files/</c>
    /// (File, and Auto's large values). Reads the directory only; never opens or creates anything.
    /// </summary>
    public static class StoreDiscovery
    {
        /// <summary>File extension of a context's LiteDB store.</summary>
        public const string StoreExtension = ".litedb";

        /// <summary>Directory extension of a context's File store.</summary>
        public const string FilesExtension = ".files";

        /// <summary>Names of the stores (LiteDB files and File directories) under <paramref name="root"/>, sorted; empty when the root does not exist.</summary>
        public static IReadOnlyList<string> StoreNames(string root)
        {
            try
            {
                if (!Directory.Exists(root)) return Array.Empty<string>();
                var liteDb = Directory.EnumerateFiles(root, "*" + StoreExtension).Select(Path.GetFileName);
                var files = Directory.EnumerateDirectories(root, "*" + FilesExtension).Select(Path.GetFileName);
                return liteDb.Select(f => f!.Substring(0, f.Length - StoreExtension.Length))
                    .Concat(files.Select(d => d!.Substring(0, d.Length - FilesExtension.Length)))
                    .Where(ContextName.IsValid)
                    .Distinct(StringComparer.Ordinal)
                    .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                    .ToList();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        /// <summary>The LiteDB store file a context named <paramref name="name"/> uses under <paramref name="root"/>.</summary>
        public static string StorePath(string root, string name) => Path.Combine(root, name + StoreExtension);

        /// <summary>The File store directory of a context named <paramref name="name"/> under <paramref name="root"/>.</summary>
        public static string FilesPath(string root, string name) => Path.Combine(root, name + FilesExtension);

        /// <summary>True when only a File store (no LiteDB file) of that name exists: it opens with the File engine.</summary>
        public static bool IsFilesOnly(string root, string name)
            => ContextName.IsValid(name) && !File.Exists(StorePath(root, name)) && Directory.Exists(FilesPath(root, name));

        /// <summary>Where an open context of that name would report its store: the LiteDB file, else the File directory.</summary>
        public static string LocationOf(string root, string name) => IsFilesOnly(root, name) ? FilesPath(root, name) : StorePath(root, name);

        /// <summary>True when a store of that name exists under <paramref name="root"/>.</summary>
        public static bool Exists(string root, string name)
            => ContextName.IsValid(name) && (File.Exists(StorePath(root, name)) || Directory.Exists(FilesPath(root, name)));
    }
}
