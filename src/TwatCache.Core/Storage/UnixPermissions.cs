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
    internal static class UnixPermissions
    {
        private static readonly MethodInfo? SetMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(void) });
        private static readonly MethodInfo? GetMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
        private static readonly MethodInfo? CreateWithMode = typeof(Directory).GetMethod("CreateDirectory", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(void) });

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

        /// <summary>
        /// Creates <paramref name="path"/> (and missing parents) with <paramref name="mode"/> from the start
        /// where the runtime can, then sets the mode exactly (the umask may have narrowed it). A directory
        /// that exists for a moment with wider bits would make another process that checks it (such as
        /// <see cref="CacheRoot.RefuseUnsafe"/>) refuse it.
        /// </summary>
        public static void CreateDirectory(string path, int mode)
        {
            if (Supported && CreateWithMode != null && !Directory.Exists(path))
            {
                var enumType = CreateWithMode.GetParameters()[1].ParameterType;
                try
                {
                    CreateWithMode.Invoke(null, new[] { path, Enum.ToObject(enumType, mode) });
                }
                catch (TargetInvocationException ex) when (ex.InnerException != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                }
            }
            else
            {
                Directory.CreateDirectory(path);
            }
            Set(path, mode);
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
