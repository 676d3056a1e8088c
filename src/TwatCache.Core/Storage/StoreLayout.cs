using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TwatCache.Storage
{
    /// <summary>
    /// Where each engine keeps a context's store under a cache root, and which stores exist there, open or
    /// not: a context named <c>x</c> keeps its LiteDB store in <c>&lt;root&gt;/x.tcdb</c> (Auto and LiteDb; earlier versions' <c>x.litedb</c>, opened in LiteDB's shared mode, is left alone)
    /// and its files in <c>&lt;root&gt;/x.files/</c> (File, and Auto's large values). Discovery reads the
    /// directory only; it never opens or creates anything.
    /// </summary>
    internal static class StoreLayout
    {
        /// <summary>The LiteDB store file of the context <paramref name="name"/> under <paramref name="root"/>.</summary>
        public static string LiteDbPath(string root, string name) => Path.Combine(root, name + LiteDbSuffix);

        /// <summary>The File store directory of the context <paramref name="name"/> under <paramref name="root"/>.</summary>
        public static string FilesPath(string root, string name) => Path.Combine(root, name + FilesSuffix);

        /// <summary>File suffix of a context's LiteDB store.</summary>
        public const string LiteDbSuffix = ".tcdb";

        /// <summary>Directory suffix of a context's File store.</summary>
        public const string FilesSuffix = ".files";

        /// <summary>Names of the stores of every local engine under <paramref name="root"/>, sorted; empty when the root does not exist.</summary>
        public static IReadOnlyList<string> StoreNames(string root)
        {
            try
            {
                if (!Directory.Exists(root)) return Array.Empty<string>();
                var liteDb = Directory.EnumerateFiles(root, "*" + LiteDbSuffix).Select(f => WithoutSuffix(f, LiteDbSuffix));
                var files = Directory.EnumerateDirectories(root, "*" + FilesSuffix).Select(d => WithoutSuffix(d, FilesSuffix));
                return liteDb.Concat(files)
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

        /// <summary>True when only a File store (no LiteDB file) of that name exists: it opens with the File engine.</summary>
        public static bool IsFilesOnly(string root, string name)
            => ContextName.IsValid(name) && !File.Exists(LiteDbPath(root, name)) && Directory.Exists(FilesPath(root, name));

        /// <summary>Where an open context of that name would report its store: the LiteDB file, else the File directory.</summary>
        public static string LocationOf(string root, string name) => IsFilesOnly(root, name) ? FilesPath(root, name) : LiteDbPath(root, name);

        /// <summary>True when a store of any local engine of that name exists under <paramref name="root"/>.</summary>
        public static bool Exists(string root, string name)
            => ContextName.IsValid(name) && (File.Exists(LiteDbPath(root, name)) || Directory.Exists(FilesPath(root, name)));

        private static string WithoutSuffix(string path, string suffix)
        {
            var name = Path.GetFileName(path);
            return name.Substring(0, name.Length - suffix.Length);
        }
    }
}
