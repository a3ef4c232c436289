using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>A Registry setting out of range, or one that is retired, stops the process at start with its name.</summary>
public sealed class RegistrySettingsTests
{
    [Theory]
    [InlineData("Registry:MaxConcurrentLargeRequests", "0", "Registry:MaxConcurrentLargeRequests is 0")]
    [InlineData("Registry:MaxRequestBytes", "268435456", "Registry:MaxRequestBytes is retired")]
    public async Task ABadSettingStopsTheStartAndSaysWhich(string key, string value, string says)
    {
        var database = await TestDatabase.CreateAsync("provenance_settings");
        try
        {
            var start = ApiProcess.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings:Registry"] = database,
                ["Database:MigrateOnStartup"] = "true",
                ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
                ["Detection:InProcess"] = "false",
                [key] = value,
            });

            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => start);

            Assert.Contains(says, failure.Message);
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }
}
