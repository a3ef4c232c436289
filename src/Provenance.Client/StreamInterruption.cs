namespace Provenance.Client;

/// <summary>A stream failed and is about to be asked again.</summary>
/// <param name="NextOffset">The first item not yet delivered: where the stream resumes.</param>
/// <param name="Retry">Which retry this is (1 for the first) of at most <paramref name="Retries"/> in a row.</param>
/// <param name="Reason">What failed: an HTTP status with the problem's detail, or the network error.</param>
public sealed record StreamInterruption(long NextOffset, int Retry, int Retries, TimeSpan Delay, string Reason);
