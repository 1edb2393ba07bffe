using System.Text;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Profile;

public sealed class ProfileFileTests
{
    private static string ProfilesFolder => Path.Combine(RepositoryPaths.Root, "conformance", "profiles");

    private static ConformanceProfile LoadExample(string file) => ProfileFile.Load(Path.Combine(ProfilesFolder, file)) with { SourcePath = null };

    // ---- the checked-in files -------------------------------------------------------------------

    [Test]
    public void DefaultJson_EqualsTheBuiltInDefaultProfile()
    {
        Assert.That(LoadExample("default.json"), Is.EqualTo(ConformanceProfile.Default));
    }

    [Test]
    public void DefaultJson_WritesOutEverySetting_WithACommentCitingItsDecision()
    {
        string[] lines = File.ReadAllLines(Path.Combine(ProfilesFolder, "default.json"));
        using (Assert.EnterMultipleScope())
        {
            foreach (ProfileSetting setting in ConformanceProfile.Default.Describe())
            {
                int at = Array.FindIndex(lines, l => l.TrimStart().StartsWith($"\"{setting.Setting}\":", StringComparison.Ordinal));
                Assert.That(at, Is.GreaterThan(0), $"default.json has no \"{setting.Setting}\" line");
                string? comment = lines.Take(Math.Max(at, 0)).LastOrDefault(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) && l.Contains(" — ", StringComparison.Ordinal)
                    || l.Contains("STYLE §4", StringComparison.Ordinal));
                string reference = setting.Decision.Split(',')[0].Split(' ')[0];
                Assert.That(comment, Does.Contain(reference), $"comment above \"{setting.Setting}\"");
            }
        }
    }

    [Test]
    public void StrictJson_ChangesOnlyStrictShould()
    {
        Assert.That(LoadExample("strict.json"), Is.EqualTo(ConformanceProfile.Default with { Name = "strict", StrictShould = true }));
    }

    [Test]
    public void DeviceIvJson_ChangesOnlyEspIv()
    {
        Assert.That(LoadExample("device-iv.json"),
            Is.EqualTo(ConformanceProfile.Default with { Name = "device-iv", Offload = OffloadProfile.Default with { EspIv = EspIvSource.Device } }));
    }

    [Test]
    public void OffloadDisabledFailsJson_ChangesOnlyOffloadDisabled()
    {
        Assert.That(LoadExample("offload-disabled-fails.json"),
            Is.EqualTo(ConformanceProfile.Default with { Name = "offload-disabled-fails", Offload = OffloadProfile.Default with { OffloadDisabled = OffloadDisabledBehavior.Fail } }));
    }

    [Test]
    public void Load_RecordsTheFullSourcePath()
    {
        string path = Path.Combine(ProfilesFolder, "device-iv.json");
        Assert.That(ProfileFile.Load(path).SourcePath, Is.EqualTo(Path.GetFullPath(path)));
    }

    [Test]
    public void EmptyObject_IsTheDefaultProfile_MissingKeysTakeDefaults()
    {
        Assert.That(ProfileFile.Parse("{}"), Is.EqualTo(ConformanceProfile.Default));
    }

    [Test]
    public void CommentsAndTrailingCommas_AreAccepted()
    {
        const string Text = "/* block */ {\n  // line\n  \"espIv\": \"Device\", /* after */\n  \"strictShould\": true,\n}\n// end\n";
        Assert.That(ProfileFile.Parse(Text),
            Is.EqualTo(ConformanceProfile.Default with { StrictShould = true, Offload = OffloadProfile.Default with { EspIv = EspIvSource.Device } }));
    }

    [Test]
    public void ByteOrderMark_IsIgnored()
    {
        Assert.That(ProfileFile.Parse("\uFEFF{\"padShortFrames\": false}").Offload.PadShortFrames, Is.False);
    }

    // ---- every setting round-trips ----------------------------------------------------------------

    public static IEnumerable<TestCaseData> EveryValueOfEverySetting() =>
        ProfileSettings.All.Where(s => s.Kind != SettingKind.Text)
            .SelectMany(s => s.Allowed.Select(v => new TestCaseData(s.Key, v).SetArgDisplayNames(s.Key, v)));

    [TestCaseSource(nameof(EveryValueOfEverySetting))]
    public void Setting_WrittenByFormat_ReadsBackToTheSameProfile(string key, string value)
    {
        ConformanceProfile profile = ProfileSettings.Find(key)!.Set(ConformanceProfile.Default, value);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ProfileFile.Parse(ProfileFile.Format(profile)), Is.EqualTo(profile));
            Assert.That(profile.Describe().Single(d => d.Setting == key).Value, Is.EqualTo(value), "Describe spells the value as the file does");
        }
    }

    [TestCaseSource(nameof(EveryValueOfEverySetting))]
    public void Setting_AloneInAFile_ChangesThatSettingOnly(string key, string value)
    {
        SettingDefinition setting = ProfileSettings.Find(key)!;
        string json = setting.Kind == SettingKind.Boolean ? value : $"\"{value}\"";
        ConformanceProfile parsed = ProfileFile.Parse($"{{ \"{key}\": {json} }}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed, Is.EqualTo(setting.Set(ConformanceProfile.Default, value)));
            foreach (ProfileSetting other in parsed.Describe().Where(d => d.Setting != key))
            {
                Assert.That(other.Value, Is.EqualTo(ConformanceProfile.Default.Describe().Single(d => d.Setting == other.Setting).Value), other.Setting);
            }
        }
    }

    public static IEnumerable<TestCaseData> EveryChoiceValue() =>
        ProfileSettings.All.Where(s => s.Kind == SettingKind.Choice)
            .SelectMany(s => s.Allowed.Select(v => new TestCaseData(s.Key, v).SetArgDisplayNames(s.Key, v)));

    [TestCaseSource(nameof(EveryChoiceValue))]
    public void ChoiceValue_MatchesWithoutRegardToCase(string key, string value)
    {
        SettingDefinition setting = ProfileSettings.Find(key)!;
        Assert.That(ProfileFile.Parse($"{{ \"{key}\": \"{value.ToLowerInvariant()}\" }}"), Is.EqualTo(setting.Set(ConformanceProfile.Default, value)));
    }

    [Test]
    public void Name_WithQuotesBackslashesControlAndNonAsciiCharacters_RoundTrips()
    {
        Random random = TestSeeds.Create(0x50F1);
        var name = new StringBuilder("q\"b\\n\nt\t\u00e9\u4e2d\U0001F600");
        for (int i = 0; i < 64; i++)
        {
            name.Append((char)random.Next(0x20, 0xD7FF));
        }

        ConformanceProfile profile = ConformanceProfile.Default with { Name = name.ToString() };
        Assert.That(ProfileFile.Parse(ProfileFile.Format(profile)), Is.EqualTo(profile), TestSeeds.ReplayHint(0x50F1));
    }

    [Test]
    public void EveryNonDefaultValue_AtOnce_RoundTrips()
    {
        ConformanceProfile profile = ConformanceProfile.Default with
        {
            Name = "everything-changed",
            StrictShould = true,
            Offload = OffloadProfile.Default with
            {
                EspIv = EspIvSource.Device,
                OffloadDisabled = OffloadDisabledBehavior.Fail,
                V1KeyOrder = V1KeyOrder.IntegrityFirst,
                GcmIcvLengthUnit = GcmIcvLengthUnit.Bits,
                PadShortFrames = false,
                AddSaTotalFailureStatus = NdisStatus.Failure,
            },
        };
        Assert.That(ProfileFile.Parse(ProfileFile.Format(profile)), Is.EqualTo(profile));
    }

    [Test]
    public void AddSaTotalFailureStatus_AllowsEveryNdisErrorStatus_AndNothingElse()
    {
        string[] allowed = [.. ProfileSettings.Find("addSaTotalFailureStatus")!.Allowed];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(allowed, Does.Contain("NDIS_STATUS_RESOURCES").And.Contain("NDIS_STATUS_FAILURE"));
            Assert.That(allowed, Does.Not.Contain("NDIS_STATUS_SUCCESS").And.Not.Contain("NDIS_STATUS_PENDING"));
            Assert.That(allowed.All(a => a.StartsWith("NDIS_STATUS_", StringComparison.Ordinal)), Is.True, string.Join(", ", allowed));
        }
    }

    // ---- Describe ---------------------------------------------------------------------------------

    [Test]
    public void Describe_ListsEverySettingInFileOrder_WithTheDefaultValuesAndTheirDecisions()
    {
        IReadOnlyList<ProfileSetting> described = ConformanceProfile.Default.Describe();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(described.Select(d => d.Setting), Is.EqualTo(new[]
            {
                "strictShould", "espIv", "nonLsoEspTrailer", "headerOffsets", "offloadDisabled", "v1KeyOrder", "gcmSalt",
                "gcmIcvLengthUnit", "padShortFrames", "addSaTotalFailureStatus",
            }));
            Assert.That(described.Select(d => d.Value), Is.EqualTo(new[]
            {
                "false", "Transport", "TrailerAndIcvPlaceholder", "OutermostIpHeader", "SendAsIs", "ConfidentialityFirst",
                "AfterKeyCountedInKeyLength", "Bytes", "true", "NDIS_STATUS_RESOURCES",
            }));
            Assert.That(described.Single(d => d.Setting == "espIv").Decision, Does.StartWith("AMB-01"));
        }
    }

    [Test]
    public void Describe_EveryDecisionFileItCites_Exists()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (ProfileSetting setting in ConformanceProfile.Default.Describe())
            {
                string? file = setting.Decision.Split(' ', ',').FirstOrDefault(w => w.StartsWith("docs/decisions/", StringComparison.Ordinal));
                if (file is not null)
                {
                    Assert.That(File.Exists(Path.Combine(RepositoryPaths.Root, file)), Is.True, $"{setting.Setting}: {file}");
                }
                else
                {
                    Assert.That(setting.Setting, Is.EqualTo("strictShould"), "only strictShould has no decision record");
                }
            }
        }
    }

    // ---- errors ----------------------------------------------------------------------------------

    [Test]
    public void UnknownKey_IsRefused_NamingTheKeyTheLineAndTheAllowedKeys()
    {
        FormatException e = Refused("{\n  \"espIv\": \"Device\",\n  \"padShortFrame\": true\n}", "mine.json");
        Assert.That(e.Message, Does.StartWith("mine.json line 3: unknown key 'padShortFrame'; allowed keys: name, strictShould, espIv,")
            .And.Contain("padShortFrames").And.Contain("addSaTotalFailureStatus"));
    }

    [Test]
    public void KeysAreCaseSensitive()
    {
        Assert.That(Refused("{ \"EspIv\": \"Device\" }").Message, Does.Contain("unknown key 'EspIv'"));
    }

    [TestCase("espIv", "Devise", "Transport, Device")]
    [TestCase("offloadDisabled", "Failure", "SendAsIs, Fail")]
    [TestCase("v1KeyOrder", "1", "ConfidentialityFirst, IntegrityFirst")]
    [TestCase("gcmIcvLengthUnit", "", "Bytes, Bits")]
    [TestCase("addSaTotalFailureStatus", "NDIS_STATUS_SUCCESS", "NDIS_STATUS_FAILURE")]
    [TestCase("addSaTotalFailureStatus", "RESOURCES", "NDIS_STATUS_RESOURCES")]
    public void BadChoiceValue_IsRefused_NamingTheKeyTheLineAndTheAllowedValues(string key, string value, string allowed)
    {
        FormatException e = Refused($"// a profile\n{{\n  \"name\": \"x\",\n  \"{key}\": \"{value}\"\n}}", "bad.json");
        Assert.That(e.Message, Does.StartWith($"bad.json line 4: '{key}' is \"{value}\"; allowed values: ").And.Contain(allowed)
            .And.Contain("docs/decisions/"));
    }

    [TestCase("strictShould", "\"true\"", "'strictShould' must be true or false; got a string")]
    [TestCase("padShortFrames", "1", "'padShortFrames' must be true or false; got a number")]
    [TestCase("espIv", "1", "'espIv' must be a string, one of Transport, Device; got a number")]
    [TestCase("espIv", "null", "'espIv' must be a string, one of Transport, Device; got null")]
    [TestCase("offloadDisabled", "[\"Fail\"]", "'offloadDisabled' must be a string, one of SendAsIs, Fail; got an array")]
    [TestCase("name", "{}", "'name' must be a string; got an object")]
    [TestCase("addSaTotalFailureStatus", "3221225473", "'addSaTotalFailureStatus' must be a string, one of NDIS_STATUS_")]
    public void WrongJsonType_IsRefused_NamingTheKeyTheLineAndWhatIsExpected(string key, string json, string expected)
    {
        FormatException e = Refused($"{{\n\n  \"{key}\":\n    {json}\n}}", "typed.json");
        Assert.That(e.Message, Does.StartWith("typed.json line 4: " + expected));
    }

    [Test]
    public void DuplicateKey_IsRefused_NamingBothLines()
    {
        Assert.That(Refused("{\n\"espIv\": \"Device\",\n\"espIv\": \"Transport\"\n}").Message,
            Is.EqualTo("profile line 3: 'espIv' appears twice (first on line 2)"));
    }

    [TestCase("", 1)]
    [TestCase("{\n  \"espIv\": \"Device\"\n  \"strictShould\": true\n}", 3)]
    [TestCase("{\n  \"espIv\": Device\n}", 2)]
    [TestCase("{\n  \"espIv\": \"Device\"\n}\n{}", 4)]
    [TestCase("{\n  \"espIv\": \"Device\"\n", 3)]
    public void InvalidJson_IsRefused_WithTheLine(string text, int line)
    {
        Assert.That(Refused(text, "broken.json").Message, Does.StartWith($"broken.json line {line}: not valid JSON"));
    }

    [TestCase("[]", "an array")]
    [TestCase("\"default\"", "a string")]
    [TestCase("// only a comment\n42", "a number")]
    public void NonObjectDocument_IsRefused(string text, string what)
    {
        Assert.That(Refused(text).Message, Does.Contain("a profile is one JSON object").And.Contain("it starts with " + what));
    }

    private static FormatException Refused(string text, string? source = null) =>
        Assert.Throws<FormatException>(() => ProfileFile.Parse(text, source))!;
}
