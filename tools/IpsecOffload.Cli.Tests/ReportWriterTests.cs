using System.Text.Json;
using System.Xml.Linq;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Reports;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Testing;
using IpsecOffload.Testing.Tools;

namespace IpsecOffload.Cli.Tests;

/// <summary>The report writers on a hand-made run with every verdict, known keys and hostile text; the reports read by chromium and junitparser.</summary>
public sealed class ReportWriterTests
{
    private const string Hostile = "sent <script>alert(\"x\")</script> & 'quotes' \u0001 ]]> back";
    private string _temp = null!;

    [SetUp]
    public void CreateTemp() => _temp = Path.Combine(Path.GetTempPath(), "ipsec-reports-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteTemp()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    /// <summary>Keys whose bytes are all non-zero and distinct from every other field (seeded).</summary>
    private static (SaSpec Sa, string[] Hex) KnownSa()
    {
        Random random = TestSeeds.Create(0x5e9);
        SaSpec sa = CaseKit.Esp(random, CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256);
        return (sa, [Convert.ToHexStringLower(sa.EncryptionKey), Convert.ToHexStringLower(sa.IntegrityKey)]);
    }

    private static CaseResult Result(string name, string requirement, Verdict verdict, string message = "", SaSpec? sa = null, KnownFailureEntry? known = null) => new()
    {
        Case = new ConformanceCase(name, [requirement], $"summary of {name}", [], _ => { }),
        Verdict = verdict,
        Message = message,
        FailedRequirement = verdict is Verdict.Fail or Verdict.Warn ? requirement : null,
        KnownFailure = known,
        Reproduce = $"ipsec-conformance run --filter {name} --seed 1",
        Sas = sa is null ? [] : [sa],
        Duration = TimeSpan.FromMilliseconds(1.5),
    };

    internal static RunResult HandMadeRun(SaSpec sa)
    {
        KnownFailureList known = KnownFailureList.Parse("# test\nSend04_Expected_Fails # listed on purpose\nSend99_Stale # matches nothing\n", "known.txt");
        return new RunResult
        {
            Adapter = "hand-made",
            AdapterIdentity = "hand-made 0.0 (x64)",
            Profile = ConformanceProfile.Default,
            Catalogue = RequirementCatalogue.Default,
            Seed = 42,
            Started = new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero),
            Duration = TimeSpan.FromSeconds(1.25),
            KnownFailures = known,
            UnmatchedKnownFailures = [known.Entries[1]],
            Cases =
            [
                Result("Send09_Passes_V2", "SEND-09", Verdict.Pass, sa: sa),
                Result("Esp01_Fails_V2", "ESP-01", Verdict.Fail, "[ESP-01] " + Hostile + "\nsecond line", sa),
                Result("Send04_Expected_Fails", "SEND-04", Verdict.Fail, "[SEND-04] broken on purpose", known: known.Entries[0]),
                Result("Send23_Warns", "SEND-23", Verdict.Warn, "under-claimed: works but not advertised"),
                Result("Lso01_NotApplicable", "LSO-01", Verdict.NotApplicable, "the adapter does not claim LSOv2 " + Hostile),
                Result("Send03_Blocked", "SEND-03", Verdict.Blocked, "harness error: " + Hostile),
            ],
        };
    }

    [Test]
    public void Writers_WithoutShowKeys_NeverContainKeyBytes_WithShowKeysJsonAndHtmlDo()
    {
        (SaSpec sa, string[] keys) = KnownSa();
        RunResult run = HandMadeRun(sa);
        string[] hidden = [JsonReport.ToJson(run, ReportOptions.Default), HtmlReport.ToHtml(run, ReportOptions.Default), JunitReport.ToXml(run, ReportOptions.Default)];
        var show = new ReportOptions { ShowKeys = true };
        string[] shown = [JsonReport.ToJson(run, show), HtmlReport.ToHtml(run, show)];
        using (Assert.EnterMultipleScope())
        {
            foreach (string key in keys)
            {
                foreach (string text in hidden)
                {
                    Assert.That(text, Does.Not.Contain(key).IgnoreCase);
                    Assert.That(text, Does.Not.Contain(Convert.ToBase64String(Convert.FromHexString(key))));
                }

                foreach (string text in shown)
                {
                    Assert.That(text, Does.Contain(key));
                }
            }

            Assert.That(hidden[1], Does.Contain("key &lt;32 bytes, not shown&gt;"));
        }
    }

    [Test]
    public void Json_HandMadeRun_CountsEveryVerdictAndNamesTheKnownFailure()
    {
        using JsonDocument json = JsonDocument.Parse(JsonReport.ToJson(HandMadeRun(KnownSa().Sa), ReportOptions.Default));
        JsonElement summary = json.RootElement.GetProperty("summary");
        JsonElement expected = json.RootElement.GetProperty("cases")[2];
        JsonElement esp01 = json.RootElement.GetProperty("requirements").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "ESP-01");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(summary.GetProperty("pass").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("fail").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("expectedFailures").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("warn").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("notApplicable").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("blocked").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("unmatchedKnownFailures").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(expected.GetProperty("expected").GetBoolean(), Is.True);
            Assert.That(expected.GetProperty("knownFailure").GetProperty("pattern").GetString(), Is.EqualTo("Send04_Expected_Fails"));
            Assert.That(expected.GetProperty("knownFailure").GetProperty("line").GetInt32(), Is.EqualTo(2));
            Assert.That(esp01.GetProperty("verdict").GetString(), Is.EqualTo("Fail"));
            Assert.That(json.RootElement.GetProperty("cases")[1].GetProperty("message").GetString(), Does.Contain(Hostile), "JSON keeps the text exactly");
            Assert.That(json.RootElement.GetProperty("unmatchedKnownFailures")[0].GetProperty("pattern").GetString(), Is.EqualTo("Send99_Stale"));
            Assert.That(json.RootElement.GetProperty("run").GetProperty("started").GetString(), Is.EqualTo("2026-11-22T05:00:00.000Z"));
        }
    }

    [Test]
    public void Junit_HandMadeRun_IsWellFormedWithOneElementPerVerdict()
    {
        XDocument xml = XDocument.Parse(JunitReport.ToXml(HandMadeRun(KnownSa().Sa), ReportOptions.Default));
        XElement root = xml.Root!;
        XElement Case(string name) => root.Descendants("testcase").Single(c => (string?)c.Attribute("name") == name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
            Assert.That((int?)root.Attribute("tests"), Is.EqualTo(7), "6 cases + 1 unmatched entry");
            Assert.That((int?)root.Attribute("failures"), Is.EqualTo(2));
            Assert.That((int?)root.Attribute("errors"), Is.EqualTo(1));
            Assert.That((int?)root.Attribute("skipped"), Is.EqualTo(1));
            Assert.That(root.Elements("testsuite").Select(s => (string?)s.Attribute("name")), Is.EquivalentTo(new[] { "send", "esp", "lso", JunitReport.KnownFailuresSuite }));
            Assert.That(Case("Esp01_Fails_V2").Element("failure")!.Value, Does.Contain("<script>"), "the text survives escaping");
            Assert.That((string?)Case("Esp01_Fails_V2").Attribute("classname"), Is.EqualTo("esp.ESP-01"));
            Assert.That(Case("Send03_Blocked").Element("error"), Is.Not.Null);
            Assert.That(Case("Lso01_NotApplicable").Element("skipped")!.Attribute("message")!.Value, Does.StartWith("NotApplicable: "));
            Assert.That(Case("Send23_Warns").Element("system-out")!.Value, Does.StartWith("WARN SEND-23"));
            Assert.That(Case("Send04_Expected_Fails").Element("failure"), Is.Null, "an expected failure passes");
            Assert.That(Case("Send04_Expected_Fails").Element("system-out")!.Value, Does.StartWith("expected failure (known.txt line 2"));
            Assert.That(root.Descendants("property").Select(p => (string?)p.Attribute("name")), Does.Contain("profile.padShortFrames"));
        }
    }

    [Test]
    public void Html_HandMadeRun_EscapesEveryMessageAndUsesNoExternalResource()
    {
        string html = HtmlReport.ToHtml(HandMadeRun(KnownSa().Sa), ReportOptions.Default);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(html, Does.Not.Contain("<script"));
            Assert.That(html, Does.Contain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"));
            Assert.That(html, Does.Not.Contain("src=").And.Not.Contain("http://").And.Not.Contain("<link"));
            Assert.That(html, Does.Contain("id=\"verdict-table\""));
            Assert.That(html, Does.Contain("<tr id=\"req-ESP-01\">"));
        }
    }

    [Test]
    public void Html_RenderedByHeadlessChromium_HasTheVerdictTableAndTheRequirementRows()
    {
        string chromium = ExternalTool.Require("chromium", "apt-get install -y chromium");
        Directory.CreateDirectory(_temp);
        string page = Path.Combine(_temp, HtmlReport.FileName);
        File.WriteAllText(page, HtmlReport.ToHtml(HandMadeRun(KnownSa().Sa), ReportOptions.Default));
        string screenshot = Path.Combine(_temp, "report.png");

        (int exit, string dom, string stderr) = ExternalProcess.Run(chromium,
            ["--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=" + Path.Combine(_temp, "profile"), "--dump-dom", new Uri(page).AbsoluteUri]);
        (int shotExit, _, string shotError) = ExternalProcess.Run(chromium,
            ["--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=" + Path.Combine(_temp, "profile2"), "--window-size=1280,2000",
                "--screenshot=" + screenshot, new Uri(page).AbsoluteUri]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, stderr);
            Assert.That(dom, Does.Contain("<table id=\"verdict-table\">"));
            Assert.That(dom, Does.Match("<tr id=\"req-ESP-01\"><td>ESP-01</td><td>Must</td><td>[^<]*</td><td class=\"v Fail\">Fail</td>"));
            Assert.That(dom, Does.Match("<tr id=\"req-SEND-09\"><td>SEND-09</td><td>Must</td><td>send</td><td class=\"v Pass\">Pass</td>"));
            Assert.That(dom, Does.Contain("&lt;script&gt;"), "the hostile message is text in the DOM, not an element");
            Assert.That(shotExit, Is.Zero, shotError);
            Assert.That(File.Exists(screenshot) ? new FileInfo(screenshot).Length : 0, Is.GreaterThan(10_000), "a rendered screenshot");
        }
    }

    [Test]
    public void Junit_ReadByPythonJunitparser_GivesTheSameCountsAndResults()
    {
        string python = ExternalTool.Require("/usr/bin/python3", "apt-get install -y python3 python3-junitparser");
        Directory.CreateDirectory(_temp);
        string file = Path.Combine(_temp, JunitReport.FileName);
        File.WriteAllText(file, JunitReport.ToXml(HandMadeRun(KnownSa().Sa), ReportOptions.Default));
        const string Script = """
            import json, sys
            try:
                from junitparser import JUnitXml
            except ImportError:
                print("NO-JUNITPARSER"); sys.exit(3)
            xml = JUnitXml.fromfile(sys.argv[1])
            cases = []
            for suite in xml:
                for case in suite:
                    cases.append({"suite": suite.name, "classname": case.classname, "name": case.name, "time": case.time,
                                  "results": [type(r).__name__ for r in case.result]})
            print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped, "cases": cases}))
            """;
        (int exit, string stdout, string stderr) = ExternalProcess.Run(python, ["-c", Script, file]);
        if (exit == 3)
        {
            string message = "python3-junitparser is not installed. Install it with: apt-get install -y python3-junitparser";
            if (ExternalTool.IsCi)
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        Assert.That(exit, Is.Zero, stderr);
        using JsonDocument parsed = JsonDocument.Parse(stdout);
        JsonElement root = parsed.RootElement;
        Dictionary<string, string[]> results = root.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("results").EnumerateArray().Select(r => r.GetString()!).ToArray());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("tests").GetInt32(), Is.EqualTo(7));
            Assert.That(root.GetProperty("failures").GetInt32(), Is.EqualTo(2));
            Assert.That(root.GetProperty("errors").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("skipped").GetInt32(), Is.EqualTo(1));
            Assert.That(results["Esp01_Fails_V2"], Is.EqualTo(new[] { "Failure" }));
            Assert.That(results["Send03_Blocked"], Is.EqualTo(new[] { "Error" }));
            Assert.That(results["Lso01_NotApplicable"], Is.EqualTo(new[] { "Skipped" }));
            Assert.That(results["Send09_Passes_V2"], Is.Empty);
            Assert.That(results["Send04_Expected_Fails"], Is.Empty);
            Assert.That(results["Send99_Stale"], Is.EqualTo(new[] { "Failure" }));
            Assert.That(root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Esp01_Fails_V2").GetProperty("classname").GetString(),
                Is.EqualTo("esp.ESP-01"));
        }
    }

    [Test]
    public void Evidence_SaSpecs_MapToWiresharkRowsForEveryEspTransform()
    {
        Random random = TestSeeds.Create(0x5ea);
        SaSpec gcm = CaseKit.Esp(random, CryptoAlgorithm.AesGcm256, null, icvLength: 12);
        SaSpec gmac = CaseKit.Esp(random, null, CryptoAlgorithm.AesGmac128);
        SaSpec integrityOnly = CaseKit.Esp(random, null, CryptoAlgorithm.HmacSha1);
        SaSpec ah = CaseKit.Ah(random, CryptoAlgorithm.HmacSha256);
        var d = (SaSpec s) => EvidenceCapture.Describe(s, Engine.Capture.EspSaIpVersion.IPv4, "192.0.2.1", "*");
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(gcm.EncryptionKey.AsSpan(0, 32).ToArray(), d(gcm)!.EncryptionKey.ToArray(), "GCM key without salt");
            HexAssert.AreEqual(gcm.EncryptionKey.AsSpan(32).ToArray(), d(gcm)!.Salt.ToArray(), "GCM salt");
            Assert.That(d(gcm)!.IcvLength, Is.EqualTo(12));
            Assert.That(d(gmac)!.Encryption, Is.SameAs(CryptoAlgorithm.AesGmac128));
            HexAssert.AreEqual(gmac.IntegrityKey.AsSpan(16).ToArray(), d(gmac)!.Salt.ToArray(), "GMAC salt");
            Assert.That(d(integrityOnly)!.Encryption, Is.SameAs(CryptoAlgorithm.EspNull));
            Assert.That(d(integrityOnly)!.Integrity, Is.SameAs(CryptoAlgorithm.HmacSha1));
            Assert.That(d(ah), Is.Null, "AH has no ESP SA row");
            Assert.That(Engine.Capture.WiresharkEspSaTable.ToUatFile([d(gcm)!, d(gmac)!, d(integrityOnly)!], Engine.Capture.WiresharkExportMode.BestEffort),
                Does.Contain("AES-GCM with 12 octet ICV"));
        }
    }
}
