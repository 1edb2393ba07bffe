using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// For <see cref="LsoSendBenchmarks"/>: ESP segments per second (<see cref="LsoScenario.SegmentsPerSend"/> / mean)
/// and TCP payload bytes per second (<see cref="LsoScenario.TcpPayloadLength"/> / mean, 10^6 bytes).
/// </summary>
public sealed class LsoThroughputColumn : IColumn
{
    private readonly bool _bytes;

    private LsoThroughputColumn(bool bytes)
    {
        _bytes = bytes;
        ColumnName = bytes ? "Payload MB/s" : "Segments/s";
        Id = nameof(LsoThroughputColumn) + "." + ColumnName;
        Legend = bytes
            ? "TCP payload bytes per second (65,495 / Mean), in 10^6 bytes"
            : "ESP segments per second (45 / Mean)";
    }

    /// <summary>Segments per second.</summary>
    public static IColumn SegmentsPerSecond { get; } = new LsoThroughputColumn(bytes: false);

    /// <summary>TCP payload megabytes (10^6 bytes) per second.</summary>
    public static IColumn MegabytesPerSecond { get; } = new LsoThroughputColumn(bytes: true);

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
        if (meanNanoseconds is not > 0 || benchmarkCase.Descriptor.Type != typeof(LsoSendBenchmarks))
        {
            return "NA";
        }

        double sendsPerSecond = 1e9 / meanNanoseconds.Value;
        return _bytes
            ? (sendsPerSecond * LsoScenario.TcpPayloadLength / 1e6).ToString("N1", CultureInfo.InvariantCulture)
            : (sendsPerSecond * LsoScenario.SegmentsPerSend).ToString("N0", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => summary is not null && summary.BenchmarksCases.Any(b => b.Descriptor.Type == typeof(LsoSendBenchmarks));

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
