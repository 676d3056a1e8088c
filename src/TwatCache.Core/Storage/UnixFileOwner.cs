using System;
using System.Runtime.InteropServices;

namespace TwatCache.Storage
{
    /// <summary>
    /// Owner and mode of a path on Linux through <c>statx(2)</c>, whose result layout is the same on every
    /// architecture (unlike <c>struct stat</c>), and the effective user id through <c>geteuid(2)</c>.
    /// netstandard2.0 has no API for either. Elsewhere (macOS, Windows, old glibc) it answers null.
    /// </summary>
    internal static class UnixFileOwner
    {
        private const int AtFdCwd = -100;
        private const uint StatxBasicStats = 0x7ff;
        private const int UidOffset = 20;
        private const int ModeOffset = 28;

        /// <summary>Owner uid and permission bits of <paramref name="path"/>, or null where unknown.</summary>
        public static (uint Uid, int Mode)? Stat(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
            try
            {
                var buffer = new byte[256];
                if (statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0) return null;
                return (BitConverter.ToUInt32(buffer, UidOffset), BitConverter.ToUInt16(buffer, ModeOffset) & 0xFFF);
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return null;
            }
        }

        /// <summary>The effective user id of this process, or null where unknown.</summary>
        public static uint? EffectiveUserId()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
            try
            {
                return geteuid();
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return null;
            }
        }

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", EntryPoint = "geteuid")]
        private static extern uint geteuid();
    }
}
