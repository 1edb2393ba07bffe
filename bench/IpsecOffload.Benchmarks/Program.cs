using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// Runs the suites through BenchmarkDotNet's command line (<c>--filter</c>, <c>--job short</c>,
/// <c>--artifacts</c>, ...), adds the throughput columns and a full JSON export, and exits non-zero
/// when a benchmark failed.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        IConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(ThroughputColumn.PacketsPerSecond, ThroughputColumn.MegabytesPerSecond)
            .AddExporter(JsonExporter.Full);
        Summary[] summaries = [.. BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config)];
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
