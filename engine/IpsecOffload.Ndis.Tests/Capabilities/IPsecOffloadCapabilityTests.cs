using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Testing;
using static IpsecOffload.Ndis.Tests.Capabilities.CapabilityTestSupport;

namespace IpsecOffload.Ndis.Tests.Capabilities;

/// <summary>
/// NDIS_IPSEC_OFFLOAD_V1 (28 bytes, §5.2), NDIS_IPSEC_OFFLOAD_V2 (32 bytes, §5.3) and the
/// checksum / LSO capability structures: one member at a time changes exactly its bytes.
/// These structures have one layout on both ABIs; the per-ABI pins are in NdisOffloadTests.
/// </summary>
public class IPsecOffloadCapabilityTests
{
    private static IEnumerable<TestCaseData> Named<T>(IEnumerable<FieldCase<T>> cases) =>
        cases.Select(c => new TestCaseData(c).SetArgDisplayNames(typeof(T).Name + "." + c.Name));

    private static IEnumerable<TestCaseData> V1Fields() => Named(CapabilityFieldCases.V1());

    private static IEnumerable<TestCaseData> V2Fields() => Named(CapabilityFieldCases.V2());

    private static IEnumerable<TestCaseData> ChecksumFields() => Named(CapabilityFieldCases.Checksum());

    private static IEnumerable<TestCaseData> LsoV1Fields() => Named(CapabilityFieldCases.LsoV1());

    private static IEnumerable<TestCaseData> LsoV2Fields() => Named(CapabilityFieldCases.LsoV2());

    [Test]
    public void Sizes_AreTheHeaderSizes()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NdisIPsecOffloadV1.Size, Is.EqualTo(28), "NDIS_IPSEC_OFFLOAD_V1");
            Assert.That(NdisIPsecOffloadV2.Size, Is.EqualTo(32), "NDIS_IPSEC_OFFLOAD_V2");
            Assert.That(NdisTcpIpChecksumOffload.Size, Is.EqualTo(32), "NDIS_TCP_IP_CHECKSUM_OFFLOAD");
            Assert.That(NdisTcpLargeSendOffloadV1.Size, Is.EqualTo(16), "NDIS_TCP_LARGE_SEND_OFFLOAD_V1");
            Assert.That(NdisTcpLargeSendOffloadV2.Size, Is.EqualTo(28), "NDIS_TCP_LARGE_SEND_OFFLOAD_V2");
        }
    }

    [TestCaseSource(nameof(V1Fields))]
    public void V1_OneField_WritesExactlyItsBytes_AndReadsBack(FieldCase<NdisIPsecOffloadV1> c)
    {
        var bytes = new byte[NdisIPsecOffloadV1.Size];
        c.Value.Write(bytes);
        HexAssert.AreEqual(ZerosWith(NdisIPsecOffloadV1.Size, c.Offset, c.Hex), bytes, c.Name);
        Assert.That(NdisIPsecOffloadV1.TryRead(bytes, out var back) ? back : default(NdisIPsecOffloadV1?), Is.EqualTo(c.Value));
    }

    [TestCaseSource(nameof(V2Fields))]
    public void V2_OneField_WritesExactlyItsBytes_AndReadsBack(FieldCase<NdisIPsecOffloadV2> c)
    {
        var bytes = new byte[NdisIPsecOffloadV2.Size];
        c.Value.Write(bytes);
        HexAssert.AreEqual(ZerosWith(NdisIPsecOffloadV2.Size, c.Offset, c.Hex), bytes, c.Name);
        Assert.That(NdisIPsecOffloadV2.TryRead(bytes, out var back) ? back : default(NdisIPsecOffloadV2?), Is.EqualTo(c.Value));
    }

    [TestCaseSource(nameof(ChecksumFields))]
    public void Checksum_OneField_WritesExactlyItsBytes_AndReadsBack(FieldCase<NdisTcpIpChecksumOffload> c)
    {
        var bytes = new byte[NdisTcpIpChecksumOffload.Size];
        c.Value.Write(bytes);
        HexAssert.AreEqual(ZerosWith(NdisTcpIpChecksumOffload.Size, c.Offset, c.Hex), bytes, c.Name);
        Assert.That(NdisTcpIpChecksumOffload.TryRead(bytes, out var back) ? back : default(NdisTcpIpChecksumOffload?), Is.EqualTo(c.Value));
    }

    [TestCaseSource(nameof(LsoV1Fields))]
    public void LsoV1_OneField_WritesExactlyItsBytes_AndReadsBack(FieldCase<NdisTcpLargeSendOffloadV1> c)
    {
        var bytes = new byte[NdisTcpLargeSendOffloadV1.Size];
        c.Value.Write(bytes);
        HexAssert.AreEqual(ZerosWith(NdisTcpLargeSendOffloadV1.Size, c.Offset, c.Hex), bytes, c.Name);
        Assert.That(NdisTcpLargeSendOffloadV1.TryRead(bytes, out var back) ? back : default(NdisTcpLargeSendOffloadV1?), Is.EqualTo(c.Value));
    }

    [TestCaseSource(nameof(LsoV2Fields))]
    public void LsoV2_OneField_WritesExactlyItsBytes_AndReadsBack(FieldCase<NdisTcpLargeSendOffloadV2> c)
    {
        var bytes = new byte[NdisTcpLargeSendOffloadV2.Size];
        c.Value.Write(bytes);
        HexAssert.AreEqual(ZerosWith(NdisTcpLargeSendOffloadV2.Size, c.Offset, c.Hex), bytes, c.Name);
        Assert.That(NdisTcpLargeSendOffloadV2.TryRead(bytes, out var back) ? back : default(NdisTcpLargeSendOffloadV2?), Is.EqualTo(c.Value));
    }

    [Test]
    public void V1_RandomBytes_RoundTripThroughTyped()
    {
        var random = TestSeeds.Create(401);
        var bytes = new byte[NdisIPsecOffloadV1.Size];
        var again = new byte[NdisIPsecOffloadV1.Size];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            CanonicalizeV1(bytes);
            Assert.That(NdisIPsecOffloadV1.TryRead(bytes, out var value), Is.True);
            value.Write(again);
            HexAssert.AreEqual(bytes, again, $"NDIS_IPSEC_OFFLOAD_V1 iteration {i}, seed {TestSeeds.Current}");
        }
    }

    [Test]
    public void V2_RandomBytes_RoundTripThroughTyped()
    {
        var random = TestSeeds.Create(402);
        var bytes = new byte[NdisIPsecOffloadV2.Size];
        var again = new byte[NdisIPsecOffloadV2.Size];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            CanonicalizeV2(bytes);
            Assert.That(NdisIPsecOffloadV2.TryRead(bytes, out var value), Is.True);
            value.Write(again);
            HexAssert.AreEqual(bytes, again, $"NDIS_IPSEC_OFFLOAD_V2 iteration {i}, seed {TestSeeds.Current}");
        }
    }

    [Test]
    public void V1AndV2_RandomTyped_RoundTripThroughBytes()
    {
        var random = TestSeeds.Create(403);
        var v1Bytes = new byte[NdisIPsecOffloadV1.Size];
        var v2Bytes = new byte[NdisIPsecOffloadV2.Size];
        for (int i = 0; i < 2000; i++)
        {
            NdisIPsecOffloadV1 v1 = RandomV1(random);
            NdisIPsecOffloadV2 v2 = RandomV2(random);
            v1.Write(v1Bytes);
            v2.Write(v2Bytes);
            NdisIPsecOffloadV1.TryRead(v1Bytes, out var v1Back);
            NdisIPsecOffloadV2.TryRead(v2Bytes, out var v2Back);
            if (v1Back != v1 || v2Back != v2)
            {
                Assert.Fail($"iteration {i}, seed {TestSeeds.Current}: {v1} -> {v1Back}; {v2} -> {v2Back}");
            }
        }

        Assert.Pass($"seed {TestSeeds.Current}");
    }

    [Test]
    public void V2_NonzeroBoolean_ReadsTrue_AndIsWrittenAsOne()
    {
        byte[] bytes = ZerosWith(NdisIPsecOffloadV2.Size, 11, "ff");
        bytes[15] = 0xEE;
        Assert.That(NdisIPsecOffloadV2.TryRead(bytes, out var value), Is.True);
        var again = new byte[NdisIPsecOffloadV2.Size];
        value.Write(again);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(value.Tunnel, Is.True);
            HexAssert.AreEqual(ZerosWith(NdisIPsecOffloadV2.Size, 11, "01"), again, "BOOLEAN canonical, padding zero");
        }
    }

    [Test]
    public void V1_UndeclaredBitfieldBits_AreIgnoredOnRead()
    {
        byte[] bytes = ZerosWith(NdisIPsecOffloadV1.Size, 20, "00f0ffff 0000ffff");
        Assert.That(NdisIPsecOffloadV1.TryRead(bytes, out var value) ? value : default(NdisIPsecOffloadV1?),
            Is.EqualTo(default(NdisIPsecOffloadV1)));
    }

    [Test]
    public void V1_TwoBitFieldAbove3_Throws()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new IPsecV1AhCapabilities { Md5 = 4 },
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("IPv4AH.Md5 is 4"));
            Assert.That(() => new IPsecV1EspCapabilities { Receive = 255 },
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("IPv4ESP.Receive is 255"));
        }
    }

    [Test]
    public void ShortBuffers_AreRefused()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NdisIPsecOffloadV1.TryRead(new byte[27], out _), Is.False);
            Assert.That(NdisIPsecOffloadV2.TryRead(new byte[31], out _), Is.False);
            Assert.That(NdisTcpIpChecksumOffload.TryRead(new byte[31], out _), Is.False);
            Assert.That(NdisTcpLargeSendOffloadV1.TryRead(new byte[15], out _), Is.False);
            Assert.That(NdisTcpLargeSendOffloadV2.TryRead(new byte[27], out _), Is.False);
            Assert.That(() => default(NdisIPsecOffloadV1).Write(new byte[27]), Throws.ArgumentException.With.Message.Contains("28"));
            Assert.That(() => default(NdisIPsecOffloadV2).Write(new byte[31]), Throws.ArgumentException.With.Message.Contains("32"));
        }
    }
}
