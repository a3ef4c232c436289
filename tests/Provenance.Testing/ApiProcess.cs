using System.Diagnostics;

namespace Provenance.Testing;

/// <summary>
/// The registry API as a separate operating-system process, built from the same binaries as the in-process host, so
/// that a test can kill it the hard way (SIGKILL, no shutdown hooks) and start another.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringWriter _log = new();

    ApiProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _process.OutputDataReceived += (_, e) => { lock (_log) { _log.WriteLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_log) { _log.WriteLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <c>Provenance.Api.dll</c> with <paramref name="settings"/> as configuration and waits until it is healthy.</summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var dll = typeof(Program).Assembly.Location;
        var port = LocalPorts.Free();
        var url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url.ToString(), "--contentRoot", Path.GetDirectoryName(dll)!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var api = new ApiProcess(Process.Start(start)!, url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var last = "no answer";
        for (var i = 0; i < 120; i++)
        {
            if (api._process.HasExited)
            {
                // HasExited can turn true before the redirected output has been read to its end; without this wait the
                // message would often lack the last lines, which are the reason the process stopped.
                api._process.WaitForExit();
                throw new InvalidOperationException($"the API process exited with {api._process.ExitCode}:\n{api.Log}");
            }
            try
            {
                // Ready, as a load balancer would wait for: the database and the bus answer.
                var response = await http.GetAsync(new Uri(url, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return api;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        await api.DisposeAsync();
        throw new TimeoutException($"the API process did not become ready; its last answer to /health/ready: {last}\n{api.Log}");
    }

    /// <summary>Kills the process without warning, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
