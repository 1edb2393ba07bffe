using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// A rate column: a quantity per operation (packets, bytes, segments) divided by the mean time per
/// operation. Shown only for the benchmarks the quantity applies to.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private readonly Func<BenchmarkCase, double?> _perOperation;
    private readonly string _format;

    private ThroughputColumn(string name, string legend, int priority, string format, Func<BenchmarkCase, double?> perOperation)
    {
        ColumnName = name;
        Id = nameof(ThroughputColumn) + "." + name;
        Legend = legend;
        PriorityInCategory = priority;
        _format = format;
        _perOperation = perOperation;
    }

    /// <summary>Packets per second (1 / Mean) of <see cref="SendPathBenchmarks"/>.</summary>
    public static IColumn PacketsPerSecond { get; } = new ThroughputColumn("Packets/s", "Packets per second (1 / Mean)", 0, "N0",
        c => PacketSize(c) is null ? null : 1);

    /// <summary>Plaintext IP megabytes (10^6 bytes) per second of <see cref="SendPathBenchmarks"/>.</summary>
    public static IColumn MegabytesPerSecond { get; } = new ThroughputColumn("MB/s", "Plaintext IP bytes per second (PacketSize / Mean), in 10^6 bytes", 1, "N1",
        c => PacketSize(c) / 1e6);

    /// <summary>ESP segments per second of <see cref="LsoSendBenchmarks"/>.</summary>
    public static IColumn SegmentsPerSecond { get; } = new ThroughputColumn("Segments/s", "ESP segments per second (45 / Mean)", 0, "N0",
        c => c.Descriptor.Type == typeof(LsoSendBenchmarks) ? LsoScenario.SegmentsPerSend : null);

    /// <summary>TCP payload megabytes per second of <see cref="LsoSendBenchmarks"/>.</summary>
    public static IColumn PayloadMegabytesPerSecond { get; } = new ThroughputColumn("Payload MB/s", "TCP payload bytes per second (65,495 / Mean), in 10^6 bytes", 1, "N1",
        c => c.Descriptor.Type == typeof(LsoSendBenchmarks) ? LsoScenario.TcpPayloadLength / 1e6 : null);

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public string ColumnName { get; }

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory { get; }

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
        double? perOperation = _perOperation(benchmarkCase);
        return meanNanoseconds is > 0 && perOperation is { } quantity
            ? (quantity * 1e9 / meanNanoseconds.Value).ToString(_format, CultureInfo.InvariantCulture)
            : "NA";
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => summary is not null && summary.BenchmarksCases.Any(c => _perOperation(c) is not null);

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;

    private static int? PacketSize(BenchmarkCase c) =>
        c.Parameters.Items.FirstOrDefault(p => p.Name == nameof(SendPathBenchmarks.PacketSize))?.Value as int?;
}
