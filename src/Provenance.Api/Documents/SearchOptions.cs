using Provenance.Hosting.Settings;

namespace Provenance.Api.Documents;

/// <summary>
/// The <c>Search</c> configuration section: the background indexer that makes registered texts searchable by their words
/// (<see cref="SearchIndexing"/>). Search by id, content hash or source URL needs none of it.
/// </summary>
public sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>
    /// Whether this API process indexes texts and answers searches by words. Off, a text query answers 422
    /// <c>text_search_disabled</c>; every process of one registry should have the same value.
    /// </summary>
    public bool IndexText { get; set; } = true;

    /// <summary>
    /// Texts indexed per transaction. A batch of ~1 KB texts costs PostgreSQL about 0.2 s per 1,000 (docs/performance.md);
    /// 1,000 keeps each transaction, and the lock other processes' indexers wait on, under a second.
    /// </summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>
    /// How often the indexer looks for new texts when it has caught up: search by words lags registration by about this.
    /// An idle pass costs a few index probes.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(SearchOptions options, SettingFailures failures)
    {
        failures.Range(nameof(BatchSize), options.BatchSize, 1, 100_000, "texts indexed per transaction");
        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromHours(1))
        {
            failures.Add(nameof(PollInterval), $"is {options.PollInterval}; it must be more than zero and at most 01:00:00.");
        }
    }
}
