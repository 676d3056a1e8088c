using System;
using System.Collections.Concurrent;
using StackExchange.Redis;

namespace TwatCache.Engines.Redis
{
    /// <summary>
    /// One <see cref="ConnectionMultiplexer"/> per connection string for the whole process, created on
    /// first use. StackExchange.Redis multiplexers are meant to be shared and reconnect by themselves, so
    /// contexts never own or dispose them.
    /// </summary>
    internal static class RedisConnections
    {
        /// <summary>Connect timeout unless the connection string names one: the most a silent (unanswering) server costs at start.</summary>
        public const int ConnectTimeoutMs = 5000;

        /// <summary>Timeout of one operation unless the connection string names one.</summary>
        public const int OperationTimeoutMs = 2000;

        private static readonly ConcurrentDictionary<string, Lazy<ConnectionMultiplexer>> Shared =
            new ConcurrentDictionary<string, Lazy<ConnectionMultiplexer>>(StringComparer.Ordinal);

        /// <summary>
        /// The shared multiplexer of <paramref name="connectionString"/>, connected now. A server that
        /// cannot be reached throws <see cref="CacheEngineUnavailableException"/>; the next call tries again.
        /// </summary>
        public static ConnectionMultiplexer Get(string connectionString)
        {
            var lazy = Shared.GetOrAdd(connectionString, cs => new Lazy<ConnectionMultiplexer>(() => Connect(cs)));
            ConnectionMultiplexer mux;
            try
            {
                mux = lazy.Value;
            }
            catch (Exception ex)
            {
                // A failed first connect must not be cached: drop it so a later context retries.
                Shared.TryRemove(connectionString, out _);
                if (ex is TwatCacheException) throw;
                throw new CacheEngineUnavailableException($"Redis at {Describe(connectionString)} cannot be reached: {ex.Message}", ex);
            }
            // A shared multiplexer whose server went away keeps reconnecting in the background; until it
            // is back, a new context must not start on it.
            if (!mux.IsConnected)
                throw new CacheEngineUnavailableException($"Redis at {Describe(connectionString)} is not connected.");
            return mux;
        }

        /// <summary>Parses a StackExchange.Redis configuration string and applies TwatCache's short timeouts where it names none.</summary>
        public static ConfigurationOptions Parse(string connectionString)
        {
            ConfigurationOptions options;
            try
            {
                options = ConfigurationOptions.Parse(connectionString);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FormatException)
            {
                throw new CacheConfigurationException($"The Redis connection string is not valid: {ex.Message}", ex);
            }
            if (options.EndPoints.Count == 0)
                throw new CacheConfigurationException("The Redis connection string names no server (e.g. 'localhost:6379').");
            if (!Names(connectionString, "connectTimeout")) options.ConnectTimeout = ConnectTimeoutMs;
            if (!Names(connectionString, "syncTimeout")) options.SyncTimeout = OperationTimeoutMs;
            if (!Names(connectionString, "asyncTimeout")) options.AsyncTimeout = OperationTimeoutMs;
            if (!Names(connectionString, "connectRetry")) options.ConnectRetry = 1;
            // While disconnected, fail commands at once instead of queueing them until the timeout: the caller falls back.
            options.BacklogPolicy = BacklogPolicy.FailFast;
            // Fail at start rather than hand out a multiplexer that is still trying: the context falls back.
            if (!Names(connectionString, "abortConnect")) options.AbortOnConnectFail = true;
            return options;
        }

        /// <summary>The servers of a connection string without its password, for messages and stats.</summary>
        public static string Describe(string connectionString)
        {
            try
            {
                var endpoints = ConfigurationOptions.Parse(connectionString).EndPoints;
                var parts = new string[endpoints.Count];
                for (int i = 0; i < parts.Length; i++) parts[i] = Format(endpoints[i]);
                return string.Join(",", parts);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FormatException)
            {
                return "(invalid connection string)";
            }
        }

        private static string Format(System.Net.EndPoint endpoint) => endpoint switch
        {
            System.Net.DnsEndPoint dns => dns.Host + ":" + (dns.Port == 0 ? 6379 : dns.Port),
            _ => endpoint.ToString() ?? string.Empty,
        };

        private static ConnectionMultiplexer Connect(string connectionString)
            => ConnectionMultiplexer.Connect(Parse(connectionString));

        private static bool Names(string connectionString, string setting)
            => connectionString.IndexOf(setting + "=", StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
