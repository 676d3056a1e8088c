using System;

namespace TwatCache.Distributed
{
    /// <summary>
    /// The bytes an <see cref="ContextDistributedCache"/> stores: a version byte, the absolute limit of a
    /// sliding entry as UTC ticks (0 for none), then the caller's value.
    /// </summary>
    internal static class DistributedValue
    {
        private const byte Version = 1;
        private const int HeaderLength = 9;

        public static byte[] Write(DateTimeOffset? limit, byte[] value)
        {
            var bytes = new byte[HeaderLength + value.Length];
            bytes[0] = Version;
            long ticks = limit?.UtcTicks ?? 0;
            for (int i = 0; i < 8; i++) bytes[1 + i] = (byte)(ticks >> (8 * i));
            Buffer.BlockCopy(value, 0, bytes, HeaderLength, value.Length);
            return bytes;
        }

        public static bool TryRead(byte[] stored, out DateTimeOffset? limit, out byte[] value)
        {
            limit = null;
            value = Array.Empty<byte>();
            if (stored.Length < HeaderLength || stored[0] != Version) return false;
            long ticks = 0;
            for (int i = 0; i < 8; i++) ticks |= (long)stored[1 + i] << (8 * i);
            if (ticks != 0) limit = new DateTimeOffset(ticks, TimeSpan.Zero);
            value = new byte[stored.Length - HeaderLength];
            Buffer.BlockCopy(stored, HeaderLength, value, 0, value.Length);
            return true;
        }
    }
}
