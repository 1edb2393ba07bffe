using System.Buffers.Binary;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>
/// Truncated and garbled frames, and SAs that do not fit the frame, give readable problems — never an
/// exception — and a changed frame is never judged good.
/// </summary>
public sealed class WireOracleRobustnessTests
{
    private const int Salt = 0x0AC1_E300;

    private static SentFrame Sent(string scenario) => OracleScenarios.Named(scenario).Send(TestSeeds.Create(Salt));

    [TestCase(0)]
    [TestCase(10)]
    [TestCase(14)]
    [TestCase(33)]
    [TestCase(-1)]
    [TestCase(+1)]
    public void FrameLengthChanged_FailsEsp04WithTheLengths(int length)
    {
        SentFrame sent = Sent("esp-transport-v4-aes-cbc-128+hmac-sha1-96");
        byte[] wire = length switch
        {
            -1 => sent.Wire[..^1],
            1 => [.. sent.Wire, 0],
            _ => sent.Wire[..length],
        };

        OracleJudgement judgement = sent.Judge(wire);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-04"));
            Assert.That(judgement.Render(), Does.Contain($"frame length: expected {sent.Wire.Length}").And.Contain($"actual {wire.Length}"));
        }
    }

    /// <summary>A length or type field of a good frame rewritten (frame length kept): scenario, IP offset, value, requirement, mention.</summary>
    private static IEnumerable<TestCaseData> GarbledFields() =>
    [
        Garbled("ipv4-ihl-15", "esp-transport-v4-aes-cbc-128+hmac-sha1-96", 0, 0x4F, "ESP-04", "IPv4.VersionIhl"),
        Garbled("ipv4-ihl-2", "esp-transport-v4-aes-cbc-128+hmac-sha1-96", 0, 0x42, "ESP-04", "IHL 2"),
        Garbled("ipv4-version-7", "esp-transport-v4-aes-cbc-128+hmac-sha1-96", 0, 0x75, "ESP-04", "IP version 7"),
        Garbled("ipv4-total-length-ff", "esp-transport-v4-aes-cbc-128+hmac-sha1-96", 2, 0xFF, "ESP-04", "IPv4 Total Length"),
        Garbled("ipv4-total-length-short", "esp-transport-v4-aes-gcm-128-icv16", 3, 0x20, "ESP-04", "IPv4 Total Length 32"),
        Garbled("ipv6-payload-length-ff", "esp-transport-v6-aes-cbc-128+hmac-sha1-96", 4, 0xFF, "ESP-04", "IPv6 Payload Length"),
        Garbled("ipv6-extension-length-ff", "ah-v6-extensions-hmac-sha1-96", 41, 0xFF, "AH-02", "runs past the datagram end"),
        Garbled("ipv6-next-header-to-fragment", "ah-v6-extensions-hmac-sha1-96", 6, 44, "AH-02", "IPv6.NextHeader"),
        Garbled("ah-payload-length-ff", "ah-v4-hmac-sha256-128", 21, 0xFF, "AH-02", "Payload Length 255"),
        Garbled("ah-payload-length-1", "ah-v4-hmac-sha256-128", 21, 0x01, "AH-02", "Payload Length 1"),
        Garbled("inner-ipv4-ihl-garbled-esp-null", "esp-null-tunnel-v4-in-v4", 28, 0x4F, "ESP-05", "InnerIPv4.VersionIhl"),
        Garbled("inner-ipv4-ihl-past-the-payload-esp-null", "esp-null-tunnel-v4-in-v4", 28, 0x42, "ESP-05", "IHL 2"),
        Garbled("tunnel-outer-protocol-to-ah", "esp-tunnel-v4-in-v4", 9, 51, "AH-02", "not the SPI of any AH SA"),
    ];

    private static TestCaseData Garbled(string name, string scenario, int offset, int value, string requirement, string mention) =>
        new TestCaseData(scenario, offset, (byte)value, requirement, mention).SetArgDisplayNames(name);

    [TestCaseSource(nameof(GarbledFields))]
    public void FieldGarbled_ReadableProblem_NoException(string scenario, int offset, byte value, string requirement, string mention)
    {
        SentFrame sent = Sent(scenario);
        byte[] wire = [.. sent.Wire];
        wire[OracleKit.Ethernet + offset] = value;
        bool inEspNull = scenario.StartsWith("esp-null", StringComparison.Ordinal);
        if (inEspNull)
        {
            OracleKit.Resign(wire, sent.Header(IpsecProtocol.Esp), sent.Sas[0]);
        }

        OracleJudgement judgement = sent.Judge(wire);
        TestContext.Out.WriteLine(judgement.Render());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Ok, Is.False);
            Assert.That(judgement.Requirement, Is.EqualTo(requirement), judgement.Render());
            Assert.That(judgement.Render(), Does.Contain(mention));
        }
    }

    [Test]
    public void NoSaGiven_FailsEsp03_NamesTheSpi()
    {
        SentFrame sent = Sent("esp-transport-v4-aes-cbc-128+hmac-sha1-96");

        OracleJudgement judgement = WireOracle.Judge(sent.Framed, [], sent.Wire, new OracleOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-03"));
            Assert.That(judgement.Render(), Does.Contain($"ESP SPI 0x{sent.Sas[0].Spi:x8} at 0x0014 is not the SPI of any ESP SA given (no ESP SA)"));
        }
    }

    [Test]
    public void EspShorterThanTheSasIvAndIcv_FailsEsp04()
    {
        Random random = TestSeeds.Create(Salt + 1);
        SaSpec sent = OracleScenarios.EspNullSha1.Sa(random);
        SentFrame frame = OracleScenarios.EspOnce(random, sent, CaseKit.Udp4(random, 1), ipv6: false);
        SaSpec judgedAs = sent with { Encryption = CryptoAlgorithm.AesCbc256, EncryptionKey = CaseKit.Bytes(random, 32), Integrity = CryptoAlgorithm.HmacSha256,
            IntegrityKey = CaseKit.Bytes(random, 32), IcvLength = 16 };

        OracleJudgement judgement = WireOracle.Judge(frame.Framed, [judgedAs], frame.Wire, new OracleOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-04"), judgement.Render());
            Assert.That(judgement.Render(), Does.Contain("32 bytes to the datagram end").And.Contain("fewer than header 8 + IV 16 + trailer 2 + ICV 16"));
        }
    }

    [Test]
    public void CiphertextNotABlockMultiple_FailsEsp02()
    {
        Random random = TestSeeds.Create(Salt + 2);
        SaSpec sent = OracleScenarios.EspNullSha1.Sa(random);
        SentFrame frame = OracleScenarios.EspOnce(random, sent, CaseKit.Udp4(random, 41), ipv6: false);
        // Same SPI and integrity key (the HMAC verifies), but read as AES-CBC: 52 - 16 IV bytes = 36, not a multiple of 16.
        SaSpec judgedAs = sent with { Encryption = CryptoAlgorithm.AesCbc128, EncryptionKey = CaseKit.Bytes(random, 16) };

        OracleJudgement judgement = WireOracle.Judge(frame.Framed, [judgedAs], frame.Wire, new OracleOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-02"), judgement.Render());
            Assert.That(judgement.Render(), Does.Contain("ciphertext of 36 bytes").And.Contain("not a multiple of the 16-byte aes-cbc-128 block"));
        }
    }

    [Test]
    public void PadLengthBeyondThePayload_FailsEsp02()
    {
        SentFrame sent = Sent("esp-transport-v4-esp-null+hmac-sha1-96");
        FramedHeader esp = sent.Header(IpsecProtocol.Esp);
        byte[] wire = [.. sent.Wire];
        wire[OracleKit.Ethernet + esp.IcvOffset - 2] = 0xFF;
        OracleKit.Resign(wire, esp, sent.Sas[0]);

        OracleJudgement judgement = sent.Judge(wire);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-02"), judgement.Render());
            Assert.That(judgement.Render(), Does.Contain("Pad Length 255").And.Contain("needs 257 trailer bytes"));
        }
    }

    [Test]
    public void SaTheTransformsRefuse_IsAProblemNotAnException()
    {
        SentFrame sent = Sent("esp-transport-v4-aes-gcm-128-icv16");
        SaSpec bad = sent.Sas[0] with { IcvLength = 10 };

        OracleJudgement judgement = WireOracle.Judge(sent.Framed, [bad], sent.Wire, new OracleOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-01"), judgement.Render());
            Assert.That(judgement.Render(), Does.Contain("BouncyCastle cannot use the SA"));
        }
    }

    private static readonly string[] FuzzScenarios =
    [
        "esp-transport-v4-aes-cbc-256+hmac-sha256-128", "esp-transport-v6-aes-gcm-256-icv12", "esp-transport-v4-aes-gmac-192",
        "ah-v4-options-hmac-md5-96", "ah-v6-routing-pending-aes-gmac-128", "ah+esp-bundle-v6-extensions", "esp-tunnel-v6-in-v4",
        "esp-transport-over-esp-tunnel-v4", "udp-esp-transport-v6", "udp-esp-tunnel-v4", "esn-esp-aes-gcm-256", "ah-tunnel-v4-in-v4",
    ];

    [TestCaseSource(nameof(FuzzScenarios))]
    public void RandomBytesChanged_NeverJudgedGood_NeverThrows(string scenario)
    {
        const int Rounds = 150;
        Random random = TestSeeds.Create(Salt + 3);
        SentFrame sent = OracleScenarios.Named(scenario).Send(random);
        var failures = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            byte[] wire = [.. sent.Wire];
            int changes = random.Next(1, 4);
            for (int i = 0; i < changes; i++)
            {
                int at = random.Next(OracleKit.Ethernet, wire.Length);
                wire[at] = (byte)(wire[at] ^ random.Next(1, 256));
            }

            try
            {
                OracleJudgement judgement = sent.Judge(wire);
                if (judgement.Ok)
                {
                    failures.Add($"round {round}: changed frame judged good");
                }
            }
            catch (Exception e) when (e is not AssertionException)
            {
                failures.Add($"round {round}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.That(failures, Is.Empty, $"{TestSeeds.ReplayHint(Salt + 3)}\n{string.Join('\n', failures.Take(5))}");
    }

    [Test]
    public void LengthFieldsFuzzed_NeverThrow()
    {
        Random random = TestSeeds.Create(Salt + 4);
        var failures = new List<string>();
        foreach (string scenario in FuzzScenarios)
        {
            SentFrame sent = OracleScenarios.Named(scenario).Send(random);
            // Every 16-bit big-endian field in the first 80 bytes set to a random value, one at a time.
            for (int at = 0; at + 1 < Math.Min(80, sent.Framed.Packet.Length); at++)
            {
                byte[] wire = [.. sent.Wire];
                BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan(OracleKit.Ethernet + at), (ushort)random.Next(0, 65536));
                try
                {
                    _ = sent.Judge(wire).Render();
                }
                catch (Exception e) when (e is not AssertionException)
                {
                    failures.Add($"{scenario} offset 0x{at:x2}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.That(failures, Is.Empty, string.Join('\n', failures.Take(5)));
    }
}
