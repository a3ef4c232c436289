using Microsoft.Extensions.Options;
using Provenance.Domain.Generators;

namespace Provenance.Detection.Watermarks;

/// <summary>
/// The checks <see cref="WatermarkOptions"/> configures, one per scheme entry, built once per host. A new scheme is a
/// new <see cref="IWatermarkCheck"/> and a case here.
/// </summary>
public sealed class WatermarkChecks(IOptions<WatermarkOptions> options)
{
    /// <summary>Empty when the section is: no document is tested.</summary>
    public IReadOnlyList<IWatermarkCheck> All { get; } = [.. options.Value.Schemes.Select(Create)];

    static IWatermarkCheck Create(WatermarkScheme scheme)
    {
        // The settings were checked at start (WatermarkOptions.Check), so the name parses and the scheme is known.
        GeneratorName.TryParse(scheme.Generator, out var generator, out _);
        return scheme.Scheme switch
        {
            KirchenbauerWatermark.Name => new KirchenbauerWatermark(scheme, generator),
            _ => throw new InvalidOperationException($"Unknown watermark scheme '{scheme.Scheme}'."),
        };
    }
}
