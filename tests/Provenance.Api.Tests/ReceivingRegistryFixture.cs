using Provenance.Testing;

namespace Provenance.Api.Tests;

/// <summary>A real HTTP server in the test that the registry sends to (an OpenLineage catalogue, a webhook subscriber).</summary>
public interface ITestReceiver : IAsyncDisposable
{
    Task StartAsync();
}

/// <summary>The API with a receiver of <typeparamref name="TReceiver"/> started before it and stopped after it.</summary>
public abstract class ReceivingRegistryFixture<TReceiver> : RegistryFixture where TReceiver : ITestReceiver, new()
{
    public TReceiver Receiver { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await Receiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
