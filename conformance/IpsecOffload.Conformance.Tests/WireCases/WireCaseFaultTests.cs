using System.Buffers.Binary;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Cases.Catalogue;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Tests.WireCases;

/// <summary>
/// The wire cases can fail: small faults injected around the reference miniport (a plaintext byte
/// changed before encryption, a zeroed ICV, LSO segments that skip a sequence number, a bad LSOv2
/// completion) make the right case fail with the right requirement and a message naming the field.
/// </summary>
public class WireCaseFaultTests
{
    private const int EthernetLength = 14;

    private static CaseResult Run(string caseName, Func<IMiniport, IMiniport> fault, ConformanceProfile? profile = null)
    {
        ConformanceCase @case = CaseCatalogue.Find(caseName) ?? throw new InvalidOperationException($"no case {caseName}");
        var adapter = new AdapterUnderTest("faulty", () => fault(new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu })));
        return ConformanceRunner.RunCase(adapter, @case, new RunOptions { Profile = profile ?? ConformanceProfile.Default });
    }

    [TestCase("Esp01_AesGcm128Icv16_ProtectedOnWire_V2Ipv4")]
    [TestCase("Esp01_AesCbc256HmacSha256_ProtectedOnWire_V2Ipv6")]
    [TestCase("Esp05_TripleDesCbcHmacSha1_TunnelV6InV4_ProtectedOnWire_V2")]
    public void EspCase_IcvZeroed_FailsEsp01SayingTheIcvDoesNotVerify(string name)
    {
        CaseResult result = Run(name, m => new ZeroTail(m, 12));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("ESP-01"));
            Assert.That(result.Message, Does.Contain("ICV does not verify"));
            Assert.That(result.Message, Does.Contain("SA: Esp spi 0x"));
        }
    }

    [Test]
    public void EspCase_PlaintextByteChangedBeforeEncryption_FailsOnTheOpenedPayload()
    {
        CaseResult result = Run("Esp01_AesCbc128HmacSha1_ProtectedOnWire_V2Ipv4", m => new ChangeLastPayloadByte(m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("ESP-02"));
            Assert.That(result.Message, Does.Contain("the opened packet (ICVs verified and zeroed, payloads decrypted by BouncyCastle) differs from the framed packet")
                .And.Contain("(ESP payload)"));
        }
    }

    [Test]
    public void AhCase_IcvZeroed_FailsAh01()
    {
        CaseResult result = Run("Ah01_HmacSha256_VerifiesOnWire_V2Ipv4", m => new ZeroAhIcv(m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("AH-01"));
            Assert.That(result.Message, Does.Contain("hmac-sha256-128 ICV does not verify"));
        }
    }

    [Test]
    public void EsnCase_IcvZeroed_FailsEsn01()
    {
        CaseResult result = Run("Esn01_EspAesGcm256Icv16_HighHalfInIcvLowHalfOnWire_V2Ipv4", m => new ZeroTail(m, 16));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("ESN-01"));
            Assert.That(result.Message, Does.Contain("ESN high 0x"));
        }
    }

    [TestCase("Lso01_AesGcm128Icv16_LsoV2_SegmentsProtected_V2Ipv4")]
    [TestCase("Lso01_AesCbc256HmacSha256_LsoV1_SegmentsProtected_V2Ipv4")]
    [TestCase("Lso02_AesCbc128HmacSha1_EsnCarryAcrossSegments_V2Ipv4")]
    public void LsoCase_SegmentsSkipASequenceNumber_FailsLso02NamingTheSn(string name)
    {
        CaseResult result = Run(name, m => new SkipLsoSequenceNumber(m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("LSO-02"));
            Assert.That(result.Message, Does.Contain("segment 1: ESP SN_low 0x"));
        }
    }

    [Test]
    public void LsoCase_V2CompletionReservedNotZero_FailsSend20()
    {
        CaseResult result = Run("Lso01_AesGmac128_LsoV2_SegmentsProtected_V2Ipv6", m => new DirtyLsoCompletion(m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("SEND-20"));
            Assert.That(result.Message, Does.Contain("expected Type V2 and Reserved 0"));
        }
    }

    [TestCase("Esp01_Vector_DpdkEspAescbc128Sha256TunnelV4", "ESP-01", "ESP.ICV")]
    [TestCase("Ah01_Vector_ScapyAhSha1TransportV4Icmp", "AH-01", "AH.ICV")]
    public void VectorCase_IcvZeroed_FailsNamingTheFieldAgainstTheGoldenPacket(string name, string requirement, string field)
    {
        CaseResult result = Run(name, m => name.StartsWith("Ah", StringComparison.Ordinal) ? new ZeroAhIcv(m) : new ZeroTail(m, 16));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo(requirement));
            Assert.That(result.Message, Does.Contain("differs from the golden wirePacket at " + field));
            Assert.That(result.Message, Does.Contain("wirePacket differs: vector"));
        }
    }

    [Test]
    public void LsoVectorCase_SegmentsSkipASequenceNumber_FailsLso02()
    {
        CaseResult result = Run("Lso01_Vector_LsoD7EspAesgcm128V4Lsov1Mss128Pay300CwrFinPsh", m => new SkipLsoSequenceNumber(m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("LSO-02"));
            Assert.That(result.Message, Does.Contain("segment 1: ESP SN_low 0x"));
        }
    }

    [TestCase("Esp06_AesGcm128Icv16_DeviceIv_NoIvRepeatsOver32Packets_V2")]
    [TestCase("Esp06_AesCbc128HmacSha1_DeviceIv_NoIvRepeatsOver32Packets_V2")]
    [TestCase("Esp06_AesGmac256_DeviceIv_NoIvRepeatsOver32Packets_V2")]
    public void DeviceIvCase_MiniportKeepsTheTransportsZeroIv_FailsEsp06(string name)
    {
        // The run's profile says Device, but the reference is built with the default profile (EspIv =
        // Transport, AMB-01): it keeps the all-zero IV the transport framed, so the IVs repeat.
        var profile = new ConformanceProfile { Name = "device-iv", Offload = OffloadProfile.Default with { EspIv = EspIvSource.Device } };

        CaseResult result = Run(name, m => m, profile);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Verdict, Is.EqualTo(Verdict.Fail), result.Message);
            Assert.That(result.FailedRequirement, Is.EqualTo("ESP-06"));
            Assert.That(result.Message, Does.Contain("was already used on the SA"));
        }
    }

    [TestCase("Esp06_AesGcm128Icv16_DeviceIv_NoIvRepeatsOver32Packets_V2")]
    [TestCase("Esp06_AesCbc128HmacSha1_DeviceIv_NoIvRepeatsOver32Packets_V2")]
    [TestCase("Esp06_AesGmac256_DeviceIv_NoIvRepeatsOver32Packets_V2")]
    public void DeviceIvCase_ReferenceBuiltWithTheDeviceProfile_Passes(string name)
    {
        // Built with EspIv = Device, the reference writes its own IV per packet (EspDeviceIv): no repeats, every packet opens.
        OffloadProfile offload = OffloadProfile.Default with { EspIv = EspIvSource.Device };
        var profile = new ConformanceProfile { Name = "device-iv", Offload = offload };
        ConformanceCase @case = CaseCatalogue.Find(name) ?? throw new InvalidOperationException($"no case {name}");
        var adapter = new AdapterUnderTest("reference-device-iv",
            () => new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu, Profile = offload }));

        CaseResult result = ConformanceRunner.RunCase(adapter, @case, new RunOptions { Profile = profile });

        Assert.That(result.Verdict, Is.EqualTo(Verdict.Pass), result.Message);
    }

    [Test]
    public void DeviceIvCase_DefaultProfile_IsNotApplicable()
    {
        CaseResult result = Run("Esp06_AesGcm128Icv16_DeviceIv_NoIvRepeatsOver32Packets_V2", m => m);

        Assert.That(result.Verdict, Is.EqualTo(Verdict.NotApplicable), result.Message);
    }

    /// <summary>Zeroes the last <c>count</c> bytes of every frame (the ESP ICV of transport and tunnel packets).</summary>
    private sealed class ZeroTail(IMiniport inner, int count) : MiniportDecorator(inner)
    {
        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            byte[] copy = frame.ToArray();
            int end = EndOfIp(copy);
            copy.AsSpan(end - count, count).Clear();
            Host.Transmit(owner, copy);
        }
    }

    /// <summary>Zeroes the AH ICV of IPv4 transport frames (AH right after a 20-byte IPv4 header; ICV at AH + 12).</summary>
    private sealed class ZeroAhIcv(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            byte[] copy = frame.ToArray();
            int ah = EthernetLength + (copy[EthernetLength] & 0x0F) * 4;
            copy.AsSpan(ah + 12, 12).Clear();
            Host.Transmit(owner, copy);
        }
    }

    /// <summary>Changes the last byte of each NB's data before the miniport sees it (the NIC protects a payload the transport did not frame).</summary>
    private sealed class ChangeLastPayloadByte(IMiniport inner) : MiniportDecorator(inner)
    {
        public override void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
        {
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                for (NetBuffer? nb = nbl.FirstNetBuffer; nb is not null; nb = nb.Next)
                {
                    byte[] data = nb.CopyData();
                    int espOffset = EthernetLength + (data[EthernetLength] & 0x0F) * 4;
                    // ESP payload starts after SPI, SN and the 16-byte AES-CBC IV: flip its first byte (the UDP source port).
                    data[espOffset + 8 + 16] ^= 0x5A;
                    nb.FirstMdl = new Mdl(data);
                    nb.DataOffset = 0;
                    nb.DataLength = data.Length;
                }
            }

            base.SendNetBufferLists(netBufferLists, flags);
        }
    }

    /// <summary>Adds 1 to the ESP sequence number of every LSO segment after the first of an NBL (IPv4 or IPv6 without extension headers).</summary>
    private sealed class SkipLsoSequenceNumber(IMiniport inner) : MiniportDecorator(inner)
    {
        private readonly Dictionary<NetBufferList, int> _segments = new(ReferenceEqualityComparer.Instance);

        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            int k = _segments.GetValueOrDefault(owner);
            _segments[owner] = k + 1;
            byte[] copy = frame.ToArray();
            if (k > 0)
            {
                int esp = EthernetLength + (copy[EthernetLength] >> 4 == 6 ? 40 : (copy[EthernetLength] & 0x0F) * 4);
                uint sn = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(esp + 4));
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(esp + 4), unchecked(sn + 1));
            }

            Host.Transmit(owner, copy);
        }
    }

    /// <summary>Sets the LSOv2 completion's Reserved bits (slot 2) before the completion reaches the host.</summary>
    private sealed class DirtyLsoCompletion(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                ulong slot = nbl.Info[NetBufferListInfoId.TcpLargeSend];
                nbl.Info[NetBufferListInfoId.TcpLargeSend] = slot | 0x10;
            }

            base.OnSendNetBufferListsComplete(netBufferLists, flags);
        }
    }

    /// <summary>The end of the IP packet inside a frame (frames shorter than 60 bytes are zero-padded).</summary>
    private static int EndOfIp(byte[] frame) => EthernetLength + (frame[EthernetLength] >> 4 == 6
        ? 40 + BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetLength + 4))
        : BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetLength + 2)));
}
