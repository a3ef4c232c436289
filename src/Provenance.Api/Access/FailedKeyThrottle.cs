using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Access;

/// <summary>
/// Counts unknown or revoked API keys per client address in fixed windows, so that guessing keys costs the guesser
/// time and the registry no database lookups. Only failures are counted: an address whose keys work is never slowed.
/// IPv6 clients are counted per /64, the block one client is usually given.
/// </summary>
internal sealed class FailedKeyThrottle(IOptions<AccessOptions> options, TimeProvider clock) : IDisposable
{
    readonly AccessOptions _options = options.Value;

    // Its own cache with a size limit: the shared one is unbounded, and addresses are chosen by the clients.
    readonly MemoryCache _windows = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxTrackedAddresses });

    TimeSpan Window => TimeSpan.FromSeconds(_options.FailedKeyWindowSeconds);

    /// <summary>How long <paramref name="address"/> must wait before its keys are looked up again; null when it need not.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (_windows.TryGetValue(Partition(address), out FailureWindow? window) && window is not null
            && Volatile.Read(ref window.Failures) >= _options.MaxFailedKeys)
        {
            var left = window.EndsAt - clock.GetUtcNow();
            return left > TimeSpan.Zero ? left : null;
        }
        return null;
    }

    public void RecordFailure(IPAddress? address)
    {
        var partition = Partition(address);
        var now = clock.GetUtcNow();
        if (!_windows.TryGetValue(partition, out FailureWindow? window) || window is null || window.EndsAt <= now)
        {
            window = new FailureWindow(now + Window);
            _windows.Set(partition, window, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Window });
        }
        Interlocked.Increment(ref window.Failures);
    }

    public void Dispose() => _windows.Dispose();

    static IPAddress Partition(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    sealed class FailureWindow(DateTimeOffset endsAt)
    {
        public DateTimeOffset EndsAt { get; } = endsAt;

        public int Failures;
    }
}
