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
    public static class CacheRoot
    {
        /// <summary>Environment variable that overrides the root.</summary>
        public const string EnvironmentVariable = "TWATCACHE_ROOT";

        /// <summary>The root that <paramref name="explicitRoot"/> or the environment selects.</summary>
        public static string Resolve(string? explicitRoot = null)
        {
            if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(explicitRoot);
            var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
            return Path.Combine(PlatformCacheDirectory(), "twatcache");
        }

        /// <summary>Creates <paramref name="root"/> when missing and makes it owner-only; returns the full path.</summary>
        public static string Ensure(string root)
        {
            var full = Path.GetFullPath(root);
            if (File.Exists(full))
                throw new CachePathException($"The cache root '{full}' is a file, not a directory. Point {EnvironmentVariable} at a directory.");
            try
            {
                bool existed = Directory.Exists(full);
                Directory.CreateDirectory(full);
                if (!existed) UnixPermissions.Set(full, UnixPermissions.OwnerOnlyDirectory);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new CachePathException($"The cache root '{full}' cannot be created: {ex.Message}", ex);
            }
            return full;
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
