namespace Provenance.Data.Registration;

/// <summary>What the writes of a registration did that the rest of its transaction needs to know.</summary>
internal sealed class RegistrationEffects
{
    public HashSet<long> Created { get; } = [];

    /// <summary>Existing documents with new assertions.</summary>
    public HashSet<long> ClassChanged { get; } = [];

    /// <summary>Existing documents whose class or parents changed.</summary>
    public HashSet<long> DepthChanged { get; } = [];

    public void Add(RegistrationEffects other)
    {
        Created.UnionWith(other.Created);
        ClassChanged.UnionWith(other.ClassChanged);
        DepthChanged.UnionWith(other.DepthChanged);
    }
}
