namespace Provenance.Domain.Lineage;

/// <summary>How a child document was derived from a parent.</summary>
public enum LineageRelation
{
    /// <summary>The parent was (part of) the prompt or context the child was generated from.</summary>
    GeneratedFrom = 1,

    /// <summary>The child rewords the parent.</summary>
    ParaphraseOf = 2,

    /// <summary>The child is the parent in another language.</summary>
    TranslationOf = 3,

    /// <summary>The child summarises the parent.</summary>
    SummaryOf = 4,

    /// <summary>The child is an edited version of the parent.</summary>
    EditedFrom = 5,

    /// <summary>The child is a distillation target produced from the parent.</summary>
    DistilledFrom = 6,

    /// <summary>The child is a data augmentation of the parent.</summary>
    AugmentedFrom = 7,
}
