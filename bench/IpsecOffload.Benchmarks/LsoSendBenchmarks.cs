using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// Combined LSO + IPsec v2 through <c>ReferenceMiniport.SendNetBufferLists</c>: one operation = one LSOv2
/// NBL carrying a 65,535-byte plaintext IPv4/TCP packet (65,495 TCP payload bytes) on an AES-GCM-128 SA,
/// MSS 1460 → 45 ESP segments (see <see cref="LsoScenario"/>). Set-up is not measured.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LsoSendBenchmarks.Columns))]
public class LsoSendBenchmarks : IDisposable
{
    private LsoScenario? _scenario;

    /// <summary>Builds the miniport, adds the SA, frames the packet and checks one send.</summary>
    [GlobalSetup]
    public void Setup() => _scenario = LsoScenario.Create();

    /// <summary>One LSO send (45 segments) per operation.</summary>
    [Benchmark]
    public void SendLso64K() => _scenario!.Send();

    /// <summary>Checks every send emitted all its segments, then releases the miniport.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_scenario is { } scenario && scenario.Host.Frames != scenario.Host.Completions * LsoScenario.SegmentsPerSend)
        {
            throw new InvalidOperationException(
                $"{scenario.Host.Completions} sends completed but {scenario.Host.Frames} segments were transmitted: some sends failed.");
        }

        Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _scenario?.Dispose();
        _scenario = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds the segments/s and payload MB/s columns.</summary>
    public sealed class Columns : ManualConfig
    {
        /// <summary>The LSO columns.</summary>
        public Columns() => AddColumn(ThroughputColumn.SegmentsPerSecond, ThroughputColumn.PayloadMegabytesPerSecond);
    }
}
