using System.Globalization;
using System.Net;
using System.Text;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Conformance.Reports;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS, no script, no external resource) with the
/// run header (adapter, profile, catalogue, seed), the summary, the requirement verdict table
/// (<c>id="verdict-table"</c>, one row <c>id="req-&lt;ID&gt;"</c> per requirement), the profile settings,
/// and every case with its message in <c>&lt;pre&gt;</c>. All text is HTML-escaped; SA keys are shown
/// only with <see cref="ReportOptions.ShowKeys"/>.
/// </summary>
public static class HtmlReport
{
    /// <summary>File name of the report.</summary>
    public const string FileName = "report.html";

    /// <summary>The <c>id</c> of the requirement verdict table.</summary>
    public const string VerdictTableId = "verdict-table";

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em; color: #1b1b1b; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
        table { border-collapse: collapse; margin: 0.5em 0; }
        th, td { border: 1px solid #c8c8c8; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        .v { font-weight: bold; }
        .Pass { background: #d9f2d9; } .Warn { background: #fff2cc; } .Fail { background: #f8d0d0; }
        .Blocked { background: #e6ccff; } .NotApplicable { background: #eeeeee; color: #555; }
        .expected { background: #ffe0b3; }
        .passed { color: #1a7f1a; } .failed { color: #b00020; }
        pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.5em; white-space: pre-wrap; }
        details { margin: 0.3em 0; } summary { cursor: pointer; }
        code { font-size: 0.95em; }
        """;

    /// <summary>The page.</summary>
    public static string ToHtml(RunResult run, ReportOptions options, EvidenceSummary? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E($"ipsec-conformance: {run.Adapter}, profile {run.Profile.Name}")).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>IpsecConformance report: ").Append(E(run.Adapter)).Append("</h1>\n");
        html.Append("<table id=\"run\">\n");
        Row(html, "adapter", $"{run.Adapter} ({run.AdapterIdentity})");
        Row(html, "profile", run.Profile.Name + (run.Profile.SourcePath is null ? " (built in)" : $" ({run.Profile.SourcePath})"));
        Row(html, "catalogue", string.Create(CultureInfo.InvariantCulture, $"{JsonReport.CatalogueName}, version {run.Catalogue.Version} ({run.Catalogue.Requirements.Count} requirements)"));
        Row(html, "seed", run.Seed.ToString(CultureInfo.InvariantCulture));
        Row(html, "started", run.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Row(html, "duration", string.Create(CultureInfo.InvariantCulture, $"{run.Duration.TotalSeconds:F2} s"));
        Row(html, "known failures", run.KnownFailures.Source ?? "none");
        Row(html, "tool", $"ipsec-conformance {options.ToolVersion}");
        html.Append("</table>\n");

        html.Append("<h2>Summary</h2>\n<p id=\"summary\" class=\"").Append(run.Passed ? "passed" : "failed").Append("\"><b>")
            .Append(run.Passed ? "PASSED" : "FAILED").Append("</b>: ")
            .Append(E(SummaryLine(run))).Append("</p>\n");

        html.Append("<h2>Requirements</h2>\n<table id=\"").Append(VerdictTableId).Append("\">\n")
            .Append("<thead><tr><th>id</th><th>level</th><th>area</th><th>verdict</th><th>cases</th><th>summary</th></tr></thead>\n<tbody>\n");
        foreach (RequirementVerdict r in run.Requirements())
        {
            string verdict = r.Verdict + (r.ExpectedFailure ? " (expected)" : string.Empty) + (r.Reason is null ? string.Empty : $" ({r.Reason})");
            html.Append("<tr id=\"req-").Append(E(r.Requirement.Id)).Append("\"><td>").Append(E(r.Requirement.Id)).Append("</td><td>")
                .Append(E(r.Requirement.Level.ToString())).Append("</td><td>").Append(E(r.Requirement.Area)).Append("</td><td class=\"v ")
                .Append(r.ExpectedFailure ? "expected" : r.Verdict.ToString()).Append("\">").Append(E(verdict)).Append("</td><td>");
            html.Append(string.Join("<br>", r.Cases.Select(c => $"<a href=\"#case-{E(c.Case.Name)}\">{E(c.Case.Name)}</a>")));
            html.Append("</td><td>").Append(E(r.Requirement.Summary)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");

        if (run.UnmatchedKnownFailures.Count > 0)
        {
            html.Append("<h2>Unmatched known failures</h2>\n<ul id=\"unmatched\">\n");
            foreach (KnownFailures.KnownFailureEntry e in run.UnmatchedKnownFailures)
            {
                html.Append("<li>").Append(E($"line {e.Line}: {e.Pattern} # {e.Reason} — matches no case: remove it")).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<h2>Profile settings</h2>\n<table id=\"profile\">\n<thead><tr><th>setting</th><th>value</th><th>decision</th></tr></thead>\n<tbody>\n");
        foreach (ProfileSetting setting in run.Profile.Describe())
        {
            html.Append("<tr><td>").Append(E(setting.Setting)).Append("</td><td><code>").Append(E(setting.Value)).Append("</code></td><td>")
                .Append(E(setting.Decision)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");

        if (evidence is not null)
        {
            html.Append("<h2>Evidence</h2>\n<p>").Append(E(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(evidence.CaptureFile)}: {evidence.Frames} frames of {evidence.Cases} cases; {Path.GetFileName(evidence.SaTableFile)}: {evidence.Sas} ESP SAs (Wireshark table, contains key material). Decrypt in this folder with:")))
                .Append("</p>\n<pre>").Append(E(evidence.TsharkCommand)).Append("</pre>\n");
        }

        html.Append("<h2>Cases</h2>\n");
        foreach (CaseResult c in run.Cases)
        {
            string verdict = c.Expected ? "expected failure" : c.Verdict.ToString();
            html.Append("<details id=\"case-").Append(E(c.Case.Name)).Append('"').Append(c.Verdict is Verdict.Pass or Verdict.NotApplicable || c.Expected ? string.Empty : " open")
                .Append("><summary><span class=\"v ").Append(c.Expected ? "expected" : c.Verdict.ToString()).Append("\">").Append(E(verdict)).Append("</span> ")
                .Append(E(c.Case.Name)).Append("</summary>\n<table>\n");
            Row(html, "requirements", string.Join(", ", c.Case.Requirements));
            Row(html, "summary", c.Case.Summary);
            if (c.FailedRequirement is not null)
            {
                Row(html, "failed requirement", c.FailedRequirement);
            }

            if (c.KnownFailure is { } known)
            {
                Row(html, "known failure", $"line {known.Line}: {known.Pattern} # {known.Reason}");
            }

            Row(html, "reproduce", c.Reproduce);
            Row(html, "frames", c.Frames.Count.ToString(CultureInfo.InvariantCulture));
            Row(html, "duration", string.Create(CultureInfo.InvariantCulture, $"{c.Duration.TotalMilliseconds:F1} ms"));
            foreach (SaSpec sa in c.Sas)
            {
                Row(html, "SA", SaText(sa, options.ShowKeys));
            }

            foreach (string note in c.Notes)
            {
                Row(html, "note", note);
            }

            html.Append("</table>\n");
            if (c.Message.Length > 0)
            {
                html.Append("<pre>").Append(E(c.Message)).Append("</pre>\n");
            }

            html.Append("</details>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The counts line: <c>N cases: P pass, W warn, F fail, …</c>.</summary>
    public static string SummaryLine(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.Create(CultureInfo.InvariantCulture,
            $"{run.Cases.Count} cases: {run.Count(Verdict.Pass)} pass, {run.Count(Verdict.Warn)} warn, {run.Count(Verdict.Fail)} fail, " +
            $"{run.Count(Verdict.NotApplicable)} not applicable, {run.Count(Verdict.Blocked)} blocked, {run.ExpectedFailures} expected failures, " +
            $"{run.UnmatchedKnownFailures.Count} unmatched known failures");
    }

    /// <summary>An SA in one line: key lengths, or the keys in hex with <paramref name="showKeys"/>.</summary>
    public static string SaText(SaSpec sa, bool showKeys)
    {
        ArgumentNullException.ThrowIfNull(sa);
        string Key(byte[] key) => showKeys ? Convert.ToHexStringLower(key) : string.Create(CultureInfo.InvariantCulture, $"<{key.Length} bytes, not shown>");
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{sa.Protocol} spi 0x{sa.Spi:x8}"));
        if (sa.Encryption is { } e)
        {
            text.Append(' ').Append(e.Name).Append(" key ").Append(Key(sa.EncryptionKey));
        }

        if (sa.Integrity is { } i)
        {
            text.Append(' ').Append(i.Name).Append(" key ").Append(Key(sa.IntegrityKey));
        }

        text.Append(CultureInfo.InvariantCulture, $" icv {sa.IcvLength}");
        if (sa.Esn)
        {
            text.Append(CultureInfo.InvariantCulture, $" esn (high 0x{sa.SequenceNumberHigh:x8})");
        }

        return text.ToString();
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
