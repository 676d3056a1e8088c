using System;
using System.IO;
using System.Runtime.InteropServices;

namespace TwatCache.Storage
{
    /// <summary>
    /// Finds and prepares the cache root: an explicit root, else <c>$TWATCACHE_ROOT</c>, else the platform
    /// cache directory (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> on Linux, <c>~/Library/Caches</c> on macOS,
    /// <c>%LOCALAPPDATA%</c> on Windows) plus <c>twatcache</c>. Created owner-only (0700) on Unix.
    /// </summary>
    internal static class CacheRoot
    {
        /// <summary>Environment variable that overrides the root.</summary>
        public const string EnvironmentVariable = "TWATCACHE_ROOT";

        /// <summary>
        /// The root that <paramref name="explicitRoot"/> or the environment selects. A leading <c>~</c> is the
        /// user's home directory (as in a shell); other relative paths are relative to the process's working directory.
        /// </summary>
        public static string Resolve(string? explicitRoot = null)
        {
            if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(ExpandHome(explicitRoot!.Trim()));
            var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(ExpandHome(fromEnv!.Trim()));
            return Path.Combine(PlatformCacheDirectory(), "twatcache");
        }

        /// <summary>True when <paramref name="path"/> starts with <c>~</c> alone or <c>~/</c> (<c>~\</c>): the home directory.</summary>
        public static bool IsHomeRelative(string path)
            => path.Length > 0 && path[0] == '~' && (path.Length == 1 || path[1] == '/' || path[1] == '\\');

        // "~" and "~/x" name the home directory, never a folder called "~".
        private static string ExpandHome(string path)
            => IsHomeRelative(path) ? HomeDirectory() + path.Substring(1) : path;

        private static string HomeDirectory()
            => Environment.GetEnvironmentVariable(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "USERPROFILE" : "HOME")
               ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        /// <summary>Creates <paramref name="root"/> when missing and makes it owner-only; returns the full path.</summary>
        public static string Ensure(string root)
        {
            var full = Path.GetFullPath(root);
            if (File.Exists(full))
                throw new CachePathException($"The cache root '{full}' is a file, not a directory. Point {EnvironmentVariable} at a directory.");
            try
            {
                bool existed = Directory.Exists(full);
                if (existed) RefuseUnsafe(full);
                // Owner-only from its creation: another process starting at the same moment checks it.
                UnixPermissions.CreateDirectory(full, UnixPermissions.OwnerOnlyDirectory);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new CachePathException($"The cache root '{full}' cannot be created: {ex.Message}", ex);
            }
            return full;
        }

        /// <summary>
        /// Refuses a root that another user owns or that group/others may write: anyone who can write
        /// there could plant entries that this user's scripts would replay.
        /// </summary>
        public static void RefuseUnsafe(string root)
        {
            var stat = UnixFileOwner.Stat(root);
            var me = UnixFileOwner.EffectiveUserId();
            if (stat == null) return;
            if (me.HasValue && stat.Value.Uid != me.Value)
                throw new CachePathException($"The cache root '{root}' is owned by uid {stat.Value.Uid}, not by you (uid {me.Value}). Use a directory of your own: set {EnvironmentVariable} to one (or run 'chown {me.Value} \"{root}\"').");
            if ((stat.Value.Mode & 0x12) != 0)
                throw new CachePathException($"The cache root '{root}' is writable by group or others (mode {Convert.ToString(stat.Value.Mode, 8)}). Run 'chmod 700 \"{root}\"', or set {EnvironmentVariable} to a private directory.");
        }

        private static string PlatformCacheDirectory()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                return Path.Combine(home, "Library", "Caches");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return !string.IsNullOrWhiteSpace(xdg) ? xdg! : Path.Combine(home, ".cache");
        }
    }
}
