using System.Buffers.Binary;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// Every class of bad input at NBL level (issue #3): the NBL completes with the SEND-21 status the
/// reference miniport gives (INVALID_LENGTH for lengths, FAILURE otherwise), the reason names the
/// field and the numbers, nothing of it is transmitted, and the good NBLs around it in the same
/// chain go out correctly. Base packet: an IPv4 UDP datagram with 13 payload bytes, ESP at 0x14.
/// </summary>
public sealed class SendBadInputTests
{
    private const int Esp4 = 20;

    private static IEnumerable<TestCaseData> ApiAbi() => SendKit.ApiAbiCases();

    private static IEnumerable<TestCaseData> V2Abi() => SendKit.V2AbiCases();

    // ------------------------------------------------------------------ v2 header word (SEND-12, SEND-13)

    [Category("Requirement:SEND-12")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send12_EspHeaderOffsetOutsideTheFrame_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1201);
        FramedPacket framed = s.Next();
        NetBufferList bad = s.RawNbl("esp-offset-outside", framed.Packet, framed.V2HeaderInfo with { EspHeaderOffset = 255 });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "EspHeaderOffset", "255 × 4 = 1020 bytes", $"{framed.Packet.Length}-byte packet");
    }

    [Category("Requirement:SEND-12")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send12_EspHeaderOffsetZeroWithEspSa_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1202);
        FramedPacket framed = s.Next();
        NetBufferList bad = s.RawNbl("esp-offset-0", framed.Packet, framed.V2HeaderInfo with { EspHeaderOffset = 0 });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "EspHeaderOffset", "is 0 (no ESP header)", $"0x{s.Sa.Spi:x8}");
    }

    [Category("Requirement:SEND-12")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send12_EspHeaderOffsetInsideTheIpHeader_FailsNamingTheRealOffset(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1203);
        FramedPacket framed = s.Next();
        NetBufferList bad = s.RawNbl("esp-offset-on-ip", framed.Packet, framed.V2HeaderInfo with { EspHeaderOffset = 3 });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "EspHeaderOffset", "12 bytes is not on the ESP header", "at 0x14 (20 bytes)");
    }

    [Category("Requirement:SEND-12")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send12_EspHeaderOffsetOnTheTransportHeader_FailsNamingTheRealOffset(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1204);
        FramedPacket framed = s.Next();
        int udp = Esp4 + EspHeader.Length + s.Sa.IvLength; // the UDP header inside the ESP payload
        NetBufferList bad = s.RawNbl("esp-offset-on-udp", framed.Packet, framed.V2HeaderInfo with { EspHeaderOffset = (byte)(udp / 4) });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "EspHeaderOffset", $"{udp} bytes is not on the ESP header", "at 0x14 (20 bytes)");
    }

    [Category("Requirement:SEND-12")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send12_AhHeaderOffsetOnAnEspPacket_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1205);
        FramedPacket framed = s.Next();
        NetBufferList bad = s.RawNbl("ah-offset-on-esp", framed.Packet, framed.V2HeaderInfo with { AhHeaderOffset = 5 });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "AhHeaderOffset", "is 5 (20 bytes)", "no AH SA");
    }

    [Category("Requirement:SEND-13")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send13_OobPadLengthDiffersFromThePadLengthByte_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1301);
        FramedPacket framed = s.Next();
        byte wrong = (byte)(framed.PadLength + 4);
        NetBufferList bad = s.RawNbl("oob-pad-length", framed.Packet, framed.V2HeaderInfo with { PadLength = wrong });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "PadLength", $"is {wrong}, the ESP pad length byte at 0x{PadLengthAt(framed):x2} is {framed.PadLength}");
    }

    [Category("Requirement:SEND-13")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send13_OobNextHeaderDiffersFromTheTrailer_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 1302);
        FramedPacket framed = s.Next();
        Assert.That(framed.NextHeader, Is.EqualTo(IpProtocol.Udp));
        NetBufferList bad = s.RawNbl("oob-next-header", framed.Packet, framed.V2HeaderInfo with { NextHeader = IpProtocol.Tcp });

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "NextHeader",
            $"is {IpProtocol.Tcp}, the ESP next header byte at 0x{PadLengthAt(framed) + 1:x2} is {IpProtocol.Udp}");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_PadLengthByteBeyondThePayload_FailsWithInvalidLength(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2103);
        FramedPacket framed = s.Next();
        byte[] packet = framed.Packet.ToArray();
        packet[PadLengthAt(framed)] = 255;
        NetBufferList bad = s.RawNbl("pad-length-255", packet, framed.V2HeaderInfo with { PadLength = 255 });

        int dataLength = framed.Headers[0].ProtectedLength;
        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "ESP.PadLength", "says 255 padding bytes", $"only {dataLength - 2} precede it");
    }

    // ------------------------------------------------------------------ truncation and lengths

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_CutInsideTheEspHeader_FailsWithInvalidLength(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2104);
        FramedPacket framed = s.Next();
        NetBufferList bad = s.RawNbl("cut-in-esp-header", SendScenario.Truncate(framed.Packet, Esp4 + 6), framed.V2HeaderInfo);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "ESP.SequenceNumber", "at 0x14 needs 8 bytes, the datagram has 6");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_CutInsideTheIv_FailsWithInvalidLength(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2105);
        FramedPacket framed = s.Next();
        int kept = EspHeader.Length + (s.Sa.IvLength / 2);
        NetBufferList bad = s.RawNbl("cut-in-iv", SendScenario.Truncate(framed.Packet, Esp4 + kept), framed.V2HeaderInfo);

        int needed = EspHeader.Length + s.Sa.IvLength + 2 + s.Sa.IcvLength;
        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "ESP.Icv", $"need {needed} bytes, the datagram has {kept}");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_CutBeforeTheTrailer_FailsWithInvalidLength(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2106);
        FramedPacket framed = s.Next();
        int cut = PadLengthAt(framed); // pad length, next header and ICV are gone
        NetBufferList bad = s.RawNbl("cut-before-trailer", SendScenario.Truncate(framed.Packet, cut), framed.V2HeaderInfo);

        // The NIC cannot see where the trailer was: the last ICV-length bytes are taken for the ICV, so
        // the encrypted part is (protected − 2 − ICV) bytes, not a multiple of the block size.
        int encrypted = framed.Headers[0].ProtectedLength - 2 - s.Sa.IcvLength;
        Assert.That(encrypted % s.Sa.Encryption!.BlockSize, Is.Not.Zero, "test premise");
        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "ESP.PayloadData", $"is {encrypted} bytes", $"block size {s.Sa.Encryption.BlockSize}");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_NetBufferShorterByTheIcv_FailsWithInvalidLength(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2107);
        FramedPacket framed = s.Next();
        byte[] shorter = framed.Packet[..^s.Sa.IcvLength]; // IP Total Length still counts the ICV
        NetBufferList bad = s.RawNbl("no-icv-space", shorter, framed.V2HeaderInfo);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "IPv4.TotalLength",
            $"IPv4 Total Length {framed.Packet.Length} of the packet disagrees with the {shorter.Length}-byte buffer");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(IpLengthCases))]
    public void Send21_IpLengthDisagreesWithTheFrame_FailsWithInvalidLength(SaApi api, bool ipv6, int delta, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2108, ipv6: ipv6);
        FramedPacket framed = s.Next();
        byte[] packet = framed.Packet.ToArray();
        SendScenario.SetIpLength(packet, packet.Length + delta);
        NetBufferList bad = s.RawNbl($"ip-length{delta:+0;-0}", packet, framed.V2HeaderInfo);

        if (ipv6)
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "IPv6.PayloadLength",
                $"IPv6 Payload Length {packet.Length + delta - 40} + 40 of the packet disagrees with the {packet.Length}-byte buffer");
        }
        else
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "IPv4.TotalLength",
                $"IPv4 Total Length {packet.Length + delta} of the packet disagrees with the {packet.Length}-byte buffer");
        }
    }

    private static IEnumerable<TestCaseData> IpLengthCases() =>
        from api in SendKit.Apis
        from ipv6 in new[] { false, true }
        where !ipv6 || api != SaApi.V1
        from delta in new[] { 4, -4 }
        from abi in SendKit.Abis
        select new TestCaseData(api, ipv6, delta, abi).SetArgDisplayNames(api.ToString(), ipv6 ? "IPv6" : "IPv4", delta > 0 ? "longer" : "shorter", abi.ToProtocolName());

    // ------------------------------------------------------------------ SA / packet mismatch

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_AhSaOnAnEspFrame_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2109);
        SaSpec ah = SendKit.AhFor(api, s.Random);
        ulong ahHandle = s.Rig.Add(api, BundleSpec.Of(ah));
        FramedPacket framed = s.Next();
        NetBufferList bad = s.RawNbl("ah-sa-esp-frame", framed.Packet, framed.V2HeaderInfo, ahHandle);

        if (api == SaApi.V1)
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "AH.Spi", $"AH SA 0x{ah.Spi:x8}", "carries ESP at 0x14 and no AH header");
        }
        else
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "EspHeaderOffset", "is 5 (20 bytes)", "no ESP SA");
        }
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_EspSaOnAnAhFrame_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2110);
        SaSpec ah = SendKit.AhFor(api, s.Random);
        FramedPacket framed = s.Next(ah);
        NetBufferList bad = s.RawNbl("esp-sa-ah-frame", framed.Packet, framed.V2HeaderInfo);

        if (api == SaApi.V1)
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "ESP.Spi", $"ESP SA 0x{s.Sa.Spi:x8}", "carries AH at 0x14 and no ESP header");
        }
        else
        {
            // The AH frame's header word has EspHeaderOffset 0, which the ESP SA refuses first.
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "EspHeaderOffset", "is 0 (no ESP header)", $"ESP SA 0x{s.Sa.Spi:x8}");
        }
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_IPv6FrameOnAnIPv4Sa_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2111);
        FramedPacket framed = s.Next(plain: SendKit.Udp6(s.Random, SendScenario.PayloadLength));
        NetBufferList bad = s.RawNbl("ipv6-on-ipv4-sa", framed.Packet, framed.V2HeaderInfo);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "IP.Version", $"IPv6 packet on an IPv4 SA (SPI 0x{s.Sa.Spi:x8})");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(V2Abi))]
    public void Send21_IPv4FrameOnAnIPv6Sa_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2112, ipv6: true);
        FramedPacket framed = s.Next(plain: SendKit.Udp4(s.Random, SendScenario.PayloadLength));
        NetBufferList bad = s.RawNbl("ipv4-on-ipv6-sa", framed.Packet, framed.V2HeaderInfo);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "IP.Version", $"IPv4 packet on an IPv6 SA (SPI 0x{s.Sa.Spi:x8})");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_SpiInTheHeaderDiffersFromTheSa_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2113);
        FramedPacket framed = s.Next();
        byte[] packet = framed.Packet.ToArray();
        uint wrong = s.Sa.Spi ^ 0x0102_0408;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(Esp4 + EspHeader.SpiOffset), wrong);
        NetBufferList bad = s.RawNbl("wrong-spi", packet, framed.V2HeaderInfo);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "ESP.Spi",
            $"ESP header at 0x14 carries SPI 0x{wrong:x8}; the OffloadHandle SA's SPI is 0x{s.Sa.Spi:x8}");
    }

    // ------------------------------------------------------------------ NBL-level problems

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_ArpFrameWithAHandle_Fails(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2114);
        byte[] arp = Hex.Parse("ffffffffffff 02005e000001 0806 0001 0800 06 04 0001 02005e000001 c0000201 000000000000 c0000202");
        NetBufferList bad = s.Rig.Transport.BuildNbl([arp], s.Handle, name: "arp");

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "Ethernet.EtherType", "0x0806 is not IPv4 or IPv6");
    }

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send21_NblWithoutNetBuffer_FailsWithInvalidLength(SaApi api, NdisAbi abi)
    {
        using var s = new SendScenario(api, abi, salt: 2115);
        var bad = new NetBufferList { Name = "no-net-buffer" };
        bad.Info.Set(new IPsecOffloadV2Transmit(s.Handle), abi);

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.InvalidLength, "NET_BUFFER_LIST", "no NET_BUFFER");
    }

    [Category("Requirement:SEND-07")]
    [TestCaseSource(nameof(ApiAbi))]
    public void Send07_LsoOobOnANonLsoPacket_IsRefusedAndReportsNoPayloadSent(SaApi api, NdisAbi abi)
    {
        // The scenario's packets are UDP: LSO segments TCP only (v2), and v1 SAs never combine with LSO.
        using var s = new SendScenario(api, abi, salt: 701);
        NetBufferList bad = s.Nbl("lso", null, s.Next());
        bad.Info[NetBufferListInfoId.TcpLargeSend] = new LsoV1Transmit(1380, 34).ToSlot(abi);

        if (api == SaApi.V1)
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "OffloadHandle", "v1", "LSO");
        }
        else
        {
            s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "NextHeader", "TCP only");
        }

        Assert.That(LsoV1TransmitComplete.FromSlot(bad.Info[NetBufferListInfoId.TcpLargeSend], abi).TcpPayload, Is.Zero,
            "LSOv1 completion of a refused NBL reports 0 payload bytes sent");
    }

    private static IEnumerable<TestCaseData> WideSlotCases() =>
        from api in SendKit.Apis
        from slot in new[] { NetBufferListInfoId.IPsecOffload, NetBufferListInfoId.IPsecOffloadV2Tunnel }
        where api != SaApi.V1 || slot == NetBufferListInfoId.IPsecOffload // v1 ignores slot 11 (AMB-10)
        select new TestCaseData(api, slot).SetArgDisplayNames(api.ToString(), slot.ToString());

    [Category("Requirement:SEND-21")]
    [TestCaseSource(nameof(WideSlotCases))]
    public void Send21_X86HandleSlotAbove32Bits_Fails(SaApi api, NetBufferListInfoId slot)
    {
        using var s = new SendScenario(api, NdisAbi.X86, salt: 2116);
        NetBufferList bad = s.Nbl("wide-slot", null, s.Next());
        ulong value = 0x1_0000_0000 | s.Handle;
        bad.Info[slot] = value;

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, slot == NetBufferListInfoId.IPsecOffload ? "OffloadHandle" : "TunnelHandle",
            $"slot {(int)slot} holds 0x{value:x}", "wider than an x86 pointer");
    }

    [Category("Requirement:SEND-21")]
    [TestCase(SaApi.V2)]
    [TestCase(SaApi.V2Ex)]
    public void Send21_X86HeaderInfoSlotAbove32Bits_FailsNamingTheSlot(SaApi api)
    {
        using var s = new SendScenario(api, NdisAbi.X86, salt: 2117);
        FramedPacket framed = s.Next();
        NetBufferList bad = s.Nbl("wide-header-slot", null, framed);
        ulong value = 0x1_0000_0000 | framed.V2HeaderInfo.ToSlot(NdisAbi.X86);
        bad.Info[NetBufferListInfoId.IPsecOffloadV2Header] = value;

        s.AssertRefusedBetweenGoodOnes(bad, NdisStatus.Failure, "IPsecOffloadV2HeaderNetBufferListInfo",
            $"slot 12 holds 0x{value:x}", "wider than an x86 pointer");
    }

    private static int PadLengthAt(FramedPacket framed)
    {
        FramedHeader esp = framed.Headers.Single(h => h.Protocol == IpsecProtocol.Esp);
        return esp.ProtectedOffset + esp.ProtectedLength - 2;
    }
}
