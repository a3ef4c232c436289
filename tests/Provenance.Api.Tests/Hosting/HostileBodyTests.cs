using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Provenance.Api.Detection;
using Provenance.Contracts.Access;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Generators;
using Provenance.Contracts.Webhooks;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// Generated hostile bodies, built from the request contracts themselves, sent to every endpoint that writes: each
/// field gets plausible values, values with control characters, lone surrogates, bidirectional and zero-width
/// characters, numbers JSON allows and .NET or PostgreSQL do not, the wrong type, deep nesting or thousands of
/// members; whole bodies are truncated, get bytes that are not UTF-8, duplicate and unknown members. No answer may be
/// a 5xx, every refusal is a problem with a code, and a refusal leaves <c>/v1/stats</c> as it was.
/// </summary>
public sealed class HostileBodyTests(HostileBodyTests.Registry registry) : IClassFixture<HostileBodyTests.Registry>
{
    /// <summary>Raises the number of cases (default <see cref="DefaultCases"/>), for a longer search.</summary>
    public const string CasesVariable = "PROVENANCE_FUZZ_CASES";

    /// <summary>Chooses other cases than the default seed's.</summary>
    public const string SeedVariable = "PROVENANCE_FUZZ_SEED";

    const int DefaultCases = 800;
    const ulong DefaultSeed = 20_261_207;

    // SplitMix64's golden gamma: the generator's stride, which must be odd.
    const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>
    /// Detection requests are sent (to a queue no process here reads), so a valid detection request is accepted
    /// rather than refused with the 503 of a registry that has no detector: every 5xx is then a failure.
    /// </summary>
    public sealed class Registry : RegistryFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Detection:RequestClassification"] = "true" };
    }

    /// <param name="Path">The path; <c>{doc}</c> stands for a document registered before the run.</param>
    /// <param name="Route">The endpoint's route template, for the summary.</param>
    public sealed record Case(string Route, string Role, string Method, string Path, byte[] Body, string ContentType, string Shape)
    {
        public override string ToString()
        {
            var text = Encoding.UTF8.GetString(Body);
            var shown = text.Length <= 400 ? text : $"{text[..300]}…({text.Length:N0} chars)…{text[^60..]}";
            return $"{Method} {Path} [{Shape}, {ContentType}] {JsonSerializer.Serialize(shown)}";
        }
    }

    sealed record Endpoint(string Route, string Role, string Method, Gen<string> Path, Type Body);

    static readonly Gen<string> Generator = RouteValue("fuzz-model@1");

    static readonly Endpoint[] Endpoints =
    [
        new("/v1/documents", "crawler", "POST", Gen.Constant("/v1/documents"), typeof(RegisterDocumentRequest)),
        new("/v1/documents/batch", "crawler", "POST", Gen.Constant("/v1/documents/batch"), typeof(RegisterDocumentsRequest)),
        new("/v1/documents/{ref}/assertions", "curator", "POST", RouteValue("{doc}").Select(d => $"/v1/documents/{d}/assertions"), typeof(AssertClassRequest)),
        new("/v1/generators/{generator}", "curator", "PUT", Generator.Select(g => $"/v1/generators/{g}"), typeof(UpdateGeneratorRequest)),
        new("/v1/keys", "admin", "POST", Gen.Constant("/v1/keys"), typeof(CreateApiKeyRequest)),
        // Only ids no fixture key has: revoking the test's own keys would turn the rest of the run into 401s.
        new("/v1/keys/{id}", "admin", "DELETE", Gen.Elements("0", "-1", "99999", "2147483647", "2147483648", "1e3", "%01").Select(id => $"/v1/keys/{id}"),
            typeof(CreateApiKeyRequest)),
        new("/v1/datasets", "trainer", "POST", Gen.Frequency(
            (4, Gen.Constant("/v1/datasets")), (4, Gen.Constant("/v1/datasets?dryRun=true")),
            (1, Gen.Elements("/v1/datasets?dryRun=maybe", "/v1/datasets?dryRun=true&dryRun=false", "/v1/datasets?dryRun=%00"))), typeof(DatasetSpec)),
        new("/v1/detection/requests", "curator", "POST", Gen.Constant("/v1/detection/requests"), typeof(DetectionRequest)),
        new("/v1/webhooks", "admin", "POST", Gen.Constant("/v1/webhooks"), typeof(CreateWebhookRequest)),
        new("/v1/webhooks/{id}", "admin", "DELETE", Gen.Elements("0", "-1", "99999", "9223372036854775808", "1e3", "%01").Select(id => $"/v1/webhooks/{id}"),
            typeof(CreateWebhookRequest)),
    ];

    [Fact]
    public async Task NoHostileBodyGetsA5xxAndNoRefusalChangesTheStats()
    {
        var count = Environment.GetEnvironmentVariable(CasesVariable) is { Length: > 0 } c ? int.Parse(c, CultureInfo.InvariantCulture) : DefaultCases;
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;
        var cases = Gen.Sample(Cases, count, new Rnd(seed, Gamma), 50);
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText());
        var clients = new[] { "crawler", "curator", "trainer", "admin" }.ToDictionary(r => r, r => registry.Client(r));
        var stats = registry.Client("trainer");
        var failures = new List<string>();
        var statuses = new SortedDictionary<(string Route, int Status), int>();
        var clock = Stopwatch.StartNew();

        foreach (var @case in cases)
        {
            var before = RegistryStats.WithoutBackgroundWork(await stats.GetStringAsync("/v1/stats"));
            using var request = new HttpRequestMessage(new HttpMethod(@case.Method), @case.Path.Replace("{doc}", doc.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                Content = new ByteArrayContent(@case.Body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(@case.ContentType) } },
            };
            using var response = await clients[@case.Role].SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[(@case.Route, status)] = statuses.GetValueOrDefault((@case.Route, status)) + 1;
            var answer = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                failures.Add($"{status} for {@case}: {answer}");
            }
            else if (status >= 400)
            {
                if (RegistryStats.WithoutBackgroundWork(await stats.GetStringAsync("/v1/stats")) is var after && after != before)
                {
                    failures.Add($"{status} changed the stats from {before} to {after} for {@case}");
                }
                if (!IsProblemWithCode(response, answer))
                {
                    failures.Add($"{status} without a problem code for {@case}: {answer}");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"hostile bodies: {cases.Length} cases (seed {seed}; {CasesVariable}, {SeedVariable}) in {clock.Elapsed.TotalSeconds:F1} s\n"
            + string.Join("\n", statuses.GroupBy(p => p.Key.Route).Select(g => $"  {g.Key}: {string.Join(", ", g.Select(p => $"{p.Value} × {p.Key.Status}"))}")));
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {cases.Length} cases failed (seed {seed}):\n" + string.Join("\n", failures.Take(25)));
    }

    static bool IsProblemWithCode(HttpResponseMessage response, string answer)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 };
    }

    static Gen<Case> Cases =>
        from endpoint in Gen.Elements(Endpoints)
        from path in endpoint.Path
        from body in Body(endpoint.Body)
        from contentType in Gen.Frequency(
            (30, Gen.Constant("application/json")),
            (1, Gen.Elements("text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16")))
        select new Case(endpoint.Route, endpoint.Role, endpoint.Method, path, body.Bytes, contentType, body.Shape);

    // ---- whole bodies

    /// <summary>How often a member is left out and how often its value is hostile, against 16 plausible values.</summary>
    /// <remarks>
    /// Some bodies are plausible throughout, so that they pass the checks and reach the writers; most have about one
    /// hostile value, so that the checks past the first see it too; some have many.
    /// </remarks>
    sealed record Hostility(int Omit, int Hostile);

    static readonly Gen<Hostility> Hostilities = Gen.Frequency(
        (1, Gen.Constant(new Hostility(0, 0))), (6, Gen.Constant(new Hostility(1, 2))), (2, Gen.Constant(new Hostility(4, 8))));

    static Gen<(byte[] Bytes, string Shape)> Body(Type contract) =>
        from hostility in Hostilities
        from json in Object(contract, 0, hostility)
        from mutated in Gen.Frequency(
            (12, Gen.Constant((Encoding.UTF8.GetBytes(json), "contract"))),
            (2, Truncated(json)),
            (2, WithInvalidUtf8(json)),
            (1, Gen.Elements("[]", "null", "1e400", "\"text\"", "true", "", " ", "{}{}", "{\"a\":1}", "\uFEFF{}").Select(b => (Encoding.UTF8.GetBytes(b), "other top level"))),
            (1, Deep.Select(d => (Encoding.UTF8.GetBytes(d), "deep top level"))),
            (1, Wide.Select(w => (Encoding.UTF8.GetBytes(w), "wide top level"))))
        select mutated;

    static Gen<(byte[], string)> Truncated(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return Gen.Choose(0, Math.Max(0, bytes.Length - 1)).Select(cut => (bytes[..cut], "truncated"));
    }

    static Gen<(byte[], string)> WithInvalidUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        // A stray byte, an overlong NUL, an encoded surrogate, a sequence cut short, a code point above U+10FFFF.
        return from at in Gen.Choose(0, bytes.Length)
               from bad in Gen.Elements<byte[]>([0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xFE])
               select ((byte[])[.. bytes[..at], .. bad, .. bytes[at..]], "invalid UTF-8");
    }

    // ---- objects and values, from the contract's constructor

    static Gen<string> Object(Type contract, int depth, Hostility h)
    {
        var members = contract.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .Select(p => Member(JsonNamingPolicy.CamelCase.ConvertName(p.Name!), p.ParameterType, depth, h))
            .ToList();
        return from present in Gen.CollectToList(members)
               let list = present.OfType<string>().ToList()
               from extra in Gen.Frequency<string?>(
                   (10, Gen.Constant<string?>(null)),
                   (1, Gen.Elements<string?>("\"url\":\"https://example.org/\"", "\"zzz\":1", "\"\\u0000\":1", "\"\\ud800\":true", "\"Text\":\"x\"")),
                   (1, list.Count == 0 ? Gen.Constant<string?>(null) : Gen.Elements<string?>([.. list]))) // a duplicate member
               select "{" + string.Join(",", extra is null ? list : [.. list, extra]) + "}";
    }

    static Gen<string?> Member(string name, Type type, int depth, Hostility h) =>
        h.Omit == 0
            ? Value(name, type, depth, h).Select(v => (string?)$"\"{name}\":{v}")
            : Gen.Frequency<string?>(
                (h.Omit, Gen.Constant<string?>(null)),
                (16, Value(name, type, depth, h).Select(v => (string?)$"\"{name}\":{v}")));

    static Gen<string> Value(string name, Type type, int depth, Hostility h)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var plausible = Plausible(name, t, depth, h);
        if (h.Hostile == 0)
        {
            return plausible;
        }
        var hostile = t == typeof(string) ? HostileString(name)
            : t == typeof(double) || t == typeof(long) || t == typeof(int) ? HostileNumber
            : t == typeof(DateTimeOffset) ? HostileDate
            : t == typeof(JsonElement) ? Gen.OneOf(HostileString(name), HostileNumber, HostileObject)
            : plausible;
        // About one hostile value per body, so that the others are plausible and the body reaches the checks past the
        // first; deep and wide values only at the top level, where one is enough to reach the parser's limits.
        return depth == 0
            ? Gen.Frequency((64, plausible), (4 * h.Hostile, hostile), (h.Hostile, WrongType), (h.Hostile, Deep), (h.Hostile, Wide))
            : Gen.Frequency((64, plausible), (4 * h.Hostile, hostile), (h.Hostile, WrongType));
    }

    static Gen<string> Plausible(string name, Type t, int depth, Hostility h)
    {
        if (h.Hostile == 0 && ValidObjects(name) is { Length: > 0 } valid)
        {
            return Gen.Elements(valid);
        }
        if (t == typeof(string))
        {
            return Gen.Elements(PlausibleStrings(name)).Select(Quote);
        }
        if (t == typeof(double))
        {
            return Gen.Elements("0", "0.5", "0.9", "1", "0.7");
        }
        if (t == typeof(long) || t == typeof(int))
        {
            return Gen.Elements("1", "2", "10", "1000");
        }
        if (t == typeof(bool))
        {
            return Gen.Elements("true", "false");
        }
        if (t == typeof(DateTimeOffset))
        {
            return Gen.Elements("\"2024-05-01T12:00:00Z\"", "\"2020-01-01T00:00:00+02:00\"");
        }
        if (t == typeof(JsonElement))
        {
            return HostileObject;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = t.GetGenericArguments()[0];
            return from n in Gen.Choose(0, 3)
                   from items in Value(name, item, depth + 1, h).ListOf(n)
                   select "[" + string.Join(",", items) + "]";
        }
        return depth > 3 ? Gen.Constant("{}") : Object(t, depth + 1, h);
    }

    /// <summary>Nested objects whose members constrain each other, in combinations that pass, for plausible bodies.</summary>
    static string[] ValidObjects(string name) => name switch
    {
        "declared" => ["{\"class\":\"human\"}", "{\"class\":\"synthetic\",\"generator\":\"fuzz-model@1\",\"confidence\":0.9}",
            "{\"digitalSourceType\":\"trainedAlgorithmicMedia\"}"],
        "parents" => ["[]", $"[{{\"contentHash\":\"{new string('c', 64)}\",\"relation\":\"paraphrase_of\",\"paramsHash\":\"p1\"}}]"],
        "documents" => ["[{\"text\":\"A plausible batch item.\"}]", "[{\"text\":\"One.\"},{\"text\":\"Two.\",\"licence\":\"CC0\"}]"],
        "target" => ["{\"documents\":1}", "{\"tokens\":10}"],
        "unknown" => ["{\"admit\":\"none\"}", "{\"admit\":\"detector\",\"humanAtLeast\":0.9,\"syntheticAtLeast\":0.9}"],
        "filters" => ["{}", "{\"languages\":[\"en\"],\"classes\":[\"human\"]}"],
        "nearDuplicates" => ["{\"threshold\":0.8}"],
        "evidence" => ["{\"score\":0.5}"],
        _ => [],
    };

    static string[] PlausibleStrings(string name) => name switch
    {
        "text" => ["A fuzzed page about rivers and the towns along them.", "Short.", "Ünïcödé text with a tab\tand a line\nbreak."],
        "sourceUri" => ["https://example.org/a", "http://exämple.org/ä?q=1#f", "s3://bucket/key"],
        "language" => ["en", "de-CH", "zh-Hant"],
        "licence" => ["CC0", "CC-BY-4.0"],
        "class" => ["human", "synthetic", "mixed", "unknown"],
        "generator" => ["gpt-4o@2024-08-06", "fuzz-model@1"],
        "digitalSourceType" => ["trainedAlgorithmicMedia", "digitalCapture", "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic"],
        "contentHash" => [new string('a', 64), "sha256:" + new string('b', 64)],
        "relation" => ["paraphrase_of", "generated_from"],
        "paramsHash" => ["p1"],
        "note" => ["checked the byline"],
        "vendor" or "family" => ["Acme", "gpt"],
        "name" => ["fuzz-key"],
        "role" => ["crawler", "curator", "trainer", "admin"],
        "dataset" => ["fuzz-set"],
        "base" => ["", "", "fuzz-set", "fuzz-set@1", "1"],
        "admit" => ["none", "detector"],
        "languages" => ["en"],
        "licences" => ["cc0"],
        "sourceDomains" => ["example.org"],
        "classes" => ["human", "synthetic"],
        "scope" => ["unknown", "rescore"],
        "model" => ["provenance-detector@2.0.0"],
        _ => ["x"],
    };

    // ---- hostile values, as JSON text (escapes stay escapes: a lone surrogate cannot be written as UTF-8)

    static readonly string[] Hostile =
    [
        @"\u0000", @"\u0001", @"\u0007", @"\u001b[2J", @"\u007f", "\u0085", "\u009b31m", @"\u0085",
        @"\ud800", @"\udfff", @"\udc00\ud800", @"\ud83d", @"\ud83d\ude00", "😀",
        "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\uffff", "\ufffe", "\u00ad", "e\u0301",
        @"\n", @"\r", @"\t", @"\\", @"\""", "%00", "%", "'", "' OR 1=1 --", "@", "@@", "@1", "x@y@z", "..", "/",
        "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", @"\\\\server\\share", "http://[::1", "https://user:pw@example.org",
    ];

    static Gen<string> HostileString(string name) =>
        from plausible in Gen.Elements(PlausibleStrings(name))
        from fragment in Gen.Elements(Hostile)
        from repeat in Gen.Elements(1, 1, 1, 1, 2, 300, 40_000)
        from place in Gen.Choose(0, 3)
        let run = string.Concat(Enumerable.Repeat(fragment, repeat))
        select "\"" + (place switch
        {
            0 => run,
            1 => run + plausible,
            2 => plausible + run,
            _ => plausible[..(plausible.Length / 2)] + run + plausible[(plausible.Length / 2)..],
        }) + "\"";

    static readonly Gen<string> HostileNumber = Gen.Elements(
        "1e400", "-1e400", "1e-400", "-0", "0", "-0.0", "0e0", "123456789012345678901234567890", "-123456789012345678901234567890",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "2147483647", "2147483648",
        "-2147483649", "4.9e-324", "1.7976931348623157e308", "1e308", "0.1e-5000", "1E+2", "1.5", "-1", "1e2147483648",
        "1e-2147483649", "0.30000000000000004", "1" + new string('0', 400), "0." + new string('0', 2000) + "1",
        "NaN", "Infinity", "-Infinity", "01", ".5", "1.", "+1", "0x10", "1e", "--1", "\"1\"", "\"NaN\"", "\"1e400\"");

    static readonly Gen<string> HostileDate = Gen.Elements(
        "\"0001-01-01T00:00:00+01:00\"", "\"9999-12-31T23:59:59-01:00\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.9999999Z\"",
        "\"2024-02-30T00:00:00Z\"", "\"2024-01-01T00:00:00+99:00\"", "\"2024-01-01\"", "\"24:00\"", "\"2024-01-01T24:00:00Z\"",
        "\"+275760-09-13T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\"", "\"2024-01-01T00:00:00\\u0000Z\"", "\"now\"", "0", "1e400");

    static readonly Gen<string> WrongType = Gen.Elements("true", "false", "null", "[]", "{}", "\"\"", "\"1\"", "\"true\"", "[1,2]", "{\"a\":1}", "1", "0.5");

    static readonly Gen<string> HostileObject =
        from n in Gen.Choose(0, 3)
        from members in (
            from key in Gen.OneOf(Gen.Elements("\"a\"", "\"score\"", "\"\"", "\"a.b\"", "\"$ref\""), HostileString("note"))
            from value in Gen.OneOf(HostileString("note"), HostileNumber, WrongType, Gen.Constant("{\"a\":[\"\\u0000\"]}"))
            select $"{key}:{value}").ListOf(n)
        select "{" + string.Join(",", members) + "}";

    static readonly Gen<string> Deep =
        from levels in Gen.Elements(65, 2000)
        from shape in Gen.Elements("[", "{\"a\":")
        select string.Concat(Enumerable.Repeat(shape, levels)) + "1" + new string(shape == "[" ? ']' : '}', levels);

    static readonly Gen<string> Wide =
        from n in Gen.Elements(1000, 20_000)
        from item in Gen.OneOf(HostileNumber, WrongType, Gen.Elements("\"\\u0000\"", "\"\\ud800\"", "\"x\""))
        from kind in Gen.Elements("array", "object", "duplicates")
        select kind switch
        {
            "array" => "[" + string.Join(",", Enumerable.Repeat(item, n)) + "]",
            "object" => "{" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"m{i}\":{item}")) + "}",
            _ => "{" + string.Join(",", Enumerable.Repeat($"\"a\":{item}", n)) + "}",
        };

    static Gen<string> RouteValue(string plausible) =>
        Gen.Frequency(
            (8, Gen.Constant(plausible)),
            // No %00: the test server's URL decoder throws on it before the request exists (Kestrel answers 400 itself).
            (1, Gen.Elements("%01", "%FF", "%ED%A0%80", "%E2%80%AE", "%0A", "%1B%5B31m", "..", "%2F", "a%40b%40c", "1e400", "-1",
                "99999999999999999999", "fuzz%7Fmodel@1", "fuzz%1Bmodel@1", "%20", "sha256:" + new string('g', 64))));

    static string Quote(string s) => JsonSerializer.Serialize(s);
}
