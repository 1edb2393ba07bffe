using System.Globalization;
using System.Text;
using System.Xml;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;

namespace IpsecOffload.Conformance.Reports;

/// <summary>
/// <c>junit.xml</c> in the Ant/Jenkins JUnit layout: <c>&lt;testsuites&gt;</c> with one
/// <c>&lt;testsuite&gt;</c> per requirement area (the area of each case's main requirement), each case a
/// <c>&lt;testcase classname="area.REQ-ID" name="case"&gt;</c>. Fail: <c>&lt;failure&gt;</c>. Blocked:
/// <c>&lt;error&gt;</c>. NotApplicable: <c>&lt;skipped message="reason"&gt;</c>. Warn and expected failures
/// pass, with the warning or the known-failure line in <c>&lt;system-out&gt;</c>. Unmatched
/// known-failure entries are failures of a <c>known-failures</c> suite. Run facts (adapter, profile
/// settings, seed) are properties of every suite.
/// </summary>
public static class JunitReport
{
    /// <summary>File name of the report.</summary>
    public const string FileName = "junit.xml";

    /// <summary>Name of the suite that holds unmatched known-failure entries.</summary>
    public const string KnownFailuresSuite = "known-failures";

    private const string Timestamp = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>The report text (UTF-8 declaration, indented).</summary>
    public static string ToXml(RunResult run, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var text = new Utf8StringWriter();
        var settings = new XmlWriterSettings { Indent = true, NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using (var xml = XmlWriter.Create(text, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", $"ipsec-conformance {run.Adapter}");
            xml.WriteAttributeString("tests", Number(run.Cases.Count + run.UnmatchedKnownFailures.Count));
            xml.WriteAttributeString("failures", Number(run.Count(Verdict.Fail) + run.UnmatchedKnownFailures.Count));
            xml.WriteAttributeString("errors", Number(run.Count(Verdict.Blocked)));
            xml.WriteAttributeString("skipped", Number(run.Count(Verdict.NotApplicable)));
            xml.WriteAttributeString("time", Seconds(run.Duration));
            xml.WriteAttributeString("timestamp", run.Started.UtcDateTime.ToString(Timestamp, CultureInfo.InvariantCulture));

            int id = 0;
            foreach (IGrouping<string, CaseResult> area in run.Cases.GroupBy(c => AreaOf(run, c)))
            {
                WriteSuite(xml, run, options, id++, area.Key, [.. area]);
            }

            if (run.UnmatchedKnownFailures.Count > 0)
            {
                StartSuite(xml, run, options, id, KnownFailuresSuite, run.UnmatchedKnownFailures.Count, run.UnmatchedKnownFailures.Count, 0, 0, TimeSpan.Zero);
                foreach (KnownFailures.KnownFailureEntry entry in run.UnmatchedKnownFailures)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", KnownFailuresSuite);
                    xml.WriteAttributeString("name", entry.Pattern);
                    xml.WriteAttributeString("time", "0");
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", $"known-failures entry '{entry.Pattern}' matches no case of the run: remove it");
                    xml.WriteAttributeString("type", "UnmatchedKnownFailure");
                    xml.WriteString($"{run.KnownFailures.Source ?? "known failures"} line {entry.Line}: {entry.Pattern} # {entry.Reason}");
                    xml.WriteEndElement();
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return text.ToString() + "\n";
    }

    private static void WriteSuite(XmlWriter xml, RunResult run, ReportOptions options, int id, string area, List<CaseResult> cases)
    {
        StartSuite(xml, run, options, id, area, cases.Count,
            cases.Count(c => c.Verdict == Verdict.Fail && !c.Expected), cases.Count(c => c.Verdict == Verdict.Blocked),
            cases.Count(c => c.Verdict == Verdict.NotApplicable), TimeSpan.FromTicks(cases.Sum(c => c.Duration.Ticks)));
        foreach (CaseResult c in cases)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", $"{area}.{c.Case.Requirements[0]}");
            xml.WriteAttributeString("name", c.Case.Name);
            xml.WriteAttributeString("time", Seconds(c.Duration));
            string details = $"{c.Message}\nrequirements: {string.Join(", ", c.Case.Requirements)}\nreproduce: {c.Reproduce}";
            switch (c.Verdict)
            {
                case Verdict.Fail when c.Expected:
                    Element(xml, "system-out", null, null,
                        $"expected failure ({run.KnownFailures.Source ?? "known failures"} line {c.KnownFailure!.Line}: {c.KnownFailure.Reason})\n{details}");
                    break;
                case Verdict.Fail:
                    Element(xml, "failure", Headline(c.Message), $"Fail {c.FailedRequirement}", details);
                    break;
                case Verdict.Blocked:
                    Element(xml, "error", Headline(c.Message), "Blocked", details);
                    break;
                case Verdict.NotApplicable:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", Clean($"NotApplicable: {c.Message}"));
                    xml.WriteEndElement();
                    break;
                case Verdict.Warn:
                    Element(xml, "system-out", null, null, $"WARN {c.FailedRequirement}: {details}");
                    break;
                default:
                    break;
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void StartSuite(XmlWriter xml, RunResult run, ReportOptions options, int id, string name, int tests, int failures, int errors, int skipped, TimeSpan time)
    {
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("tests", Number(tests));
        xml.WriteAttributeString("failures", Number(failures));
        xml.WriteAttributeString("errors", Number(errors));
        xml.WriteAttributeString("skipped", Number(skipped));
        xml.WriteAttributeString("time", Seconds(time));
        xml.WriteAttributeString("timestamp", run.Started.UtcDateTime.ToString(Timestamp, CultureInfo.InvariantCulture));
        xml.WriteAttributeString("hostname", "localhost");
        xml.WriteAttributeString("id", Number(id));
        xml.WriteAttributeString("package", "ipsec-conformance");
        xml.WriteStartElement("properties");
        Property(xml, "adapter", run.Adapter);
        Property(xml, "adapterIdentity", run.AdapterIdentity);
        Property(xml, "profile", run.Profile.Name);
        foreach (ProfileSetting setting in run.Profile.Describe())
        {
            Property(xml, "profile." + setting.Setting, setting.Value);
        }

        Property(xml, "catalogueVersion", Number(run.Catalogue.Version));
        Property(xml, "seed", Number(run.Seed));
        Property(xml, "toolVersion", options.ToolVersion);
        xml.WriteEndElement();
    }

    private static void Property(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Clean(value));
        xml.WriteEndElement();
    }

    private static void Element(XmlWriter xml, string name, string? message, string? type, string text)
    {
        xml.WriteStartElement(name);
        if (message is not null)
        {
            xml.WriteAttributeString("message", message);
        }

        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteString(Clean(text));
        xml.WriteEndElement();
    }

    private static string AreaOf(RunResult run, CaseResult c) => run.Catalogue.Find(c.Case.Requirements[0])?.Area ?? "unknown";

    private static string Headline(string message) => Clean(message.Split('\n', 2)[0]);

    // XML 1.0 allows no control characters other than tab, LF and CR; a message never needs them.
    private static string Clean(string text) =>
        string.Concat(text.Select(ch => XmlConvert.IsXmlChar(ch) || char.IsSurrogate(ch) ? ch : '\uFFFD'));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
