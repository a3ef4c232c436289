using Scalar.AspNetCore;

namespace Provenance.Api.Hosting;

/// <summary>
/// The headers every answer carries, API, problems and pages alike: a Content-Security-Policy, <c>nosniff</c>, no
/// referrer and no framing. An answer is a page when its handler left a script nonce in
/// <see cref="PageNonceKey"/> (the API reference at <c>/docs</c> does, through Scalar's per-request nonce); a page may
/// run only its own nonced scripts and load only from this origin. Every other answer is data, and may load nothing.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>Where a page's handler leaves the nonce of its inline scripts; Scalar writes its own there.</summary>
    public const string PageNonceKey = ScalarOptions.NonceHttpContextItemKey;

    /// <summary>Data answers (JSON, problems, streams) are never rendered: nothing may load, nothing may frame them.</summary>
    public const string DataPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// A page's policy: scripts only with the answer's nonce, everything else from this origin. Inline styles are
    /// allowed because the reference's components set them at run time; no font, image or connection leaves the host.
    /// </summary>
    public static string PagePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; " +
        "base-uri 'none'; form-action 'self'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = context.Items[PageNonceKey] is string nonce ? PagePolicy(nonce) : DataPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            }, http);
            return next(http);
        });
        return app;
    }
}
