using System;
using StackExchange.Redis;
using TwatCache.Contexts;

namespace TwatCache.Engines.Redis
{
    /// <summary>
    /// Keeps the memory layers of every process over one Redis context true: each write or removal is
    /// published on the context's channel, and while the context is open its subscription drops what other
    /// processes changed. A lost subscription cannot tell what it missed, so when it is restored the whole
    /// memory layer is dropped (the caller warns once).
    /// </summary>
    internal sealed class RedisBackplane : IDisposable
    {
        private readonly ConnectionMultiplexer _mux;
        private readonly RedisChannel _channel;
        // Tells this context's own messages (which come back to it) from other contexts' and processes'.
        private readonly string _instance = Guid.NewGuid().ToString("N");
        private Action<Invalidation>? _onRemote;
        private Action? _onResubscribed;
        private int _lost;
        private int _disposed;

        public RedisBackplane(ConnectionMultiplexer mux, string channel)
        {
            _mux = mux;
            _channel = RedisChannel.Literal(channel);
        }

        /// <summary>The channel, e.g. <c>twatcache-inv:&lt;context&gt;</c>.</summary>
        public string Channel => _channel.ToString();

        /// <summary>Subscribes now (so no message after the context opened is missed) and watches the subscription's connection.</summary>
        public void Start(Action<Invalidation> onRemote, Action onResubscribed)
        {
            _onRemote = onRemote;
            _onResubscribed = onResubscribed;
            _mux.ConnectionFailed += OnConnectionFailed;
            _mux.ConnectionRestored += OnConnectionRestored;
            try
            {
                _mux.GetSubscriber().Subscribe(_channel, OnMessage);
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException)
            {
                // Not subscribed: treat it as a lost subscription, so the reconnect drops the memory layer.
                System.Threading.Volatile.Write(ref _lost, 1);
            }
        }

        /// <summary>Publishes an invalidation without waiting for the server; a failure is left to the reconnect rule.</summary>
        public void Publish(Invalidation invalidation)
        {
            try
            {
                _mux.GetSubscriber().Publish(_channel, invalidation.Encode(_instance), CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException || ex is ObjectDisposedException)
            {
                // The store operation that this follows meets the same failure and says so.
            }
        }

        private void OnMessage(RedisChannel channel, RedisValue message)
        {
            if (System.Threading.Volatile.Read(ref _disposed) != 0 || message.IsNullOrEmpty) return;
            var invalidation = Invalidation.Decode(message!, out var sender);
            if (invalidation == null || sender == _instance) return;
            _onRemote?.Invoke(invalidation);
        }

        private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
        {
            if (e.ConnectionType == ConnectionType.Subscription) System.Threading.Volatile.Write(ref _lost, 1);
        }

        // The subscription and the command connection come back one after the other, in either order: clear once
        // both are up, so the reads that follow the cleared memory layer reach the server.
        private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
        {
            if (System.Threading.Volatile.Read(ref _disposed) != 0 || System.Threading.Volatile.Read(ref _lost) == 0) return;
            if (!_mux.GetSubscriber().IsConnected(_channel) || !_mux.GetDatabase().IsConnected(default(RedisKey))) return;
            if (System.Threading.Interlocked.Exchange(ref _lost, 0) == 1) _onResubscribed?.Invoke();
        }

        /// <summary>Unsubscribes and stops watching the connection (the shared multiplexer stays open).</summary>
        public void Dispose()
        {
            if (System.Threading.Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _mux.ConnectionFailed -= OnConnectionFailed;
            _mux.ConnectionRestored -= OnConnectionRestored;
            try
            {
                _mux.GetSubscriber().Unsubscribe(_channel, OnMessage, CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException || ex is ObjectDisposedException)
            {
                // The server is gone: so is the subscription.
            }
        }
    }
}
