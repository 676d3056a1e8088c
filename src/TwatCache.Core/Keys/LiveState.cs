using System;
using System.Reflection;
using System.Runtime.ConstrainedExecution;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace TwatCache.Keys
{
    /// <summary>
    /// Values that are not data: their behaviour lives outside the object (code, a handle, another thread,
    /// another process), so no bytes could say what a block would see. Keying them is refused.
    /// </summary>
    internal static class LiveState
    {
        /// <summary>Why <paramref name="value"/> cannot be keyed, or null when it can be walked.</summary>
        public static string? Reason(object value, Type type)
        {
            if (value is Delegate) return $"a {type.Name} is code (a delegate), not data";
            if (value is IntPtr || value is UIntPtr || value is Pointer) return "a native pointer or handle is not data";
            if (value is MarshalByRefObject) return $"a {type.Name} is live state (a stream, process, component or remote object), not data";
            if (value is CriticalFinalizerObject) return $"a {type.Name} owns an operating-system handle or thread";
            if (value is Task || value is CancellationTokenSource) return $"a {type.Name} is work in progress, not data";
            if (value is MemberInfo || value is Assembly || value is Module) return $"a {type.Name} is code metadata; key it by name";
            if (type.IsCOMObject || Marshal.IsComObject(value)) return "a COM object is live state, not data";
            return null;
        }

        /// <summary>True for field types that always hold a pointer or handle.</summary>
        public static bool IsPointerField(Type fieldType)
            => fieldType.IsPointer || fieldType == typeof(IntPtr) || fieldType == typeof(UIntPtr) || fieldType.IsByRef;
    }
}
