namespace Provenance.Contracts.Detection;

/// <summary>One verdict: evidence, recorded as a detector assertion, never as fact.</summary>
/// <param name="PSynthetic">P(not purely human-written) = 1 - PHuman.</param>
/// <param name="CurrentClass">The document's class after the verdict; a curator's or registrant's word still outranks it.</param>
public record DocumentClassification(long DocumentId, string Class, double PHuman, double PSynthetic, double PMixed, string CurrentClass);
