using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// A registry process with small limits: each endpoint's body limit is enforced by Kestrel while the body is read (the
/// test server has no such limit, so this is a real process), and one large request is worked on at a time.
/// </summary>
public sealed class SmallBodiesApiFixture : IAsyncLifetime
{
    public const int MaxTextBytes = 4096;
    public const int MaxParents = 2;
    public const int MaxBatchBytes = 120_000;
    public const int LargeRequestBytes = 100_000;

    // BodyLimit's rule: six bytes of JSON per byte of text, 64 KiB for the other members, 1 KiB per parent and 64 KiB
    // for a C2PA report.
    public const int DocumentLimit = (6 * MaxTextBytes) + (64 * 1024) + (MaxParents * 1024) + (64 * 1024);
    public const int AssertionLimit = (6 * 64 * 1024) + (64 * 1024);
    public const int SmallLimit = 64 * 1024;

    string _database = "";

    public ApiProcess Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("provenance_limits");
        Api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = _database,
            ["Database:MigrateOnStartup"] = "true",
            ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
            ["Registry:MaxTextBytes"] = MaxTextBytes.ToString(CultureInfo.InvariantCulture),
            ["Registry:MaxParents"] = MaxParents.ToString(CultureInfo.InvariantCulture),
            ["Registry:MaxBatchBytes"] = MaxBatchBytes.ToString(CultureInfo.InvariantCulture),
            ["Registry:LargeRequestBytes"] = LargeRequestBytes.ToString(CultureInfo.InvariantCulture),
            ["Registry:MaxConcurrentLargeRequests"] = "1",
            ["Registry:LargeRequestQueue"] = "0",
            ["Detection:InProcess"] = "false",
        });
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Api.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", RegistryFixture.AdminKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        await TestDatabase.DropAsync(_database);
    }
}

/// <summary>
/// Every endpoint that takes a body has a limit derived from the registry's settings; a body over it is refused with a
/// 413 problem that names the limit before it is read (or, sent chunked, when it passes the limit), and nothing is
/// written. Large requests beyond the bound on those worked on at once get a 503 with Retry-After.
/// </summary>
public sealed class BodyLimitTests(SmallBodiesApiFixture fixture) : IClassFixture<SmallBodiesApiFixture>
{
    public static TheoryData<string, string, int, string> Endpoints => new()
    {
        { "POST", "/v1/documents", SmallBodiesApiFixture.DocumentLimit, "Registry:MaxTextBytes" },
        { "POST", "/v1/documents/batch", SmallBodiesApiFixture.MaxBatchBytes, "Registry:MaxBatchBytes" },
        { "POST", "/v1/documents/1/assertions", SmallBodiesApiFixture.AssertionLimit, "evidence limit" },
        { "POST", "/v1/keys", SmallBodiesApiFixture.SmallLimit, "small JSON bodies" },
        { "POST", "/v1/webhooks", SmallBodiesApiFixture.SmallLimit, "small JSON bodies" },
        { "PUT", "/v1/generators/model@1", SmallBodiesApiFixture.SmallLimit, "small JSON bodies" },
        { "POST", "/v1/datasets", SmallBodiesApiFixture.SmallLimit, "small JSON bodies" },
        { "POST", "/v1/detection/requests", SmallBodiesApiFixture.SmallLimit, "small JSON bodies" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ABodyOverItsEndpointsLimitIsRefusedWithAProblemThatNamesTheLimitAndNothingIsWritten(
        string method, string path, int limit, string source)
    {
        using var client = fixture.Client();
        var before = await StateAsync(client);
        var body = $$"""{"text": "{{new string('a', limit)}}"}""";

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });

        var problem = await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(limit.ToString("N0", CultureInfo.InvariantCulture), detail);
        Assert.Contains(source, detail);
        Assert.Equal(before, await StateAsync(client));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AContentLengthOverTheLimitIsRefusedBeforeAnyOfTheBodyIsSent(string method, string path, int limit, string source)
    {
        _ = source;
        using var socket = await ConnectAsync();

        await WriteAsync(socket, Head(method, path, $"Content-Length: {limit + 1}"));
        var answer = await ReadAnswerAsync(socket);

        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("\"body_too_large\"", answer);
    }

    [Fact]
    public async Task AChunkedBodyIsCutOffWhenItPassesTheLimit()
    {
        using var client = fixture.Client();
        var before = await StateAsync(client);
        using var socket = await ConnectAsync();
        await WriteAsync(socket, Head("POST", "/v1/documents/batch", "Transfer-Encoding: chunked"));

        // The start of a valid batch, then one text that goes on and on.
        var start = """{"documents":[{"text":" """;
        var chunk = Encoding.ASCII.GetBytes($"4000\r\n{new string('a', 0x4000)}\r\n");
        var reading = ReadAnswerAsync(socket);
        try
        {
            await WriteAsync(socket, Encoding.ASCII.GetBytes($"{start.Length:x}\r\n{start}\r\n"));
            // Twice the limit, sent slowly enough that the answer can come before the end.
            for (var sent = 0; sent < 2 * SmallBodiesApiFixture.MaxBatchBytes && !reading.IsCompleted; sent += 0x4000)
            {
                await WriteAsync(socket, chunk);
                await Task.Delay(20);
            }
        }
        catch (IOException)
        {
            // The server closed the connection after it answered.
        }
        catch (SocketException)
        {
        }
        var answer = await reading;

        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("\"body_too_large\"", answer);
        Assert.Contains(SmallBodiesApiFixture.MaxBatchBytes.ToString("N0", CultureInfo.InvariantCulture), answer);
        Assert.Equal(before, await StateAsync(client));
    }

    [Fact]
    public async Task ABatchJustUnderTheLimitIsRegistered()
    {
        using var client = fixture.Client();
        var body = BatchOfExactly(SmallBodiesApiFixture.MaxBatchBytes - 10, out var documents);

        var response = await client.PostAsync("/v1/documents/batch", new StringContent(body, Encoding.UTF8, "application/json"));

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
        Assert.Equal(documents, JsonDocument.Parse(answer).RootElement.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task ADocumentAtTheTextLimitIsRegisteredHoweverItsTextIsEscaped()
    {
        using var client = fixture.Client();
        // Every byte of the text is a control character, six bytes of JSON each: the most a text can take.
        var prefix = TestDocuments.UniqueText();
        var text = prefix + new string('\u0001', SmallBodiesApiFixture.MaxTextBytes - prefix.Length);
        var body = JsonSerializer.Serialize(new { text });
        Assert.True(body.Length > 5 * SmallBodiesApiFixture.MaxTextBytes);

        var response = await client.PostAsync("/v1/documents", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ALargeRequestBeyondTheBoundGets503WithRetryAfterWhileSmallOnesGoOn()
    {
        using var client = fixture.Client();
        Socket? socket = null;
        byte[] bytes = [];
        var documents = 0;
        HttpResponseMessage? busy = null;
        // The first large request's body is half sent: it holds the only place while the API waits for the rest. On a
        // busy machine the API may read the other requests' headers before its own and give one of them the place;
        // the held request is then refused at once (its answer is waiting on the socket), and the test starts again.
        for (var attempt = 0; attempt < 5 && (socket is null || socket.Available > 0 || busy?.StatusCode != HttpStatusCode.ServiceUnavailable); attempt++)
        {
            socket?.Dispose();
            socket = await ConnectAsync();
            bytes = Encoding.UTF8.GetBytes(BatchOfExactly(SmallBodiesApiFixture.LargeRequestBytes + 1000, out documents));
            await WriteAsync(socket, Head("POST", "/v1/documents/batch", $"Content-Length: {bytes.Length}"));
            await WriteAsync(socket, bytes[..(bytes.Length / 2)]);
            await Task.Delay(200);
            busy = null;
            for (var i = 0; i < 50 && socket.Available == 0 && busy?.StatusCode != HttpStatusCode.ServiceUnavailable; i++)
            {
                busy = await client.PostAsync("/v1/documents/batch", new StringContent(
                    BatchOfExactly(SmallBodiesApiFixture.LargeRequestBytes + 1000, out _), Encoding.UTF8, "application/json"));
                await Task.Delay(100);
            }
        }
        using var held = socket!;
        var small = await client.PostAsync("/v1/documents", new StringContent(
            JsonSerializer.Serialize(new { text = TestDocuments.UniqueText() }), Encoding.UTF8, "application/json"));
        await WriteAsync(held, bytes[(bytes.Length / 2)..]);
        var first = await ReadAnswerAsync(held);

        Assert.NotNull(busy);
        var problem = await busy.ProblemAsync(HttpStatusCode.ServiceUnavailable, "too_many_large_requests");
        Assert.Contains("Registry:MaxConcurrentLargeRequests", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        Assert.StartsWith("HTTP/1.1 200", first);
        Assert.Contains($"\"created\":{documents}", first);
    }

    /// <summary>What a rejected request must leave unchanged: the registry's counts, its keys and its webhook subscriptions.</summary>
    static async Task<string> StateAsync(HttpClient client) =>
        RegistryStats.WithoutBackgroundWork(await client.GetStringAsync("/v1/stats")) + await client.GetStringAsync("/v1/keys")
        + await client.GetStringAsync("/v1/webhooks");

    /// <summary>A batch body of exactly <paramref name="bytes"/> bytes of new documents of up to 3,000 bytes each.</summary>
    static string BatchOfExactly(int bytes, out int documents)
    {
        const string open = """{"documents":[""", close = "]}", item = """{"text":""}""";
        var texts = new List<string>();
        var left = bytes - open.Length - close.Length;
        while (left > 0)
        {
            var room = left - item.Length - (texts.Count > 0 ? 1 : 0);
            var size = room > 6000 ? 3000 : room > 3000 ? room / 2 : room;
            var prefix = TestDocuments.UniqueText();
            Assert.True(size > prefix.Length, "the last document needs room for its prefix");
            texts.Add(prefix + new string('a', size - prefix.Length));
            left -= size + item.Length + (texts.Count > 1 ? 1 : 0);
        }
        var body = open + string.Join(",", texts.Select(t => $$"""{"text":"{{t}}"}""")) + close;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));
        documents = texts.Count;
        return body;
    }

    static byte[] Head(string method, string path, string length) => Encoding.ASCII.GetBytes(
        $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: {RegistryFixture.AdminKey}\r\nContent-Type: application/json\r\n"
        + $"Accept: application/json\r\nConnection: close\r\n{length}\r\n\r\n");

    async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Api.Url.Port);
        return socket;
    }

    static async Task WriteAsync(Socket socket, byte[] bytes)
    {
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent));
        }
    }

    /// <summary>The whole answer, up to the server closing the connection (the requests ask it to).</summary>
    static async Task<string> ReadAnswerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no complete answer within 10 s; so far: {Encoding.UTF8.GetString(answer.ToArray())}");
        }
        catch (SocketException) when (answer.Length > 0)
        {
            // Reset after the answer: the server did not read the rest of the body.
        }
        return Encoding.UTF8.GetString(answer.ToArray());
    }
}
