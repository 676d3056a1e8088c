using System.Collections.Generic;
using TwatCache.Storage;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>
    /// The cmdlets' view of the stores under a cache root; the layout itself (suffixes, discovery of every
    /// engine's closed stores) lives in the core's <see cref="StoreLayout"/>.
    /// </summary>
    internal static class StoreDiscovery
    {
        /// <summary>Names of the stores under <paramref name="root"/>, sorted; empty when the root does not exist.</summary>
        public static IReadOnlyList<string> StoreNames(string root) => StoreLayout.StoreNames(root);

        /// <summary>The LiteDB store file a context named <paramref name="name"/> uses under <paramref name="root"/>.</summary>
        public static string StorePath(string root, string name) => StoreLayout.LiteDbPath(root, name);

        /// <summary>The File store directory of a context named <paramref name="name"/> under <paramref name="root"/>.</summary>
        public static string FilesPath(string root, string name) => StoreLayout.FilesPath(root, name);

        /// <summary>True when only a File store (no LiteDB file) of that name exists.</summary>
        public static bool IsFilesOnly(string root, string name) => StoreLayout.IsFilesOnly(root, name);

        /// <summary>Where an open context of that name would report its store.</summary>
        public static string LocationOf(string root, string name) => StoreLayout.LocationOf(root, name);

        /// <summary>True when a store of that name exists under <paramref name="root"/>.</summary>
        public static bool Exists(string root, string name) => StoreLayout.Exists(root, name);
    }
}
