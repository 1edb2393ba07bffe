using System.Text;
using IpsecOffload.Conformance.Running;

namespace IpsecOffload.Conformance.Reports;

/// <summary>The files <see cref="ReportWriter.WriteAll"/> wrote.</summary>
/// <param name="Json">Path of <c>report.json</c>.</param>
/// <param name="Junit">Path of <c>junit.xml</c>.</param>
/// <param name="Html">Path of <c>report.html</c>.</param>
/// <param name="Evidence">The evidence capture and SA table, or null with <see cref="EvidenceMode.None"/>.</param>
public sealed record ReportFiles(string Json, string Junit, string Html, EvidenceSummary? Evidence)
{
    /// <summary>Every file written, reports first.</summary>
    public IReadOnlyList<string> All =>
        Evidence is null ? [Json, Junit, Html] : [Json, Junit, Html, Evidence.CaptureFile, Evidence.SaTableFile];
}

/// <summary>Writes every report of a run into one folder: evidence first, then report.json, junit.xml and report.html.</summary>
public static class ReportWriter
{
    /// <summary>Writes the reports of <paramref name="run"/> into <paramref name="folder"/> (created when missing; files replaced).</summary>
    public static ReportFiles WriteAll(RunResult run, string folder, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(folder);
        EvidenceSummary? evidence = EvidenceCapture.Write(run, folder, options.Evidence);
        var utf8 = new UTF8Encoding(false);
        string json = Path.Combine(folder, JsonReport.FileName), junit = Path.Combine(folder, JunitReport.FileName), html = Path.Combine(folder, HtmlReport.FileName);
        File.WriteAllText(json, JsonReport.ToJson(run, options, evidence), utf8);
        File.WriteAllText(junit, JunitReport.ToXml(run, options), utf8);
        File.WriteAllText(html, HtmlReport.ToHtml(run, options, evidence), utf8);
        return new ReportFiles(json, junit, html, evidence);
    }
}
