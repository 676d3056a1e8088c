using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TwatCache.Storage
{
    /// <summary>
    /// Sets Unix permission bits. The library targets netstandard2.0, which has no such API, so it calls
    /// <c>File.SetUnixFileMode</c> (.NET 7+) by reflection when the runtime has it; on Windows it does nothing.
    /// </summary>
    public static class UnixPermissions
    {
        private static readonly MethodInfo? SetMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(void) });
        private static readonly MethodInfo? GetMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });

        /// <summary>True on Linux and macOS.</summary>
        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>True when the runtime can read and set modes.</summary>
        public static bool Supported => IsUnix && SetMode != null && GetMode != null;

        /// <summary>Sets the mode of a file or directory (e.g. 0x1C0 = 0700); no-op where unsupported.</summary>
        public static void Set(string path, int mode)
        {
            if (!Supported) return;
            var enumType = SetMode!.GetParameters()[1].ParameterType;
            try
            {
                SetMode.Invoke(null, new[] { path, Enum.ToObject(enumType, mode) });
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                throw new CachePathException($"Cannot set permissions on '{path}': {ex.InnerException.Message}", ex.InnerException);
            }
        }

        /// <summary>Reads the permission bits, or null where unsupported.</summary>
        public static int? Get(string path)
        {
            if (!Supported) return null;
            try
            {
                return Convert.ToInt32(GetMode!.Invoke(null, new object[] { path }));
            }
            catch (TargetInvocationException)
            {
                return null;
            }
        }

        /// <summary>Owner read/write/execute only (0700), for directories.</summary>
        public const int OwnerOnlyDirectory = 0x1C0;

        /// <summary>Owner read/write only (0600), for files.</summary>
        public const int OwnerOnlyFile = 0x180;
    }
}
