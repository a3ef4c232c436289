namespace Provenance.Messaging;

/// <summary>
/// A RabbitMQ broker named by one URI, <c>amqp://user:password@host:port/vhost</c> (<c>amqps://</c> for TLS).
/// Configuration calls it <c>ConnectionStrings:Broker</c>; when it is empty the hosts use an in-process bus.
/// </summary>
public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    public static BrokerAddress Parse(string uri)
    {
        if (!Uri.TryCreate(uri.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
        {
            throw new FormatException($"'{uri}' is not a broker URI such as amqp://guest:guest@127.0.0.1:5672/.");
        }
        var tls = u.Scheme is "amqps" or "rabbitmqs";
        var userInfo = u.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
        return new BrokerAddress(
            u.Host,
            (ushort)(u.IsDefaultPort || u.Port <= 0 ? (tls ? 5671 : 5672) : u.Port),
            vhost.Length == 0 ? "/" : vhost,
            userInfo[0].Length == 0 ? "guest" : Uri.UnescapeDataString(userInfo[0]),
            userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest",
            tls);
    }

    /// <summary>The address without the password, for logs.</summary>
    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Username}@{Host}:{Port}/{(VirtualHost == "/" ? "" : VirtualHost)}";
}
