using IpsecOffload.Ndis.Oob;
using static IpsecOffload.Ndis.Tests.Oob.SlotCase;

namespace IpsecOffload.Ndis.Tests.Oob;

/// <summary>
/// Pins every OOB field to its bits (spec digest §2.2–§2.7) on x64 and x86: one field at its
/// largest value must set exactly that field's bits in the low dword, nothing else, and the
/// digest's test vectors must pack exactly. Expected slots are written out from the digest's bit
/// tables, not computed with the code under test.
/// </summary>
public class OobLayoutTests
{
    private static IEnumerable<TestCaseData> DigestVectors() =>
        ForBothAbis("Vector_AllFlags_CryptoStatus7", new IPsecOffloadV2Receive(true, true, true, CryptoStatus.InvalidProtocol), 0x0007_0007)
        .Concat(ForBothAbis("Vector_AllFlags_CryptoStatus7", new IPsecOffloadV1Receive(true, true, true, CryptoStatus.InvalidProtocol), 0x0007_0007))
        .Concat(ForBothAbis("Vector_11_22_33_44", new IPsecOffloadV2HeaderTransmit(0x11, 0x22, 0x33, 0x44), 0x4433_2211))
        .Concat(ForBothAbis("Vector_HeaderInfoSetAlone", new IPsecOffloadV2HeaderReceive(0, 0, true), 0x0001_0000))
        .Concat(ForBothAbis("Vector_Mss1460_Offset54_V2_IPv6",
            new LsoV2Transmit(1460, 54, LargeSendOffloadIPVersion.IPv6, LargeSendOffloadType.V2), 0xC360_05B4))
        .Concat(ForBothAbis("Vector_Payload1_TypeV2", new LsoV1TransmitComplete(1, LargeSendOffloadType.V2), 0x4000_0001))
        .Concat(ForBothAbis("Vector_IPv4_Tcp_Offset34",
            new TcpIpChecksumTransmit(true, false, true, false, false, 34), 0x0022_0005));

    private static IEnumerable<TestCaseData> FieldsAtMax() =>
        // §2.2 v1 Receive: SaDeleteReq 0, CryptoDone 1, NextCryptoDone 2, Pad 3..15, CryptoStatus 16..31
        ForBothAbis("SaDeleteReq", new IPsecOffloadV1Receive(true, false, false, 0), 0x0000_0001)
        .Concat(ForBothAbis("CryptoDone", new IPsecOffloadV1Receive(false, true, false, 0), 0x0000_0002))
        .Concat(ForBothAbis("NextCryptoDone", new IPsecOffloadV1Receive(false, false, true, 0), 0x0000_0004))
        .Concat(ForBothAbis("Pad", new IPsecOffloadV1Receive(false, false, false, 0, 0x1FFF), 0x0000_FFF8))
        .Concat(ForBothAbis("CryptoStatus", new IPsecOffloadV1Receive(false, false, false, (CryptoStatus)0xFFFF), 0xFFFF_0000))
        // §2.3 v2 Receive: same bits
        .Concat(ForBothAbis("SaDeleteReq", new IPsecOffloadV2Receive(true, false, false, 0), 0x0000_0001))
        .Concat(ForBothAbis("CryptoDone", new IPsecOffloadV2Receive(false, true, false, 0), 0x0000_0002))
        .Concat(ForBothAbis("NextCryptoDone", new IPsecOffloadV2Receive(false, false, true, 0), 0x0000_0004))
        .Concat(ForBothAbis("Reserved", new IPsecOffloadV2Receive(false, false, false, 0, 0x1FFF), 0x0000_FFF8))
        .Concat(ForBothAbis("CryptoStatus", new IPsecOffloadV2Receive(false, false, false, (CryptoStatus)0xFFFF), 0xFFFF_0000))
        // §2.5 header Transmit / Receive
        .Concat(ForBothAbis("NextHeader", new IPsecOffloadV2HeaderTransmit(0xFF, 0, 0, 0), 0x0000_00FF))
        .Concat(ForBothAbis("PadLength", new IPsecOffloadV2HeaderTransmit(0, 0xFF, 0, 0), 0x0000_FF00))
        .Concat(ForBothAbis("AhHeaderOffset", new IPsecOffloadV2HeaderTransmit(0, 0, 0xFF, 0), 0x00FF_0000))
        .Concat(ForBothAbis("EspHeaderOffset", new IPsecOffloadV2HeaderTransmit(0, 0, 0, 0xFF), 0xFF00_0000))
        .Concat(ForBothAbis("NextHeader", new IPsecOffloadV2HeaderReceive(0xFF, 0, false), 0x0000_00FF))
        .Concat(ForBothAbis("PadLength", new IPsecOffloadV2HeaderReceive(0, 0xFF, false), 0x0000_FF00))
        .Concat(ForBothAbis("HeaderInfoSet", new IPsecOffloadV2HeaderReceive(0, 0, true), 0x0001_0000))
        // §2.6 LSO: MSS 0..19, TcpHeaderOffset 20..29, Type 30, Reserved2/IPVersion 31, TcpPayload/Reserved 0..29
        .Concat(ForBothAbis("MSS", new LsoV1Transmit(0xF_FFFF, 0), 0x000F_FFFF))
        .Concat(ForBothAbis("TcpHeaderOffset", new LsoV1Transmit(0, 1023), 0x3FF0_0000))
        .Concat(ForBothAbis("Type", new LsoV1Transmit(0, 0, LargeSendOffloadType.V2), 0x4000_0000))
        .Concat(ForBothAbis("Reserved2", new LsoV1Transmit(0, 0, LargeSendOffloadType.V1, true), 0x8000_0000))
        .Concat(ForBothAbis("TcpPayload", new LsoV1TransmitComplete(0x3FFF_FFFF), 0x3FFF_FFFF))
        .Concat(ForBothAbis("Type", new LsoV1TransmitComplete(0, LargeSendOffloadType.V2), 0x4000_0000))
        .Concat(ForBothAbis("Reserved2", new LsoV1TransmitComplete(0, LargeSendOffloadType.V1, true), 0x8000_0000))
        .Concat(ForBothAbis("MSS", new LsoV2Transmit(0xF_FFFF, 0, LargeSendOffloadIPVersion.IPv4, LargeSendOffloadType.V1), 0x000F_FFFF))
        .Concat(ForBothAbis("TcpHeaderOffset", new LsoV2Transmit(0, 1023, LargeSendOffloadIPVersion.IPv4, LargeSendOffloadType.V1), 0x3FF0_0000))
        .Concat(ForBothAbis("Type", new LsoV2Transmit(0, 0, LargeSendOffloadIPVersion.IPv4, LargeSendOffloadType.V2), 0x4000_0000))
        .Concat(ForBothAbis("IPVersion", new LsoV2Transmit(0, 0, LargeSendOffloadIPVersion.IPv6, LargeSendOffloadType.V1), 0x8000_0000))
        .Concat(ForBothAbis("Reserved", new LsoV2TransmitComplete(0x3FFF_FFFF, LargeSendOffloadType.V1), 0x3FFF_FFFF))
        .Concat(ForBothAbis("Type", new LsoV2TransmitComplete(0, LargeSendOffloadType.V2), 0x4000_0000))
        .Concat(ForBothAbis("Reserved2", new LsoV2TransmitComplete(0, LargeSendOffloadType.V1, true), 0x8000_0000))
        // §2.7 checksum Transmit: bits 0..4, Reserved 5..15, TcpHeaderOffset 16..25
        .Concat(ForBothAbis("IsIPv4", new TcpIpChecksumTransmit(true, false, false, false, false, 0), 0x0000_0001))
        .Concat(ForBothAbis("IsIPv6", new TcpIpChecksumTransmit(false, true, false, false, false, 0), 0x0000_0002))
        .Concat(ForBothAbis("TcpChecksum", new TcpIpChecksumTransmit(false, false, true, false, false, 0), 0x0000_0004))
        .Concat(ForBothAbis("UdpChecksum", new TcpIpChecksumTransmit(false, false, false, true, false, 0), 0x0000_0008))
        .Concat(ForBothAbis("IpHeaderChecksum", new TcpIpChecksumTransmit(false, false, false, false, true, 0), 0x0000_0010))
        .Concat(ForBothAbis("Reserved", new TcpIpChecksumTransmit(false, false, false, false, false, 0, 0x7FF), 0x0000_FFE0))
        .Concat(ForBothAbis("TcpHeaderOffset", new TcpIpChecksumTransmit(false, false, false, false, false, 1023), 0x03FF_0000))
        // §2.7 checksum Receive: bits 0..8 in declaration order
        .Concat(ForBothAbis("TcpChecksumFailed", new TcpIpChecksumReceive(true, false, false, false, false, false, false), 0x0001))
        .Concat(ForBothAbis("UdpChecksumFailed", new TcpIpChecksumReceive(false, true, false, false, false, false, false), 0x0002))
        .Concat(ForBothAbis("IpChecksumFailed", new TcpIpChecksumReceive(false, false, true, false, false, false, false), 0x0004))
        .Concat(ForBothAbis("TcpChecksumSucceeded", new TcpIpChecksumReceive(false, false, false, true, false, false, false), 0x0008))
        .Concat(ForBothAbis("UdpChecksumSucceeded", new TcpIpChecksumReceive(false, false, false, false, true, false, false), 0x0010))
        .Concat(ForBothAbis("IpChecksumSucceeded", new TcpIpChecksumReceive(false, false, false, false, false, true, false), 0x0020))
        .Concat(ForBothAbis("Loopback", new TcpIpChecksumReceive(false, false, false, false, false, false, true), 0x0040))
        .Concat(ForBothAbis("TcpChecksumValueInvalid", new TcpIpChecksumReceive(false, false, false, false, false, false, false, true), 0x0080))
        .Concat(ForBothAbis("IpChecksumValueInvalid", new TcpIpChecksumReceive(false, false, false, false, false, false, false, false, true), 0x0100));

    // Distinctive non-max values: a field read at the wrong position or width changes the slot.
    private static IEnumerable<TestCaseData> DistinctiveValues() =>
        ForBothAbis("Mss0xA5A5A_Offset0x2C3", new LsoV1Transmit(0xA_5A5A, 0x2C3), 0x2C3A_5A5A)
        .Concat(ForBothAbis("Mss0x5A5A5_Offset0x13C_IPv6", new LsoV2Transmit(0x5_A5A5, 0x13C, LargeSendOffloadIPVersion.IPv6), 0xD3C5_A5A5))
        .Concat(ForBothAbis("Payload0x2A5A5A5A", new LsoV1TransmitComplete(0x2A5A_5A5A), 0x2A5A_5A5A))
        .Concat(ForBothAbis("CryptoStatus0xA55A_Pad0x1555", new IPsecOffloadV1Receive(true, false, true, (CryptoStatus)0xA55A, 0x1555), 0xA55A_AAAD))
        .Concat(ForBothAbis("CryptoStatus0x5AA5_Reserved0x0AAA", new IPsecOffloadV2Receive(false, true, false, (CryptoStatus)0x5AA5, 0x0AAA), 0x5AA5_5552))
        .Concat(ForBothAbis("Offset0x2A5_Reserved0x555_IPv6Udp", new TcpIpChecksumTransmit(false, true, false, true, false, 0x2A5, 0x555), 0x02A5_AAAA));

    [TestCaseSource(nameof(DigestVectors))]
    [TestCaseSource(nameof(FieldsAtMax))]
    [TestCaseSource(nameof(DistinctiveValues))]
    public void Pack_SetsExactlyTheExpectedBits_AndUnpacksBack(SlotCase c)
    {
        ulong slot = c.Pack(c.Abi);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(slot, Is.EqualTo(c.Slot), $"{c}: slot 0x{slot:X16}, expected 0x{c.Slot:X16}");
            Assert.That(slot >> 32, Is.Zero, $"{c}: a 32-bit structure leaves the upper half zero");
            Assert.That(c.Unpack(c.Slot, c.Abi), Is.EqualTo(c.Value), $"{c}: unpack");
        }
    }

    [TestCaseSource(nameof(DigestVectors))]
    [TestCaseSource(nameof(FieldsAtMax))]
    public void UnpackOnX64_IgnoresTheUpperHalfOfTheSlot(SlotCase c)
    {
        if (c.Abi != NdisAbi.X64)
        {
            Assert.Pass("x86 slots have no upper half");
        }

        Assert.That(c.Unpack(0xFFFF_FFFF_0000_0000 | c.Slot, NdisAbi.X64), Is.EqualTo(c.Value));
    }

    [TestCaseSource(nameof(DigestVectors))]
    public void UnpackOnX86_SlotAbove32Bits_Throws(SlotCase c)
    {
        Assert.That(() => c.Unpack(0x1_0000_0000 | c.Slot, NdisAbi.X86), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void InfoIds_AreTheDigestSlotIndices()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)IPsecOffloadV1Transmit.InfoId, Is.EqualTo(1));
            Assert.That((int)IPsecOffloadV1Receive.InfoId, Is.EqualTo(1));
            Assert.That((int)IPsecOffloadV2Transmit.InfoId, Is.EqualTo(1));
            Assert.That((int)IPsecOffloadV2Receive.InfoId, Is.EqualTo(1));
            Assert.That((int)IPsecOffloadV2TunnelTransmit.InfoId, Is.EqualTo(11));
            Assert.That((int)IPsecOffloadV2HeaderTransmit.InfoId, Is.EqualTo(12));
            Assert.That((int)IPsecOffloadV2HeaderReceive.InfoId, Is.EqualTo(12));
            Assert.That((int)LsoV1Transmit.InfoId, Is.EqualTo(2));
            Assert.That((int)LsoV1TransmitComplete.InfoId, Is.EqualTo(2));
            Assert.That((int)LsoV2Transmit.InfoId, Is.EqualTo(2));
            Assert.That((int)LsoV2TransmitComplete.InfoId, Is.EqualTo(2));
            Assert.That((int)TcpIpChecksumTransmit.InfoId, Is.EqualTo(0));
            Assert.That((int)TcpIpChecksumReceive.InfoId, Is.EqualTo(0));
        }
    }

    [TestCase(CryptoStatus.Success, 0)]
    [TestCase(CryptoStatus.GenericError, 1)]
    [TestCase(CryptoStatus.TransportAhAuthFailed, 2)]
    [TestCase(CryptoStatus.TransportEspAuthFailed, 3)]
    [TestCase(CryptoStatus.TunnelAhAuthFailed, 4)]
    [TestCase(CryptoStatus.TunnelEspAuthFailed, 5)]
    [TestCase(CryptoStatus.InvalidPacketSyntax, 6)]
    [TestCase(CryptoStatus.InvalidProtocol, 7)]
    public void CryptoStatus_HasHeaderValue(CryptoStatus status, int value) =>
        Assert.That((int)status, Is.EqualTo(value));

    [Test]
    public void LargeSendOffloadConstants_HaveHeaderValues()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)LargeSendOffloadType.V1, Is.Zero, "NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE");
            Assert.That((int)LargeSendOffloadType.V2, Is.EqualTo(1), "NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE");
            Assert.That((int)LargeSendOffloadIPVersion.IPv4, Is.Zero, "NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4");
            Assert.That((int)LargeSendOffloadIPVersion.IPv6, Is.EqualTo(1), "NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6");
            Assert.That(LargeSendOffloadLimits.MaxHeaderLength, Is.EqualTo(128), "NDIS_LARGE_SEND_OFFLOAD_MAX_HEADER_LENGTH");
            Assert.That(LargeSendOffloadLimits.MaxMss, Is.EqualTo((1u << 20) - 1));
            Assert.That(LargeSendOffloadLimits.MaxTcpHeaderOffset, Is.EqualTo(1023u));
            Assert.That(LargeSendOffloadLimits.MaxTcpPayload, Is.EqualTo((1u << 30) - 1));
        }
    }
}
