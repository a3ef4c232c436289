using System.Net;
using System.Net.Sockets;

namespace Provenance.Testing;

/// <summary>Ports on 127.0.0.1 for servers a test starts.</summary>
public static class LocalPorts
{
    /// <summary>A port no one listens on now (the system's choice; another process may still take it before the caller).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
