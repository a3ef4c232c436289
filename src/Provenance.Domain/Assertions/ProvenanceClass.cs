namespace Provenance.Domain.Assertions;

/// <summary>What a document is, as far as the registry knows.</summary>
public enum ProvenanceClass
{
    /// <summary>No assertion says what the document is.</summary>
    Unknown = 0,

    /// <summary>Written by people.</summary>
    Human = 1,

    /// <summary>Written by a model (including a model "humanizing" model text).</summary>
    Synthetic = 2,

    /// <summary>Both human and machine authorship (a model polished human text, a person edited model text).</summary>
    Mixed = 3,
}
