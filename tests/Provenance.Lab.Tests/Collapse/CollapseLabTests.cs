using System.Text.Json;
using Provenance.Lab.Collapse;

namespace Provenance.Lab.Tests.Collapse;

/// <summary>The lab's mechanics and its result, on one fixed-seed run through the real registry (<see cref="CollapseRunFixture"/>).</summary>
public sealed class CollapseLabTests(CollapseRunFixture lab) : IClassFixture<CollapseRunFixture>
{
    const int G = CollapseRunFixture.Generations;

    IEnumerable<GenerationResult> Rows(string policy) => lab.Result.Generations.Where(g => g.Policy == policy).OrderBy(g => g.Generation);

    [Fact]
    public void VersionsFormTheIntendedChains()
    {
        var replace = Rows("replace").ToList();
        var accumulate = Rows("accumulate").ToList();
        var anchored = Rows("anchored").ToList();

        Assert.Equal(Enumerable.Range(1, G + 1).Select(n => $"collapse-replace@{n}"), replace.Select(r => r.Version));
        Assert.All(replace, r => Assert.Null(r.Base));
        foreach (var rows in new[] { accumulate, anchored })
        {
            Assert.Null(rows[0].Base);
            Assert.All(rows.Skip(1), r => Assert.Equal(rows[r.Generation - 1].Version, r.Base));
        }
        var chains = lab.Result.Chains.ToDictionary(c => c.Policy);
        Assert.Equal(1, chains["replace"].ChainLength);
        Assert.Equal(G + 1, chains["accumulate"].ChainLength);
        Assert.Equal(G + 1, chains["anchored"].ChainLength);
    }

    [Fact]
    public async Task AccumulateVersionsAreSupersetsOfTheirBases()
    {
        foreach (var row in Rows("accumulate").Skip(1))
        {
            var version = await IdsAsync(row.Version);
            var @base = await IdsAsync(row.Base!);

            Assert.Subset(version.ToHashSet(), @base.ToHashSet());
            Assert.Equal(@base.Count + CollapseRunFixture.Pool, version.Count);
        }
    }

    [Fact]
    public async Task ReplaceDepthsEqualTheGenerationAndLineageLeadsBackToHumanText()
    {
        foreach (var row in Rows("replace"))
        {
            var depths = await DepthsAsync(row.Version);

            Assert.All(depths, d => Assert.Equal(row.Generation == 0 ? 0 : row.Generation, d ?? 0));
            Assert.Equal(row.Generation == 0 ? null : row.Generation, row.MaxDepth);
        }
        var chain = lab.Result.Chains.Single(c => c.Policy == "replace");
        Assert.Equal(G, chain.LineageDepth);
        Assert.Equal(G, chain.AncestorLevels);
        Assert.True(chain.ReachesHuman);
    }

    [Fact]
    public async Task AccumulatedSamplesAreOneGenerationDeeperThanTheirPromptsAtMost()
    {
        foreach (var row in Rows("accumulate").Skip(1))
        {
            var depths = await DepthsAsync(row.Version);

            Assert.Equal(row.Generation, depths.Max());
            Assert.Equal(CollapseRunFixture.Pool, depths.Count(d => d is null or 0));
        }
    }

    [Fact]
    public void ReplaceVersionsWarnThatHumanTextIsGoneAndAccumulatedOnesCarryNeitherReplacementWarning()
    {
        const string humanWarning = "less than half";
        const string recursiveWarning = "depth 2 or more";
        static bool Replacement(string w) => w.Contains(humanWarning, StringComparison.Ordinal) || w.Contains(recursiveWarning, StringComparison.Ordinal);

        Assert.All(Rows("replace").Skip(1), r => Assert.Contains(r.Warnings, w => w.Contains(humanWarning, StringComparison.Ordinal)));
        Assert.All(Rows("replace").Skip(1), r => Assert.Equal(0, r.HumanShare));
        Assert.All(Rows("replace").Skip(2), r => Assert.Contains(r.Warnings, w => w.Contains(recursiveWarning, StringComparison.Ordinal)));
        foreach (var policy in new[] { "accumulate", "anchored" })
        {
            Assert.All(Rows(policy), r => Assert.DoesNotContain(r.Warnings, Replacement));
        }
        Assert.True(Rows("accumulate").Last().HumanShare < 0.5, "the accumulate chain's human share falls under half without a warning");
        Assert.All(Rows("anchored"), r => Assert.True(r.HumanShare >= 0.5, $"{r.Version}: {r.HumanShare}"));
        Assert.All(Rows("accumulate"), r => Assert.Null(r.Refused));
    }

    [Fact]
    public void CollapseJsonNamesThePolicies()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(lab.Result, CollapseSettings.Json));

        var policies = json.RootElement.GetProperty("settings").GetProperty("policies").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(["replace", "accumulate", "anchored"], policies);
        Assert.Equal(policies, json.RootElement.GetProperty("generations").EnumerateArray().Select(g => g.GetProperty("policy").GetString()).Distinct());
    }

    [Fact]
    public void TheRegistryCapsTheAnchoredPolicyAndSaysWhatItRefused()
    {
        var anchored = Rows("anchored").ToList();

        Assert.Null(anchored[1].Refused);
        Assert.Equal(CollapseRunFixture.Pool, anchored[1].Added);
        Assert.All(anchored.Skip(2), r =>
        {
            Assert.NotNull(r.Refused);
            Assert.Contains("minHumanShare", r.Refused, StringComparison.Ordinal);
            Assert.Equal(0, r.Added);
        });
    }

    [Fact]
    public void ReplaceCollapsesWhileAccumulateStaysNearlyFlat()
    {
        var replace = Rows("replace").Select(r => r.CrossEntropy).ToArray();
        var accumulate = Rows("accumulate").Select(r => r.CrossEntropy).ToArray();

        for (var g = 1; g <= G; g++)
        {
            Assert.True(replace[g] > replace[g - 1], $"replace: {string.Join(" → ", replace)}");
        }
        var replaceRise = replace[G] - replace[0];
        var accumulateRise = accumulate[G] - accumulate[0];
        Assert.True(accumulateRise < replaceRise / 3,
            $"accumulate rose {accumulateRise:F3} bits/token by generation {G}, replace {replaceRise:F3}: replace {string.Join(" → ", replace)}; accumulate {string.Join(" → ", accumulate)}");
    }

    async Task<List<long>> IdsAsync(string version)
    {
        var ids = new List<long>();
        await foreach (var d in lab.RegistryClient.DatasetDocumentsAsync(version, includeText: false))
        {
            ids.Add(d.Id);
        }
        return ids;
    }

    async Task<List<int?>> DepthsAsync(string version)
    {
        var depths = new List<int?>();
        await foreach (var d in lab.RegistryClient.DatasetDocumentsAsync(version, includeText: false))
        {
            depths.Add(d.Depth);
        }
        return depths;
    }
}
