using System.Diagnostics;

namespace Provenance.Data.Datasets;

/// <summary>
/// Where an assembly's time went, phase by phase in the order they ended: what the benchmark prints, so that a change
/// to selection shows which part it moved. Phases that overlap others (a stream's reads ahead) are added as totals.
/// </summary>
public sealed class AssemblyPhases
{
    readonly List<AssemblyPhase> _phases = [];
    long _mark = Stopwatch.GetTimestamp();
    TimeSpan _cpuMark = CpuTime();

    public IReadOnlyList<AssemblyPhase> All => _phases;

    /// <summary>Ends a phase that ran since the previous one ended.</summary>
    public void End(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        var cpu = CpuTime();
        _phases.Add(new AssemblyPhase(phase, Stopwatch.GetElapsedTime(_mark, now), cpu - _cpuMark));
        (_mark, _cpuMark) = (now, cpu);
    }

    /// <summary>Adds a phase measured elsewhere (it does not move the mark <see cref="End"/> measures from).</summary>
    public void Add(string phase, TimeSpan elapsed) => _phases.Add(new AssemblyPhase(phase, elapsed, null));

    /// <summary>Starts the next phase now, leaving out the time since the previous one ended.</summary>
    public void Restart() => (_mark, _cpuMark) = (Stopwatch.GetTimestamp(), CpuTime());

    static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <param name="Cpu">This process's processor time over the phase, all its threads together (on a busy machine the
/// wall-clock time is mostly waiting for a core; this is the work): null for a total measured elsewhere.</param>
public sealed record AssemblyPhase(string Name, TimeSpan Elapsed, TimeSpan? Cpu);
