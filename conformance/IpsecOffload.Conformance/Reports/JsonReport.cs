using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Conformance.Reports;

/// <summary>
/// <c>report.json</c>: the whole run in the schema of <c>docs/report-schema.md</c> (camelCase names,
/// enums as their names, times in ISO 8601 UTC, durations in milliseconds). SA key material appears
/// only with <see cref="ReportOptions.ShowKeys"/>; otherwise only key lengths.
/// </summary>
public static class JsonReport
{
    /// <summary>File name of the report.</summary>
    public const string FileName = "report.json";

    /// <summary>The schema version written as <c>schemaVersion</c> (incremented on any incompatible change).</summary>
    public const int SchemaVersion = 1;

    /// <summary>The catalogue name written as <c>run.catalogue.name</c>.</summary>
    public const string CatalogueName = "IpsecConformance requirement catalogue";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report text (with a final newline).</summary>
    public static string ToJson(RunResult run, ReportOptions options, EvidenceSummary? evidence = null) =>
        Build(run, options, evidence).ToJsonString(Options) + "\n";

    /// <summary>The report as a JSON tree.</summary>
    public static JsonObject Build(RunResult run, ReportOptions options, EvidenceSummary? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var settings = new JsonObject();
        foreach (ProfileSetting setting in run.Profile.Describe())
        {
            settings[setting.Setting] = setting.Value is "true" or "false" ? JsonValue.Create(setting.Value == "true") : JsonValue.Create(setting.Value);
        }

        return new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["run"] = new JsonObject
            {
                ["tool"] = "ipsec-conformance",
                ["toolVersion"] = options.ToolVersion,
                ["adapter"] = new JsonObject { ["name"] = run.Adapter, ["identity"] = run.AdapterIdentity },
                ["profile"] = new JsonObject { ["name"] = run.Profile.Name, ["source"] = run.Profile.SourcePath, ["settings"] = settings },
                ["catalogue"] = new JsonObject
                {
                    ["name"] = CatalogueName,
                    ["version"] = run.Catalogue.Version,
                    ["requirements"] = run.Catalogue.Requirements.Count,
                },
                ["seed"] = run.Seed,
                ["started"] = run.Started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["durationMs"] = Milliseconds(run.Duration),
                ["knownFailures"] = run.KnownFailures.Source,
                ["evidence"] = options.Evidence.ToString().ToLowerInvariant(),
                ["showKeys"] = options.ShowKeys,
            },
            ["summary"] = new JsonObject
            {
                ["cases"] = run.Cases.Count,
                ["pass"] = run.Count(Verdict.Pass),
                ["warn"] = run.Count(Verdict.Warn),
                ["fail"] = run.Count(Verdict.Fail),
                ["notApplicable"] = run.Count(Verdict.NotApplicable),
                ["blocked"] = run.Count(Verdict.Blocked),
                ["expectedFailures"] = run.ExpectedFailures,
                ["unmatchedKnownFailures"] = run.UnmatchedKnownFailures.Count,
                ["passed"] = run.Passed,
            },
            ["requirements"] = new JsonArray([.. run.Requirements().Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Requirement.Id,
                ["level"] = r.Requirement.Level.ToString(),
                ["type"] = r.Requirement.Type,
                ["area"] = r.Requirement.Area,
                ["summary"] = r.Requirement.Summary,
                ["sources"] = Strings(r.Requirement.Sources),
                ["verdict"] = r.Verdict.ToString(),
                ["expectedFailure"] = r.ExpectedFailure,
                ["reason"] = r.Reason,
                ["cases"] = Strings(r.Cases.Select(c => c.Case.Name)),
            })]),
            ["cases"] = new JsonArray([.. run.Cases.Select(c => (JsonNode)Case(c, options))]),
            ["unmatchedKnownFailures"] = new JsonArray([.. run.UnmatchedKnownFailures.Select(e => (JsonNode)KnownFailure(e))]),
            ["evidence"] = evidence is null ? null : new JsonObject
            {
                ["capture"] = Path.GetFileName(evidence.CaptureFile),
                ["espSa"] = Path.GetFileName(evidence.SaTableFile),
                ["frames"] = evidence.Frames,
                ["cases"] = evidence.Cases,
                ["sas"] = evidence.Sas,
                ["wiresharkBatches"] = evidence.Batches,
                ["tshark"] = evidence.TsharkCommand,
            },
        };
    }

    private static JsonObject Case(CaseResult c, ReportOptions options) => new()
    {
        ["name"] = c.Case.Name,
        ["requirements"] = Strings(c.Case.Requirements),
        ["summary"] = c.Case.Summary,
        ["needs"] = Strings(c.Case.Needs.Select(f => f.Name)),
        ["verdict"] = c.Verdict.ToString(),
        ["expected"] = c.Expected,
        ["message"] = c.Message,
        ["failedRequirement"] = c.FailedRequirement,
        ["knownFailure"] = c.KnownFailure is null ? null : KnownFailure(c.KnownFailure),
        ["reproduce"] = c.Reproduce,
        ["notes"] = Strings(c.Notes),
        ["frames"] = c.Frames.Count,
        ["durationMs"] = Milliseconds(c.Duration),
        ["sas"] = new JsonArray([.. c.Sas.Select(sa => (JsonNode)Sa(sa, options.ShowKeys))]),
    };

    private static JsonObject Sa(SaSpec sa, bool showKeys)
    {
        var node = new JsonObject
        {
            ["protocol"] = sa.Protocol.ToString(),
            ["spi"] = string.Create(CultureInfo.InvariantCulture, $"0x{sa.Spi:x8}"),
            ["encryption"] = sa.Encryption?.Name,
            ["integrity"] = sa.Integrity?.Name,
            ["icvLength"] = sa.IcvLength,
            ["esn"] = sa.Esn,
            ["sequenceHigh"] = sa.SequenceNumberHigh,
            ["encryptionKeyLength"] = sa.EncryptionKey.Length,
            ["integrityKeyLength"] = sa.IntegrityKey.Length,
        };
        if (showKeys)
        {
            node["encryptionKey"] = Convert.ToHexStringLower(sa.EncryptionKey);
            node["integrityKey"] = Convert.ToHexStringLower(sa.IntegrityKey);
        }

        return node;
    }

    private static JsonObject KnownFailure(KnownFailureEntry e) => new() { ["pattern"] = e.Pattern, ["reason"] = e.Reason, ["line"] = e.Line };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);
}
