using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace TwatCache.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7 resolves type literals only in the default load context, where TwatCache.Core is not:
    /// registering Core's public types as accelerators under their full names keeps
    /// <c>[TwatCache.CacheStats]</c> and <c>-is [TwatCache.CacheContext]</c> working. Only the types a script
    /// user meets are registered (the core's internals stay out of every session).
    /// </summary>
    internal static class CoreTypeAccelerators
    {
        private static readonly List<string> Registered = new List<string>();

        private static readonly Type[] ScriptTypes =
        {
            typeof(CacheContext), typeof(CacheOptions), typeof(CacheEntryOptions), typeof(CacheStats), typeof(CacheEntryInfo),
            typeof(CacheEngineKind), typeof(EvictionPolicy), typeof(TwatCache.Serialization.ICacheSerializer), typeof(TwatCache.Serialization.JsonCacheSerializer),
            typeof(TwatCache.Serialization.IForeignFormatReader), typeof(ContextName),
            typeof(TwatCache.Diagnostics.CacheCounters), typeof(TwatCache.Diagnostics.TwatCacheTelemetry), typeof(TwatCacheException), typeof(CacheKeyException),
            typeof(CacheConfigurationException), typeof(CacheEngineUnavailableException), typeof(CacheOperationException),
            typeof(CachePathException), typeof(CacheSerializationException), typeof(CacheStoreCorruptException),
        };

        public static void Register()
        {
            var accelerators = AcceleratorsType();
            var add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(Type) }, null);
            if (add == null) return; // not a PowerShell whose accelerators this code knows: type literals stay unavailable
            lock (Registered)
            {
                foreach (var type in ScriptTypes)
                {
                    add.Invoke(null, new object[] { type.FullName, type });
                    Registered.Add(type.FullName);
                }
            }
        }

        public static void Unregister()
        {
            var remove = AcceleratorsType()?.GetMethod("Remove", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null);
            if (remove == null) return;
            lock (Registered)
            {
                foreach (var name in Registered) remove.Invoke(null, new object[] { name });
                Registered.Clear();
            }
        }

        private static Type? AcceleratorsType() => typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
    }
}
