using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// Packets per second (1 / mean time per operation) and plaintext IP bytes per second
/// (<see cref="SendPathBenchmarks.PacketSize"/> × packets per second) for the summary table and the CSV export.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private readonly bool _bytes;

    private ThroughputColumn(bool bytes)
    {
        _bytes = bytes;
        ColumnName = bytes ? "MB/s" : "Packets/s";
        Id = nameof(ThroughputColumn) + "." + ColumnName;
        Legend = bytes
            ? "Plaintext IP bytes per second (PacketSize / Mean), in 10^6 bytes"
            : "Packets per second (1 / Mean)";
    }

    /// <summary>Packets per second.</summary>
    public static IColumn PacketsPerSecond { get; } = new ThroughputColumn(bytes: false);

    /// <summary>Plaintext IP megabytes (10^6 bytes) per second.</summary>
    public static IColumn MegabytesPerSecond { get; } = new ThroughputColumn(bytes: true);

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public string ColumnName { get; }

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => _bytes ? 1 : 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend { get; }

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0)
        {
            return "NA";
        }

        double packetsPerSecond = 1e9 / meanNanoseconds.Value;
        if (!_bytes)
        {
            return packetsPerSecond.ToString("N0", CultureInfo.InvariantCulture);
        }

        object? size = benchmarkCase.Parameters[nameof(SendPathBenchmarks.PacketSize)];
        return size is int packetSize
            ? (packetsPerSecond * packetSize / 1e6).ToString("N1", CultureInfo.InvariantCulture)
            : "NA";
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) =>
        summary is not null && summary.BenchmarksCases.Any(b => b.Parameters.Items.Any(p => p.Name == nameof(SendPathBenchmarks.PacketSize)));

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
