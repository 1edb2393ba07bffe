using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IpsecOffload.Adapters;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Reports;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Testing;
using IpsecOffload.Testing.Tools;

namespace IpsecOffload.Cli.Tests;

/// <summary><c>run</c> end to end: exit codes, console summary, the four reports, key material, and the reports read by real consumers.</summary>
public sealed partial class RunCommandTests
{
    private const int Seed = RunOptions.DefaultSeed;
    private string _temp = null!;

    [SetUp]
    public void CreateTemp() => _temp = Path.Combine(Path.GetTempPath(), "ipsec-run-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteTemp()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    private static (int Exit, string Output) Run(params string[] args) => RunWith([], args);

    private static (int Exit, string Output) RunWith(IReadOnlyList<AdapterDescriptor> extra, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        int exit = CliApp.Run(args, output, extra);
        return (exit, output.ToString());
    }

    private string Report(string name) => Path.Combine(_temp, name);

    [GeneratedRegex(@"^time: (\d+\.\d) s$", RegexOptions.Multiline)]
    private static partial Regex TimeLine();

    [Test]
    public void Run_ReferenceAdapter_ExitsZeroWritesEveryReportAndPrintsTheSummaryWellUnderAMinute()
    {
        var clock = Stopwatch.StartNew();
        (int exit, string output) = Run("run", "--adapter", "reference", "--report", _temp);
        clock.Stop();
        TestContext.Out.WriteLine($"run against reference: {clock.Elapsed.TotalSeconds:F2} s wall ({TimeLine().Match(output).Value})");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.StartWith($"ipsec-conformance run: adapter reference, profile default, catalogue version "));
            Assert.That(output, Does.Contain($"seed {Seed}, {CaseCatalogue.All.Count} of {CaseCatalogue.All.Count} cases"));
            Assert.That(output, Does.Match(@"padShortFrames\s+│ true"), "profile settings printed");
            Assert.That(output, Does.Match(@"strictShould\s+│ false"));
            Assert.That(output, Does.Match(@"SEND-09\s+│ Must\s+│ Pass"), "requirement verdict table");
            Assert.That(output, Does.Match($@"{CaseCatalogue.All.Count} cases: \d+ pass, 0 warn, 0 fail, \d+ not applicable, 0 blocked, 0 expected failures"));
            Assert.That(output, Does.Contain("adapter identity: IpsecConformance reference miniport"));
            Assert.That(output.TrimEnd().Split('\n')[^1], Is.EqualTo("PASSED"));
            Assert.That(TimeLine().IsMatch(output), Is.True, "duration printed");
            foreach (string file in new[] { JsonReport.FileName, JunitReport.FileName, HtmlReport.FileName })
            {
                Assert.That(File.Exists(Report(file)), Is.True, file);
                Assert.That(output, Does.Contain(Report(file)), "report path printed");
            }

            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the reference run must take well under 60 s");
        }
    }

    [Test]
    public void Run_ReportJson_HasEveryFieldTheSchemaDocumentLists()
    {
        (int exit, string output) = Run("run", "--report", _temp, "--evidence", "all");
        Assert.That(exit, Is.Zero, output);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Report(JsonReport.FileName)));
        JsonElement root = json.RootElement;

        // The first column of every row of the report.json table in docs/report-schema.md.
        string schema = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "report-schema.md"));
        string section = schema[schema.IndexOf("## `report.json`", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        string[] documented = [.. section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Split('`')[1])];
        Assert.That(documented, Has.Length.GreaterThan(50), "the schema table was read");
        var missing = documented.Where(path => !HasPath(root, path)).ToList();
        JsonElement run = root.GetProperty("run");
        JsonElement settings = run.GetProperty("profile").GetProperty("settings");
        string[] settingNames = [.. IpsecOffload.Conformance.Profile.ConformanceProfile.Default.Describe().Select(d => d.Setting)];
        JsonElement send09 = root.GetProperty("requirements").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "SEND-09");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing, Is.Empty, "documented in docs/report-schema.md but missing from report.json");
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(JsonReport.SchemaVersion));
            Assert.That(run.GetProperty("adapter").GetProperty("name").GetString(), Is.EqualTo("reference"));
            Assert.That(run.GetProperty("seed").GetInt32(), Is.EqualTo(Seed));
            Assert.That(settings.EnumerateObject().Select(p => p.Name), Is.EqualTo(settingNames), "every profile setting, in order");
            Assert.That(settings.GetProperty("addSaTotalFailureStatus").GetString(), Is.EqualTo("NDIS_STATUS_RESOURCES"));
            Assert.That(settings.GetProperty("padShortFrames").GetBoolean(), Is.True);
            Assert.That(settings.GetProperty("espIv").GetString(), Is.EqualTo("Transport"));
            Assert.That(root.GetProperty("summary").GetProperty("passed").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("summary").GetProperty("pass").GetInt32() + root.GetProperty("summary").GetProperty("notApplicable").GetInt32(), Is.EqualTo(CaseCatalogue.All.Count));
            Assert.That(root.GetProperty("requirements").GetArrayLength(), Is.EqualTo(IpsecOffload.Conformance.Catalogue.RequirementCatalogue.Default.Requirements.Count));
            Assert.That(send09.GetProperty("verdict").GetString(), Is.EqualTo("Pass"));
            Assert.That(send09.GetProperty("level").GetString(), Is.EqualTo("Must"));
            Assert.That(send09.GetProperty("cases").EnumerateArray().Select(c => c.GetString()), Does.Contain("Send09_EspTransport_ProtectedOnWire_V2"));
            Assert.That(root.GetProperty("cases")[0].GetProperty("reproduce").GetString(), Does.Contain($"--seed {Seed}"));
            Assert.That(root.GetProperty("evidence").GetProperty("capture").GetString(), Is.EqualTo(EvidenceCapture.CaptureFileName));
        }
    }

    private static bool HasPath(JsonElement element, string path)
    {
        foreach (string part in path.Split('.'))
        {
            bool array = part.EndsWith("[]", StringComparison.Ordinal);
            string name = array ? part[..^2] : part;
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return false;
            }

            if (array)
            {
                if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
                {
                    return element.ValueKind == JsonValueKind.Array;
                }

                element = element[0];
            }
        }

        return true;
    }

    [Test]
    public void Run_WithoutShowKeys_NoKeyBytesInJsonHtmlJunitOrConsole_WithShowKeysTheReportsHaveThem()
    {
        // The run is replayable: the same seed gives the same SAs, so the keys the CLI used are known here.
        string[] keys = ReferenceKeys();
        Assert.That(keys, Has.Length.GreaterThan(CaseCatalogue.All.Count / 2), "most cases add an SA with keys");
        string hidden = Path.Combine(_temp, "hidden"), shown = Path.Combine(_temp, "shown");
        (int exit, string output) = Run("run", "--report", hidden, "--evidence", "all");
        (int exitShown, string outputShown) = Run("run", "--report", shown, "--evidence", "all", "--show-keys");
        string[] reports = [JsonReport.FileName, HtmlReport.FileName, JunitReport.FileName];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(exitShown, Is.Zero, outputShown);
            foreach (string key in keys)
            {
                Assert.That(output, Does.Not.Contain(key).IgnoreCase, "console without --show-keys");
                foreach (string report in reports)
                {
                    Assert.That(File.ReadAllText(Path.Combine(hidden, report)), Does.Not.Contain(key).IgnoreCase, $"{report} without --show-keys");
                }

                Assert.That(File.ReadAllText(Path.Combine(shown, JsonReport.FileName)), Does.Contain(key), "report.json with --show-keys");
                Assert.That(File.ReadAllText(Path.Combine(shown, HtmlReport.FileName)), Does.Contain(key), "report.html with --show-keys");
            }

            // The evidence SA table holds the keys of the SAs in the capture in both cases (decision: it exists to decrypt).
            string table = File.ReadAllText(Path.Combine(hidden, WiresharkEspSaTable.UatFileName));
            Assert.That(keys.Count(k => table.Contains(k, StringComparison.OrdinalIgnoreCase)), Is.GreaterThan(0));
            Assert.That(File.ReadAllText(Path.Combine(hidden, JsonReport.FileName)), Does.Contain("\"encryptionKeyLength\": 24"), "3DES key length shown instead");
        }
    }

    private static string[] ReferenceKeys()
    {
        AdapterDescriptor reference = AdapterRegistry.Find("reference")!;
        RunResult run = ConformanceRunner.Run(new AdapterUnderTest(reference.Name, reference.Create),
            CaseCatalogue.All.Where(c => new RunFilter(Protected).Selects(c, IpsecOffload.Conformance.Catalogue.RequirementCatalogue.Default)), new RunOptions { Seed = Seed });
        return [.. run.Cases.SelectMany(c => c.Sas).SelectMany(sa => new[] { sa.EncryptionKey, sa.IntegrityKey })
            .Where(k => k.Length > 0).Select(Convert.ToHexStringLower).Distinct()];
    }

    /// <summary>The case families whose every frame is ESP-protected (others send frames as-is on purpose, or use AH).</summary>
    private const string Protected = "Send09_*,Esp01_*,Esp05_*,UdpEsp01_*,Esn01_*,Lso01_*";

    [Test]
    public void Run_EvidenceAll_EveryProtectedEspFrameDecryptsWithAGoodIcvInTsharkUsingTheExportedTable()
    {
        Tshark tshark = Tshark.Require();
        (int exit, string output) = Run("run", "--report", _temp, "--evidence", "all", "--filter", Protected);
        Assert.That(exit, Is.Zero, output);

        string capture = Report(EvidenceCapture.CaptureFileName);
        var arguments = new List<string> { "-n", "-r", capture };
        arguments.AddRange(EvidenceCapture.TsharkDecodeAs);
        arguments.AddRange(["-T", "fields", "-E", "header=n", "-E", "separator=/t", "-E", "occurrence=f"]);
        arguments.AddRange(Tshark.EspFields.SelectMany(f => new[] { "-e", f }));
        // The report folder itself is the Wireshark configuration folder (esp_sa + preferences), as the README says.
        (int tsharkExit, string stdout, string stderr) = ExternalProcess.Run(tshark.ExecutablePath, arguments,
            new Dictionary<string, string> { ["WIRESHARK_CONFIG_DIR"] = _temp });
        Assert.That(tsharkExit, Is.Zero, stderr);
        IReadOnlyList<TsharkEspFrame> frames = Tshark.ParseFields(stdout);

        AdapterDescriptor reference = AdapterRegistry.Find("reference")!;
        RunResult run = ConformanceRunner.Run(new AdapterUnderTest(reference.Name, reference.Create),
            CaseCatalogue.All.Where(c => new RunFilter(Protected).Selects(c, IpsecOffload.Conformance.Catalogue.RequirementCatalogue.Default)), new RunOptions { Seed = Seed });
        TsharkEspFrame[] esp = [.. frames.Where(f => f.Spi is not null)];
        // SEND-03 cases send transport-framed ESP (ICV placeholder) with OffloadHandle 0: it must leave unchanged, so unprotected.
        TsharkEspFrame[] unchanged = [.. esp.Where(f => f.Comment!.StartsWith("Send03_", StringComparison.Ordinal))];
        // Golden-vector frames carry the vectors' own SAs (some without integrity, published odd ones); their Wireshark
        // interop is the vectors suite's test (VectorInteropTests). Here: the frames of the suite's own cases.
        TsharkEspFrame[] protectedFrames = [.. esp.Except(unchanged).Where(f => !f.Comment!.Contains("_Vector_", StringComparison.Ordinal))];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frames, Has.Count.EqualTo(run.Cases.Sum(c => c.Frames.Count)), "every frame of every case is in the capture");
            Assert.That(frames.Select(f => f.Comment), Is.EqualTo(run.Cases.SelectMany(c => c.Frames).Select(EvidenceCapture.Comment)));
            Assert.That(protectedFrames, Is.Not.Empty);
            foreach (TsharkEspFrame frame in protectedFrames)
            {
                // Vectors reuse SPIs with other keys: the SA is the one of the frame's own case (the comment starts with its name).
                SaSpec sa = run.Cases.Single(c => frame.Comment!.StartsWith(c.Case.Name + " ", StringComparison.Ordinal)).Sas
                    .First(s => s.Protocol == IpsecOffload.Engine.Sa.IpsecProtocol.Esp && s.Spi == frame.Spi!.Value);
                bool gmac = sa.Integrity is { SaltLength: > 0 };
                if (!gmac)
                {
                    Assert.That(frame.TrailerRead, Is.True, $"{frame.Comment}: tshark decrypted the payload ({sa})");
                }

                if (!gmac && !sa.Esn)
                {
                    Assert.That(frame.Icv, Is.EqualTo(TsharkIcvStatus.Good), $"{frame.Comment}: ICV checked good ({sa})");
                }
            }

            foreach (TsharkEspFrame frame in unchanged)
            {
                Assert.That(frame.Icv, Is.Not.EqualTo(TsharkIcvStatus.Good), $"{frame.Comment}: the placeholder ICV is not a good one (tshark really checks)");
            }
        }
    }

    [Test]
    public void Run_BrokenAdapter_ExitsOneListsTheFailingCasesAndWritesTheirEvidence()
    {
        (int exit, string output) = RunWith([ZeroIcvMiniport.Descriptor], "run", "--adapter", ZeroIcvMiniport.Name, "--report", _temp);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Report(JsonReport.FileName)));
        JsonElement summary = json.RootElement.GetProperty("summary");
        PcapngFile capture = PcapngReader.Read(File.ReadAllBytes(Report(EvidenceCapture.CaptureFileName)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(RunCommand.ExitFailed), output);
            // The oracle names the requirement the ICV breaks (ESP-01), not the case's main one.
            Assert.That(output, Does.Contain("FAIL Send09_EspTransport_ProtectedOnWire_V2 [ESP-01]"));
            Assert.That(output, Does.Contain("ICV does not verify"));
            Assert.That(output, Does.Contain("reproduce: ipsec-conformance run --filter Send09_EspTransport_ProtectedOnWire_V2 --seed"));
            Assert.That(output, Does.Match(@"ESP-01\s+│ Must\s+│ Fail"));
            Assert.That(Regex.Count(output, "reproduce: ipsec-conformance run --filter Send09_EspTransport_ProtectedOnWire_V2 "), Is.EqualTo(1), "one reproduce line per case");
            Assert.That(output.TrimEnd().Split('\n')[^1], Does.StartWith("FAILED: "));
            Assert.That(summary.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("fail").GetInt32(), Is.GreaterThan(0));
            Assert.That(capture.Packets, Is.Not.Empty, "failing cases' frames are the default evidence");
            Assert.That(capture.Packets.Select(p => p.Comment), Has.Some.StartsWith("Send09_EspTransport_ProtectedOnWire_V2 nbl=esp-transport frame=0"));
        }
    }

    [Test]
    public void Run_BrokenAdapter_EveryFailureListedAsKnown_ExitsZeroWithExpectedFailures()
    {
        (_, string first) = RunWith([ZeroIcvMiniport.Descriptor], "run", "--adapter", ZeroIcvMiniport.Name, "--report", _temp, "--evidence", "none");
        string[] failing = [.. Regex.Matches(first, @"^FAIL (\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
        Assert.That(failing, Is.Not.Empty);
        string known = Path.Combine(_temp, "known.txt");
        File.WriteAllLines(known, ["# zero-icv test adapter", .. failing.Select(f => $"{f} # ICVs zeroed on purpose")]);

        (int exit, string output) = RunWith([ZeroIcvMiniport.Descriptor], "run", "--adapter", ZeroIcvMiniport.Name, "--report", _temp, "--known-failures", known);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Report(JsonReport.FileName)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain($"known failures: {known}"));
            Assert.That(output, Does.Contain("EXPECTED FAIL Send09_EspTransport_ProtectedOnWire_V2"));
            Assert.That(json.RootElement.GetProperty("summary").GetProperty("expectedFailures").GetInt32(), Is.EqualTo(failing.Length));
            Assert.That(json.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("expected").GetBoolean())
                .GetProperty("knownFailure").GetProperty("line").GetInt32(), Is.EqualTo(2));
        }
    }

    [Test]
    public void Run_KnownFailureMatchingNoCase_ExitsOneNamingTheEntry()
    {
        Directory.CreateDirectory(_temp);
        string known = Path.Combine(_temp, "known.txt");
        File.WriteAllText(known, "Send99_NoSuchCase_Fails # stale entry\n");

        (int exit, string output) = Run("run", "--report", _temp, "--known-failures", known);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(RunCommand.ExitFailed), output);
            Assert.That(output, Does.Contain("UNMATCHED KNOWN FAILURE"));
            Assert.That(output, Does.Contain("'Send99_NoSuchCase_Fails' matches no case of the run"));
            Assert.That(File.ReadAllText(Report(JunitReport.FileName)), Does.Contain("type=\"UnmatchedKnownFailure\""));
        }
    }

    [TestCase("--adapter", "acme", "unknown adapter 'acme'")]
    [TestCase("--evidence", "some", "some")]
    [TestCase("--filter", "NoSuchCase*", "selects no case")]
    [TestCase("--known-failures", "/nonexistent/known.txt", "does not exist")]
    [TestCase("--profile", "/nonexistent/profile.json", "cannot load profile")]
    [TestCase("--seed", "many", "many")]
    public void Run_BadUsage_ExitsTwoWithAMessage(string option, string value, string message)
    {
        (int exit, string output) = Run("run", "--report", _temp, option, value);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(RunCommand.ExitUsage), output);
            Assert.That(output, Does.Contain(message));
            Assert.That(File.Exists(Report(JsonReport.FileName)), Is.False, "no report for a run that did not run");
        }
    }

    [Test]
    public void Run_FilterByRequirementId_RunsOnlyThoseCasesAndEvidenceNoneWritesNoCapture()
    {
        (int exit, string output) = Run("run", "--report", _temp, "--filter", "Send09_*", "--evidence", "none");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Report(JsonReport.FileName)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(json.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
                Is.EqualTo(new[] { "Send09_EspTransport_ProtectedOnWire_V1", "Send09_EspTransport_ProtectedOnWire_V2", "Send09_EspTransport_ProtectedOnWire_V2Ex" }));
            Assert.That(output, Does.Contain("3 of "));
            Assert.That(File.Exists(Report(EvidenceCapture.CaptureFileName)), Is.False);
            Assert.That(File.Exists(Report(WiresharkEspSaTable.UatFileName)), Is.False);
            Assert.That(json.RootElement.GetProperty("evidence").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }
    }

    [Test]
    public void Help_Run_ListsEveryOptionAndTheKeyMaterialRule()
    {
        (int exit, string output) = Run("run", "--help");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero);
            foreach (string option in new[] { "--adapter", "--profile", "--filter", "--report", "--seed", "--evidence", "--show-keys", "--known-failures" })
            {
                Assert.That(output, Does.Contain(option));
            }

            Assert.That(output, Does.Contain("never show SA keys unless --show-keys"));
            Assert.That(output, Does.Contain("always holds the keys"));
        }
    }

    [Test]
    public void VectorsCheck_WithRegistryAdapterX86_StillWorks()
    {
        (int exit, string output) = Run("vectors", "check", Path.Combine(RepositoryPaths.Vectors, "published"), "--adapter", "reference:x86");
        Assert.That(exit, Is.Zero, output);
    }
}
