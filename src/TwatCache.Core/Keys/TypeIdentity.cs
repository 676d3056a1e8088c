using System;
using System.Collections.Concurrent;
using System.Text;

namespace TwatCache.Keys
{
    /// <summary>
    /// The canonical bytes that name a type. A type from an assembly on disk is its assembly-qualified name
    /// (so another version of the assembly is another type: a miss, never a collision). A type built at run
    /// time (a PowerShell class, a dynamic proxy) can be redefined under the same name with other members,
    /// so it also gets an id that is unique to this Type object in this process.
    /// </summary>
    internal static class TypeIdentity
    {
        private static readonly ConcurrentDictionary<Type, byte[]> Cache = new ConcurrentDictionary<Type, byte[]>();

        public static byte[] Of(Type type) => Cache.GetOrAdd(type, Build);

        private static byte[] Build(Type type)
        {
            var name = type.AssemblyQualifiedName ?? type.FullName ?? type.Name;
            if (IsRuntimeBuilt(type)) name += "|process-local:" + Guid.NewGuid().ToString("N");
            var text = Encoding.UTF8.GetBytes(name);
            var bytes = new byte[4 + text.Length];
            for (int i = 0; i < 4; i++) bytes[i] = (byte)(text.Length >> (8 * i));
            Buffer.BlockCopy(text, 0, bytes, 4, text.Length);
            return bytes;
        }

        private static bool IsRuntimeBuilt(Type type)
        {
            if (type.HasElementType) return IsRuntimeBuilt(type.GetElementType()!);
            if (type.Assembly.IsDynamic) return true;
            if (type.IsGenericType)
            {
                foreach (var arg in type.GetGenericArguments())
                    if (IsRuntimeBuilt(arg)) return true;
            }
            return false;
        }
    }
}
