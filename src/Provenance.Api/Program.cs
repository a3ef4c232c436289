using Provenance.Api.Access;
using Provenance.Api.Assertions;
using Provenance.Api.Console;
using Provenance.Api.Datasets;
using Provenance.Api.Detection;
using Provenance.Api.Documents;
using Provenance.Api.Generators;
using Provenance.Api.Hosting;
using Provenance.Api.Lineage;
using Provenance.Api.Stats;
using Provenance.Api.Webhooks;
using Provenance.Hosting.Health;
using Provenance.Hosting.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddRegistryHttp();
builder.AddRegistryProblemDetails();
builder.AddRegistryDatabase();
builder.AddRegistryHealthChecks();
builder.AddRegistryTelemetry("provenance-api");
builder.AddRegistryAccess();
builder.AddRegistryBus();
builder.AddRegistrySearch();
builder.AddRegistryOpenLineage();
builder.AddRegistryWebhooks();
builder.AddRegistryOpenApi();

var app = builder.Build();
await app.PrepareRegistryAsync();
app.UseSecurityHeaders();
app.UseRegistryErrors();
app.UseConsoleAssets();
app.UseAuthentication();
app.UseAuthorization();
app.UseRegistryRequestLimits();

app.MapHealthApi();
app.MapMetricsApi();
app.MapDocumentsApi();
app.MapLineageApi();
app.MapAssertionsApi();
app.MapGeneratorsApi();
app.MapStatsApi();
app.MapDatasetsApi();
app.MapKeysApi();
app.MapWebhooksApi();
app.MapDetectionApi();
app.MapApiDocs();
app.MapConsole();

app.Run();

/// <summary>The API host; public so that tests can start it with WebApplicationFactory.</summary>
public partial class Program;
