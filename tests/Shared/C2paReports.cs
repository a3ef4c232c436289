using System.Text.Json;
using System.Text.Json.Nodes;

namespace Provenance.Tests;

/// <summary>
/// C2PA manifest store reports in the shape c2patool prints for an asset (its summary report, without --detailed):
/// the active manifest by label among all the manifests in the store, its assertions, ingredients and claim generator,
/// and the reader's validation results.
/// </summary>
internal static class C2paReports
{
    public const string ActiveLabel = "urn:c2pa:5e3c8d2a-7b41-4c1e-9f0a-1d2e3f405162:acme:2:0";
    public const string OlderLabel = "urn:uuid:0b3bd0b6-9783-4adc-9609-fb29fff858da";

    /// <summary>
    /// A text an assistant wrote from a brief (<paramref name="briefHash"/>, the ingredient that was its input), signed
    /// by the assistant's app; the store also holds the older manifest of a logo placed in it, which says nothing of the
    /// text.
    /// </summary>
    public static JsonObject Generated(string briefHash) => new()
    {
        ["active_manifest"] = ActiveLabel,
        ["manifests"] = new JsonObject
        {
            [ActiveLabel] = new JsonObject
            {
                ["claim_generator"] = "Acme_Writer/2.1.0 c2pa-rs/0.49.5",
                ["claim_generator_info"] = new JsonArray(new JsonObject
                {
                    ["name"] = "Acme Writer",
                    ["version"] = "2.1.0",
                    ["org.contentauth.c2pa_rs"] = "0.49.5",
                }),
                ["title"] = "launch-post.md",
                ["format"] = "text/markdown",
                ["instance_id"] = "xmp:iid:6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e",
                ["ingredients"] = new JsonArray(
                    new JsonObject
                    {
                        ["title"] = "brief.md",
                        ["format"] = "text/markdown",
                        ["instance_id"] = "xmp:iid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                        ["relationship"] = "inputTo",
                        ["hash"] = briefHash,
                        ["label"] = "c2pa.ingredient.v3",
                    },
                    new JsonObject
                    {
                        ["title"] = "logo.png",
                        ["format"] = "image/png",
                        ["instance_id"] = "xmp:iid:190fb451-7dc4-4878-b0d2-512d9b1c5dab",
                        ["relationship"] = "componentOf",
                        ["active_manifest"] = OlderLabel,
                        ["label"] = "c2pa.ingredient.v3__1",
                        ["validation_results"] = new JsonObject
                        {
                            ["activeManifest"] = new JsonObject { ["success"] = new JsonArray(), ["informational"] = new JsonArray(), ["failure"] = new JsonArray() },
                        },
                    }),
                ["assertions"] = new JsonArray(
                    new JsonObject
                    {
                        ["label"] = "c2pa.actions.v2",
                        ["data"] = new JsonObject
                        {
                            ["actions"] = new JsonArray(
                                new JsonObject
                                {
                                    ["action"] = "c2pa.created",
                                    ["digitalSourceType"] = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                                    ["softwareAgent"] = new JsonObject { ["name"] = "Acme Writer", ["version"] = "2.1.0" },
                                    ["parameters"] = new JsonObject { ["ingredientIds"] = new JsonArray("c2pa.ingredient.v3") },
                                },
                                new JsonObject
                                {
                                    ["action"] = "c2pa.placed",
                                    ["parameters"] = new JsonObject { ["ingredientIds"] = new JsonArray("c2pa.ingredient.v3__1") },
                                }),
                        },
                    },
                    new JsonObject
                    {
                        ["label"] = "stds.schema-org.CreativeWork",
                        ["data"] = new JsonObject { ["@context"] = "https://schema.org", ["@type"] = "CreativeWork" },
                    }),
                ["signature_info"] = new JsonObject
                {
                    ["alg"] = "Es256",
                    ["issuer"] = "Acme Corp",
                    ["cert_serial_number"] = "640229841392226413189608867977836244731148734950",
                    ["time"] = "2026-11-30T09:15:02+00:00",
                },
                ["label"] = ActiveLabel,
            },
            [OlderLabel] = new JsonObject
            {
                ["claim_generator"] = "Acme_Camera/1.0 c2pa-rs/0.39.0",
                ["title"] = "logo.png",
                ["format"] = "image/png",
                ["assertions"] = new JsonArray(new JsonObject
                {
                    ["label"] = "c2pa.actions",
                    ["data"] = new JsonObject
                    {
                        ["actions"] = new JsonArray(new JsonObject
                        {
                            ["action"] = "c2pa.created",
                            ["digitalSourceType"] = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
                        }),
                    },
                }),
                ["label"] = OlderLabel,
            },
        },
        ["validation_results"] = new JsonObject
        {
            ["activeManifest"] = new JsonObject
            {
                ["success"] = new JsonArray(
                    new JsonObject { ["code"] = "claimSignature.insideValidity", ["url"] = $"self#jumbf=/c2pa/{ActiveLabel}/c2pa.signature", ["explanation"] = "claim signature valid" },
                    new JsonObject { ["code"] = "claimSignature.validated", ["url"] = $"self#jumbf=/c2pa/{ActiveLabel}/c2pa.signature", ["explanation"] = "claim signature valid" }),
                ["informational"] = new JsonArray(),
                ["failure"] = new JsonArray(),
            },
        },
        ["validation_state"] = "Valid",
    };

    /// <summary>The active manifest of <paramref name="report"/>, to change what a test is about.</summary>
    public static JsonObject Active(JsonObject report) => report["manifests"]![ActiveLabel]!.AsObject();

    /// <summary>The actions of the active manifest's first actions assertion.</summary>
    public static JsonArray Actions(JsonObject report) => Active(report)["assertions"]![0]!["data"]!["actions"]!.AsArray();

    public static JsonElement ToElement(JsonNode report) => JsonSerializer.SerializeToElement(report);
}
