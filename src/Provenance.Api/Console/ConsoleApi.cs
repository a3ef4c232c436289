using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;
using Provenance.Api.Hosting;

namespace Provenance.Api.Console;

/// <summary>
/// The curator console (src/Provenance.Console), bundled at build time into the API's output folder <c>console/</c>
/// and served on the same origin at <c>/console/</c>: its page under the page policy of <see cref="SecurityHeaders"/>
/// (a nonce per answer), its assets as static files under content-hashed names that may be cached for good.
/// </summary>
internal static class ConsoleApi
{
    public const string Path = "/console";

    /// <summary>Where the build put the bundle; absent when the API was built without it.</summary>
    static string BundleDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "console");

    public static WebApplication UseConsoleAssets(this WebApplication app)
    {
        var assets = System.IO.Path.Combine(BundleDirectory, "assets");
        if (Directory.Exists(assets))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(assets),
                RequestPath = $"{Path}/assets",
                OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
            });
        }
        return app;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        var index = System.IO.Path.Combine(BundleDirectory, "index.html");
        var page = File.Exists(index) ? File.ReadAllText(index) : null;
        // Routing matches /console and /console/ alike; the page's relative asset paths need the trailing slash.
        app.MapGet(Path, IResult (HttpContext http) =>
        {
            if (!http.Request.Path.Value!.EndsWith('/'))
            {
                return TypedResults.Redirect($"{Path}/");
            }
            if (page is null)
            {
                return Problems.Make(StatusCodes.Status404NotFound, "Not found",
                    "this API was built without the console (src/Provenance.Console); build it with Node.js and npm on the PATH.", "console_not_built");
            }
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            http.Items[SecurityHeaders.PageNonceKey] = nonce;
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Text(page.Replace("{{nonce}}", nonce, StringComparison.Ordinal), "text/html; charset=utf-8");
        }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
