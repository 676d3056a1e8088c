using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Reads the members and type names that PowerShell attached to one object (Add-Member notes, script
    /// properties, PSTypeName...), not the ones its type gives it. These live on the PSObject or, for a
    /// bare .NET object, in PowerShell's side tables; PowerShell only exposes them internally, so they are
    /// reached through compiled accessors, with a slower public fallback if the engine's internals differ.
    /// </summary>
    internal static class PSMembers
    {
        private static readonly Func<object, IEnumerable?>? InstanceMembersOf = Compile("HasInstanceMembers");
        private static readonly Func<object, IEnumerable?>? InstanceTypeNamesOf = Compile("HasInstanceTypeName");

        /// <summary>True when a bare (unwrapped) object has members or type names attached in PowerShell's side tables.</summary>
        public static bool HasAttachments(object value)
        {
            if (InstanceMembersOf == null || InstanceTypeNamesOf == null) return false;
            return HasOwn(InstanceMembersOf(value)) || InstanceTypeNamesOf(value) != null;
        }

        /// <summary>True when the object (a PSObject or a bare object) has members of its own; no list is built.</summary>
        public static bool HasInstanceMembers(object value)
        {
            if (InstanceMembersOf != null) return HasOwn(InstanceMembersOf(value));
            return Instance(value).Count > 0;
        }

        /// <summary>The object's own extended members in the order they were added; empty when none.</summary>
        public static List<PSMemberInfo> Instance(object value)
        {
            var list = new List<PSMemberInfo>();
            if (InstanceMembersOf != null)
            {
                var members = InstanceMembersOf(value);
                if (members != null)
                    foreach (PSMemberInfo m in members)
                        if (!IsEngineView(m)) list.Add(m);
                return list;
            }
            if (value is PSObject pso)
            {
                foreach (var m in pso.Members)
                    if (m.IsInstance && !(m is PSMethod) && !IsEngineView(m)) list.Add(m);
            }
            return list;
        }

        // PowerShell itself caches its standard views of an object (the psobject/psbase/psadapted/psextended
        // member sets, the pstypenames property) in the same side table, e.g. after ConvertTo-Json or
        // formatting touched a boxed number. They show the object itself, which is keyed anyway: not attachments.
        private static readonly HashSet<string> EngineViewNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "psobject", "psbase", "psadapted", "psextended", "pstypenames",
        };

        private static bool IsEngineView(PSMemberInfo m)
            => EngineViewNames.Contains(m.Name)
               && (m is PSMemberSet || (m is PSCodeProperty cp && cp.GetterCodeReference?.DeclaringType?.Assembly == typeof(PSObject).Assembly));

        private static bool HasOwn(IEnumerable? members)
        {
            if (members == null) return false;
            foreach (var m in members)
                if (!(m is PSMemberInfo info) || !IsEngineView(info)) return true;
            return false;
        }

        /// <summary>Type names set on this object (PSTypeName, PSTypeNames.Insert), or null when it has the default ones.</summary>
        public static IList<string>? InstanceTypeNames(object value, Type baseType)
        {
            if (InstanceTypeNamesOf != null && !(value is PSObject))
                return InstanceTypeNamesOf(value) is IList<string> names ? names : null;
            if (!(value is PSObject pso)) return null;
            var actual = pso.TypeNames;
            return IsDefault(actual, baseType) ? null : actual;
        }

        private static bool IsDefault(IList<string> names, Type type)
        {
            int i = 0;
            for (var t = type; t != null; t = t.BaseType, i++)
            {
                if (i >= names.Count || !string.Equals(names[i], t.FullName, StringComparison.Ordinal)) return false;
            }
            return i == names.Count;
        }

        // Builds obj => Method(obj, out var x) ? x : null for an internal static bool Method(object, out T).
        private static Func<object, IEnumerable?>? Compile(string name)
        {
            try
            {
                var method = typeof(PSObject).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic);
                var ps = method?.GetParameters();
                if (method == null || ps!.Length != 2 || ps[0].ParameterType != typeof(object) || !ps[1].ParameterType.IsByRef) return null;
                var outType = ps[1].ParameterType.GetElementType()!;
                if (!typeof(IEnumerable).IsAssignableFrom(outType)) return null;
                var obj = Expression.Parameter(typeof(object), "obj");
                var result = Expression.Variable(outType, "result");
                var body = Expression.Block(new[] { result },
                    Expression.Condition(Expression.Call(method, obj, result),
                        Expression.Convert(result, typeof(IEnumerable)),
                        Expression.Constant(null, typeof(IEnumerable))));
                return Expression.Lambda<Func<object, IEnumerable?>>(body, obj).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
