using Microsoft.AspNetCore.Http.HttpResults;

namespace Provenance.Api.Hosting;

/// <summary>
/// RFC 7807 problem responses. Each carries a stable machine-readable <c>code</c> next to a detail a person can
/// act on, so clients can branch on the code and show the detail.
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult Invalid(string detail, string code = "invalid_request") =>
        Make(StatusCodes.Status400BadRequest, "The request is not valid", detail, code);

    public static ProblemHttpResult NotFound(string detail) =>
        Make(StatusCodes.Status404NotFound, "Not found", detail, "not_found");

    public static ProblemHttpResult Conflict(string detail, string code) =>
        Make(StatusCodes.Status409Conflict, "Conflict with the registry's state", detail, code);

    public static ProblemHttpResult Unprocessable(string detail, string code) =>
        Make(StatusCodes.Status422UnprocessableEntity, "The request refers to something that does not exist", detail, code);

    public static ProblemHttpResult Make(int status, string title, string detail, string code) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
