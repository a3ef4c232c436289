namespace Provenance.Messaging;

/// <summary>
/// A RabbitMQ broker named by one URI, <c>amqp://user:password@host:port/vhost</c> (<c>amqps://</c> for TLS).
/// Configuration calls it <c>ConnectionStrings:Broker</c>; when it is empty the hosts use an in-process bus.
/// </summary>
public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    /// <summary>Where the hosts read the URI from (environment: <c>ConnectionStrings__Broker</c>).</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Broker";

    /// <summary>
    /// The broker <paramref name="uri"/> names; <paramref name="setting"/> is where it came from, for the message when
    /// it is not a broker URI (which quotes it without its user and password).
    /// </summary>
    public static BrokerAddress Parse(string uri, string setting = ConnectionStringKey)
    {
        if (!Uri.TryCreate(uri.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs")
            || u.Host.Length == 0)
        {
            throw new FormatException($"{setting} is not a broker URI such as amqp://guest:guest@127.0.0.1:5672/ (it is '{WithoutCredentials(uri)}').");
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

    static string WithoutCredentials(string uri)
    {
        var at = uri.LastIndexOf('@');
        if (at < 0)
        {
            return uri;
        }
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        return (scheme >= 0 && scheme < at ? uri[..(scheme + 3)] : "") + "***" + uri[at..];
    }
}
