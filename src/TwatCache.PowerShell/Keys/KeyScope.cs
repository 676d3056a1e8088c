using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// What one key walk in PowerShell carries: the session whose variables and commands a script block
    /// value would see (null for -Key), and the objects whose attached members are already being written.
    /// </summary>
    internal sealed class KeyScope
    {
        private HashSet<object>? _attached;

        public KeyScope(SessionState? state) => State = state;

        /// <summary>The caller's session state, or null when keys are built without one (-Key, Clear-Cache -Key).</summary>
        public SessionState? State { get; }

        public static KeyScope Of(KeyWalk walk)
        {
            if (walk.Context is KeyScope scope) return scope;
            scope = new KeyScope(null);
            walk.Context = scope;
            return scope;
        }

        /// <summary>True the first time an object is seen by the attached-members check (the second time is its own form).</summary>
        public bool FirstVisitOfAttached(object value)
        {
            _attached ??= new HashSet<object>(Identity.Instance);
            return _attached.Add(value);
        }

        private sealed class Identity : IEqualityComparer<object>
        {
            public static readonly Identity Instance = new Identity();
            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
