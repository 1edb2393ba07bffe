using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Testing;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>
/// One byte of a good reference-miniport frame is changed in each region; the oracle must reject the frame,
/// name the requirement the change breaks and the field it sits in, and never print key bytes. "Re-signed"
/// corruptions recompute the ESP HMAC afterwards, as a NIC that wrote a wrong byte and signed it would.
/// </summary>
public sealed class WireOracleCorruptionTests
{
    private const int Salt = 0x0AC1_E100;

    /// <summary>A corruption: the scenario, where to change the frame, and what the oracle must say.</summary>
    public sealed record Corruption(string Name, string Scenario, Func<SentFrame, int> Offset, bool Resign, string Requirement, string[] Mentions)
    {
        public override string ToString() => Name;
    }

    private static FramedHeader Esp(SentFrame s) => s.Header(IpsecProtocol.Esp);

    private static FramedHeader AhOf(SentFrame s) => s.Header(IpsecProtocol.Ah);

    private const string Cbc = "esp-transport-v4-aes-cbc-128+hmac-sha1-96";
    private const string Gcm = "esp-transport-v4-aes-gcm-128-icv16";
    private const string Null = "esp-transport-v4-esp-null+hmac-sha1-96";
    private const string Null6 = "esp-transport-v6-esp-null+hmac-sha256-128";

    private static IEnumerable<Corruption> All =>
    [
        // ESP transport, AES-CBC + HMAC: ICV-covered bytes fail the ICV, bytes outside it show in the diff.
        new("esp-ipv4-source", Cbc, _ => 12, false, "ESP-04", ["IPv4.Source"]),
        new("esp-ipv4-ttl", Cbc, _ => 8, false, "ESP-04", ["IPv4.TimeToLive"]),
        new("esp-spi", Cbc, s => Esp(s).Offset + 1, false, "ESP-03", ["ESP.SPI", "not the SPI of any ESP SA"]),
        new("esp-sequence-number", Cbc, s => Esp(s).Offset + 6, false, "ESP-01", ["ICV does not verify", "ESP.SequenceNumber"]),
        new("esp-iv", Cbc, s => Esp(s).IvOffset + 3, false, "ESP-01", ["ICV does not verify", "ESP.IV"]),
        new("esp-ciphertext", Cbc, s => Esp(s).ProtectedOffset + 20, false, "ESP-01", ["ICV does not verify"]),
        new("esp-icv", Cbc, s => Esp(s).IcvOffset + 5, false, "ESP-01", ["ICV does not verify"]),
        new("esp-sequence-number-resigned", Cbc, s => Esp(s).Offset + 7, true, "ESP-03", ["ESP.SequenceNumber"]),
        new("esp-iv-resigned", Cbc, s => Esp(s).IvOffset, true, "ESP-04", ["ESP.IV"]),

        // AES-GCM: every covered byte fails the tag; the diff still names a changed header field.
        new("gcm-sequence-number", Gcm, s => Esp(s).Offset + 4, false, "ESP-01", ["aes-gcm-128 ICV does not verify", "ESP.SequenceNumber"]),
        new("gcm-iv", Gcm, s => Esp(s).IvOffset + 7, false, "ESP-01", ["ICV does not verify", "ESP.IV"]),
        new("gcm-ciphertext", Gcm, s => Esp(s).ProtectedOffset, false, "ESP-01", ["ICV does not verify"]),
        new("gcm-icv", Gcm, s => Esp(s).IcvOffset + 15, false, "ESP-01", ["ICV does not verify"]),

        // ESP-NULL + HMAC, re-signed: the clear payload and trailer are compared field by field.
        new("null-payload-resigned", Null, s => Esp(s).ProtectedOffset + 12, true, "ESP-02", ["UDP.Payload"]),
        new("null-padding-resigned", Null, s => Esp(s).IcvOffset - 3, true, "ESP-02", ["ESP.Padding"]),
        new("null-next-header-resigned", Null, s => Esp(s).IcvOffset - 1, true, "ESP-02", ["ESP.NextHeader"]),
        new("null-v6-flow-label", Null6, _ => 2, false, "ESP-04", ["IPv6.FlowLabel"]),

        // UDP-encapsulated ESP: the UDP header is UDPESP-01; a garbled SPI behind it is caught by the cross-check.
        new("udp-esp-destination-port", "udp-esp-transport-v4", s => Esp(s).UdpOffset + 3, false, "UDPESP-01", ["UDP.DestinationPort"]),
        new("udp-esp-checksum", "udp-esp-transport-v4", s => Esp(s).UdpOffset + 6, false, "UDPESP-01", ["UDP.Checksum"]),
        new("udp-esp-v6-checksum", "udp-esp-transport-v6", s => Esp(s).UdpOffset + 7, false, "UDPESP-01", ["IPv6 UDP checksum", "does not verify"]),
        new("udp-esp-spi", "udp-esp-transport-v4", s => Esp(s).Offset + 2, false, "ESP-03", ["expected ESP SPI", "where the transport framed it"]),

        // Tunnel mode: the outer header is ESP-05; an inner header change (ESP-NULL, re-signed) too.
        new("tunnel-outer-source", "esp-tunnel-v4-in-v4", _ => 13, false, "ESP-05", ["IPv4.Source"]),
        new("tunnel-outer-ttl", "esp-tunnel-v4-in-v4", _ => 8, false, "ESP-05", ["IPv4.TimeToLive"]),
        new("tunnel-v6-outer-hop-limit", "esp-tunnel-v4-in-v6-gcm", _ => 7, false, "ESP-05", ["IPv6.HopLimit"]),
        new("tunnel-inner-destination-resigned", "esp-null-tunnel-v4-in-v4", s => Esp(s).ProtectedOffset + 17, true, "ESP-05", ["InnerIPv4.Destination"]),
        new("transport-over-tunnel-outer-header", "esp-transport-over-esp-tunnel-v4", _ => 15, false, "ESP-05", ["IPv4.Source"]),
        new("transport-over-tunnel-outer-icv", "esp-transport-over-esp-tunnel-v4", s => s.Framed.Packet.Length - 1, false, "ESP-01", ["hmac-sha1-96 ICV does not verify"]),

        // AH: every changed byte of the datagram is AH-02 (sent as framed); immutable ones also fail the ICV, and a change
        // behind the AH header (payload) or in the AH fields the ICV covers names AH-01, the first defect in packet order.
        new("ah-ipv4-source", "ah-v4-hmac-sha1-96", _ => 12, false, "AH-02", ["hmac-sha1-96 ICV does not verify", "IPv4.Source"]),
        new("ah-ipv4-ttl", "ah-v4-hmac-sha1-96", _ => 8, false, "AH-02", ["IPv4.TimeToLive"]),
        new("ah-ipv4-record-route", "ah-v4-options-hmac-sha256-128", _ => 28, false, "AH-02", ["IPv4.Options"]),
        new("ah-ipv4-router-alert-value", "ah-v4-options-hmac-sha256-128", _ => 22, false, "AH-02", ["ICV does not verify", "IPv4.Options"]),
        new("ah-ipv4-option-length-garbled", "ah-v4-options-hmac-sha256-128", _ => 21, false, "AH-02", ["cannot be normalised", "IPv4 option 0x94"]),
        new("ah-spi", "ah-v4-hmac-md5-96", s => AhOf(s).Offset + 5, false, "AH-02", ["not the SPI of any AH SA", "AH.SPI"]),
        new("ah-sequence-number", "ah-v4-hmac-md5-96", s => AhOf(s).Offset + 11, false, "AH-01", ["ICV does not verify", "AH.SequenceNumber"]),
        new("ah-icv", "ah-v4-aes-gmac-128", s => AhOf(s).IcvOffset + 2, false, "AH-01", ["aes-gmac-128 ICV does not verify"]),
        new("ah-gmac-iv", "ah-v4-aes-gmac-192", s => AhOf(s).IvOffset + 1, false, "AH-01", ["ICV does not verify", "AH.IV"]),
        new("ah-payload", "ah-v4-hmac-sha1-96", s => s.Framed.Packet.Length - 2, false, "AH-01", ["ICV does not verify"]),
        new("ah-v6-hop-limit", "ah-v6-extensions-hmac-sha1-96", _ => 7, false, "AH-02", ["IPv6.HopLimit"]),
        new("ah-v6-hop-by-hop-mutable-option-data", "ah-v6-extensions-hmac-sha1-96", _ => 45, false, "AH-02", ["IPv6HopByHop.Options"]),
        new("ah-v6-destination-option-data", "ah-v6-extensions-hmac-sha1-96", _ => 53, false, "AH-02", ["ICV does not verify", "IPv6DestinationOptions.Options"]),
        new("ah-v6-routing-address", "ah-v6-routing-pending-aes-gmac-256", _ => 70, false, "AH-02", ["ICV does not verify", "IPv6Routing.Data"]),

        // AH + ESP bundle: the AH ICV covers the ESP packet as sent.
        new("bundle-esp-sequence-number", "ah+esp-bundle-v4", s => Esp(s).Offset + 5, false, "AH-01", ["ICV does not verify", "ESP.SequenceNumber"]),
        new("bundle-ipv4-tos", "ah+esp-bundle-v4", _ => 1, false, "AH-02", ["IPv4.TypeOfService"]),

        // ESN: the ICV covers the high half the SA holds.
        new("esn-esp-icv", "esn-esp-aes-cbc-hmac-sha256", s => Esp(s).IcvOffset, false, "ESN-01", ["ICV does not verify", "ESN high"]),
        new("esn-ah-sequence-number", "esn-ah-hmac-sha1", s => AhOf(s).Offset + 8, false, "ESN-01", ["ICV does not verify", "AH.SequenceNumber"]),
    ];

    private static IEnumerable<TestCaseData> Cases() => All.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(Cases))]
    public void OneByteChanged_OracleRejects_NamesRequirementAndField_ShowsNoKey(Corruption corruption)
    {
        ArgumentNullException.ThrowIfNull(corruption);
        SentFrame sent = OracleScenarios.Named(corruption.Scenario).Send(TestSeeds.Create(Salt));
        Assert.That(sent.Judge().Ok, Is.True, $"{corruption.Scenario} must be good before the change: {sent.Judge().Render()}");
        int offset = corruption.Offset(sent);
        byte[] wire = OracleKit.Flip(sent.Wire, offset);
        if (corruption.Resign)
        {
            OracleKit.Resign(wire, sent.Header(IpsecProtocol.Esp), sent.Sas.First(s => s.Protocol == IpsecProtocol.Esp));
        }

        OracleJudgement judgement = sent.Judge(wire);
        string text = judgement.Render();
        TestContext.Out.WriteLine(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Ok, Is.False, $"byte 0x{offset:x4} changed, judged good");
            Assert.That(judgement.Requirement, Is.EqualTo(corruption.Requirement), text);
            foreach (string mention in corruption.Mentions)
            {
                Assert.That(text, Does.Contain(mention), "the report names the field or the check");
            }

            foreach (string key in OracleKit.KeyHex(sent.Sas))
            {
                Assert.That(text, Does.Not.Contain(key), "key bytes in the report");
            }
        }
    }

    [Test]
    public void EthernetHeaderChanged_FailsEsp04()
    {
        SentFrame sent = OracleScenarios.Named(Cbc).Send(TestSeeds.Create(Salt));
        byte[] wire = [.. sent.Wire];
        wire[3] ^= 0x01;

        OracleJudgement judgement = sent.Judge(wire);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(judgement.Requirement, Is.EqualTo("ESP-04"));
            Assert.That(judgement.Render(), Does.Contain("Ethernet header changed"));
        }
    }

    [Test]
    public void DeviceWritesIvs_RepeatedIv_FailsEsp06_FreshIvPasses()
    {
        var seen = new Dictionary<uint, HashSet<string>>();
        var options = new OracleOptions { EspIv = Engine.Profile.EspIvSource.Device, IvsSeen = seen };
        SentFrame sent = OracleScenarios.Named(Cbc).Send(TestSeeds.Create(Salt)) with { Options = options };

        OracleJudgement first = sent.Judge();
        OracleJudgement repeat = sent.Judge();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Ok, Is.True, first.Render());
            Assert.That(repeat.Requirement, Is.EqualTo("ESP-06"), repeat.Render());
            Assert.That(repeat.Render(), Does.Contain("was already used on the SA"));
            Assert.That(seen[sent.Sas[0].Spi], Has.Count.EqualTo(1));
        }
    }

    [Test]
    public void DeviceWritesIvs_IvDiffersFromTheTransports_IsNotADifference()
    {
        SentFrame sent = OracleScenarios.Named(Cbc).Send(TestSeeds.Create(Salt));
        FramedHeader esp = sent.Header(IpsecProtocol.Esp);
        byte[] wire = OracleKit.Flip(sent.Wire, esp.IvOffset + 2);
        OracleKit.Resign(wire, esp, sent.Sas[0]);

        OracleJudgement transportIv = sent.Judge(wire);
        OracleJudgement deviceIv = WireOracle.Judge(sent.Framed, sent.Sas, wire, new OracleOptions { EspIv = Engine.Profile.EspIvSource.Device });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(transportIv.Requirement, Is.EqualTo("ESP-04"), transportIv.Render());
            // The first plaintext block decrypts differently under the device's IV: the payload, not the IV, differs.
            Assert.That(deviceIv.Render(), Does.Not.Contain("ESP.IV"), deviceIv.Render());
        }
    }
}
