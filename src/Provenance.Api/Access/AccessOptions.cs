using Microsoft.Extensions.Options;

namespace Provenance.Api.Access;

/// <summary>The <c>Access</c> configuration section: how failed API keys are throttled.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>
    /// Unknown or revoked keys one client address may send within <see cref="FailedKeyWindowSeconds"/>; after that its
    /// requests without a recently verified key get 429 until the window ends, without a database lookup.
    /// </summary>
    public int MaxFailedKeys { get; set; } = 20;

    /// <summary>The window, in seconds, that failed keys are counted in (it starts with the first failure).</summary>
    public int FailedKeyWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Client addresses whose failures are remembered at once, which bounds the memory the counting takes (about
    /// 200 bytes each). Past it, the addresses least recently seen are forgotten first.
    /// </summary>
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>Checked when the host starts, so a bad value stops it with the key's name.</summary>
    internal sealed class Validator : IValidateOptions<AccessOptions>
    {
        public ValidateOptionsResult Validate(string? name, AccessOptions options)
        {
            var failures = new List<string>();
            Range(failures, nameof(MaxFailedKeys), options.MaxFailedKeys, 1_000_000);
            Range(failures, nameof(FailedKeyWindowSeconds), options.FailedKeyWindowSeconds, 86_400);
            Range(failures, nameof(MaxTrackedAddresses), options.MaxTrackedAddresses, 100_000_000);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        static void Range(List<string> failures, string key, int value, int most)
        {
            if (value < 1 || value > most)
            {
                failures.Add($"{Section}:{key} is {value}; it must be between 1 and {most:N0}.");
            }
        }
    }
}
