namespace IpsecOffload.Conformance.Reports;

/// <summary>Which cases' frames go into <c>evidence.pcapng</c>.</summary>
public enum EvidenceMode
{
    /// <summary>The frames of cases that failed (expected failures included), warned or were blocked.</summary>
    Failing,

    /// <summary>The frames of every case.</summary>
    All,

    /// <summary>No capture and no SA table.</summary>
    None,
}

/// <summary>How the reports of a run are written.</summary>
public sealed record ReportOptions
{
    /// <summary>The default options: failing evidence, keys hidden.</summary>
    public static ReportOptions Default { get; } = new();

    /// <summary>Which frames the evidence capture holds.</summary>
    public EvidenceMode Evidence { get; init; } = EvidenceMode.Failing;

    /// <summary>
    /// Print SA key material in <c>report.json</c> and <c>report.html</c> (hex). Off by default: the
    /// reports then say how long each key is and never show its bytes. The evidence SA table
    /// (<c>esp_sa</c>) always holds keys, because decrypting the capture is what it is for
    /// (docs/decisions/report-key-material.md).
    /// </summary>
    public bool ShowKeys { get; init; }

    /// <summary>The version of the tool that ran the cases (printed in every report).</summary>
    public string ToolVersion { get; init; } = typeof(ReportOptions).Assembly.GetName().Version?.ToString() ?? "unknown";
}
