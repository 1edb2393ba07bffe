using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oob;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// IPsec offload v1 (SEND-24…SEND-28): ESP 3DES and DES with HMAC-SHA1/MD5, AH, the ESP + AH bundle,
/// UDP-encapsulated ESP through <c>OID_TCP_TASK_IPSEC_ADD_UDPESP_SA</c>, the v1 structure in slot 1 with
/// no header word (the NIC finds ESP from the SA, also behind IPv4 options), and the DES IV
/// (docs/decisions/send-26-des-iv.md).
/// </summary>
internal static class V1Cases
{
    private const int Payload = 27;

    private static readonly Feature V1AhEspCombined = new("v1 AH + ESP bundle", "NDIS_IPSEC_OFFLOAD_V1.Supported.AhEspCombined",
        c => c.V1.Supported.AhEspCombined != 0 && c.V1.IPv4Ah.Send != 0 && c.V1.IPv4Esp.Send != 0);

    private static readonly Feature V1IPv4Options = new("v1 IPv4 options", "NDIS_IPSEC_OFFLOAD_V1.Supported.IPv4Options",
        c => c.V1.Supported.IPv4Options != 0);

    private static readonly Feature V1UdpEspTransport = new("v1 UDP-ESP transport (other)", "NDIS_IPSEC_OFFLOAD_V1.Supported.Flags",
        c => c.V1.Supported.Flags.HasFlag(IPsecV1UdpEspEncapsulationTypes.TransportOther));

    public static IEnumerable<ConformanceCase> All =>
    [
        Case("Send25_V1EspTripleDesHmacSha1_Protected", ["SEND-25", "SEND-09", "ESP-01", "ESP-02"],
            "v1: ESP 3DES-CBC + HMAC-SHA1-96 (authenticated, as v1 requires): two NBs protected",
            [Features.V1Esp()], c => Esp(c, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1)),
        Case("Send25_V1EspTripleDesHmacMd5_Protected", ["SEND-25", "SEND-09", "ESP-01", "ESP-02"],
            "v1: ESP 3DES-CBC + HMAC-MD5-96: two NBs protected",
            [Features.V1Esp()], c => Esp(c, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacMd5)),
        Case("Send25_V1AhHmacMd5_Protected", ["SEND-25", "SEND-09", "AH-01", "AH-02"],
            "v1: AH HMAC-MD5-96: two NBs, each ICV verifies over the datagram with mutable fields zeroed",
            [Features.V1Ah], c => Ah(c, CryptoAlgorithm.HmacMd5)),
        Case("Send25_V1AhHmacSha1_Protected", ["SEND-25", "SEND-09", "AH-01", "AH-02"],
            "v1: AH HMAC-SHA1-96: two NBs protected",
            [Features.V1Ah], c => Ah(c, CryptoAlgorithm.HmacSha1)),
        Case("Send25_V1EspThenAhBundle_Protected", ["SEND-25", "SEND-11", "AH-03"],
            "v1: one SA bundle of ESP 3DES + HMAC-SHA1 followed by AH HMAC-MD5: ESP applied first, the AH ICV covers the ESP packet",
            [Features.V1Esp(), Features.V1Ah, V1AhEspCombined], Bundle),
        Case("Send26_V1DesCbc_IvOnTheWireDecryptsAndNeverRepeats", ["SEND-26", "ESP-02", "ESP-06"],
            "v1: ESP DES-CBC + HMAC-MD5, 4 NBs: each payload decrypts with the IV on the wire and no IV repeats on the SA",
            [Features.V1Esp(des: true)], Des),
        Case("Send27_V1NoHeaderWordIPv4Options_NicLocatesEspFromTheSa", ["SEND-27", "SEND-09"],
            "v1: an IPv4 packet with 4 option bytes (ESP at 24, not 20) and no header word in slot 12: protected, so the NIC found ESP itself",
            [Features.V1Esp(), V1IPv4Options], Options),
        Case("Send28_V1StructureInSlot1_OffloadHandleProtects", ["SEND-28", "SEND-27", "SEND-08"],
            "v1: NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO.Transmit.OffloadHandle in slot 1, slots 11 and 12 zero, 3 NBs: all protected",
            [Features.V1Esp()], Slot1),
        Case("Send28_V1UdpEspTransport_Protected", ["SEND-28", "UDPESP-01", "ESP-01"],
            "v1: an outbound SA added with OID_TCP_TASK_IPSEC_ADD_UDPESP_SA (type OTHER, port 4500): the UDP header goes out as framed and the ESP after it is protected",
            [Features.V1Esp(), V1UdpEspTransport], UdpEsp),
    ];

    private static FramedPacket Frame(CaseContext c, SaSpec sa, ulong sequence, UdpEspPorts? udp = null) =>
        CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload + c.Random.Next(16)), sa, sequence, udp: udp);

    private static void SendAndJudge(CaseContext c, SaSpec sa, ulong handle, int count, string requirement)
    {
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. Enumerable.Range(0, count).Select(i => Frame(c, sa, sequence + (ulong)i))];
        NetBufferList nbl = c.Transport.BuildNbl([.. packets.Select(CaseKit.EthernetFrame)], handle,
            name: $"v1-{sa.Protocol}-{sa.Encryption?.Name ?? sa.Integrity!.Name}");
        c.Send(nbl);
        c.ExpectProtected(nbl, packets, [sa], requirement);
    }

    private static void Esp(CaseContext c, CryptoAlgorithm cipher, CryptoAlgorithm mac)
    {
        SaSpec sa = CaseKit.Esp(c.Random, cipher, mac);
        SendAndJudge(c, sa, c.AddSa(SaApi.V1, BundleSpec.Of(sa)), 2, "SEND-25");
    }

    private static void Ah(CaseContext c, CryptoAlgorithm mac)
    {
        SaSpec sa = CaseKit.Ah(c.Random, mac);
        SendAndJudge(c, sa, c.AddSa(SaApi.V1, BundleSpec.Of(sa)), 2, "SEND-25");
    }

    private static void Bundle(CaseContext c)
    {
        SaSpec esp = CaseKit.Esp(c.Random, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1), ah = CaseKit.Ah(c.Random, CryptoAlgorithm.HmacMd5);
        ulong handle = c.AddSa(SaApi.V1, new BundleSpec { Sas = [esp, ah] });
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket framed = TransportSimulator.Frame(CaseKit.Udp4(c.Random, Payload),
            [TransportSimulator.Framing(esp, sequence, CaseKit.Bytes(c.Random, esp.IvLength)), TransportSimulator.Framing(ah, sequence + 7, ReadOnlyMemory<byte>.Empty)]);
        NetBufferList nbl = c.Nbl(SaApi.V1, [framed], handle, name: "v1-esp-then-ah");
        c.Send(nbl);
        c.ExpectProtected(nbl, [framed], [esp, ah], "SEND-11");
    }

    private static void Des(CaseContext c)
    {
        SaSpec sa = CaseKit.Esp(c.Random, CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacMd5);
        ulong handle = c.AddSa(SaApi.V1, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [.. Enumerable.Range(0, 4).Select(i => Frame(c, sa, sequence + (ulong)i))];
        NetBufferList nbl = c.Transport.BuildNbl([.. packets.Select(CaseKit.EthernetFrame)], handle, name: "v1-des");
        c.Send(nbl);
        // Under EspIv = Device the oracle takes the IV from the wire and records it per SA (ESP-06).
        c.ExpectProtected(nbl, packets, [sa], "SEND-26", c.OracleOptionsFor() with { IvsSeen = new Dictionary<uint, HashSet<string>>() });
        FramedHeader h = packets[0].Headers[0];
        string[] ivs = [.. c.Host.FramesOf(nbl).Select(f => Convert.ToHexString(f, TransportSimulator.EthernetHeaderLength + h.IvOffset, h.IvLength))];
        c.Check(ivs.Distinct().Count() == ivs.Length && !ivs.Contains(new string('0', 2 * h.IvLength)), "SEND-26",
            $"the DES IVs on the wire are {string.Join(", ", ivs)}: each packet needs its own, non-zero IV");
    }

    private static void Options(CaseContext c)
    {
        SaSpec sa = CaseKit.EspFor(SaApi.V1, c.Random);
        ulong handle = c.AddSa(SaApi.V1, BundleSpec.Of(sa));
        FramedPacket framed = CaseKit.Frame(c.Random, Udp4WithOptions(c.Random, Payload), sa, CaseKit.Sequence(c.Random));
        c.Check(framed.EspHeaderOffset == 24, "SEND-27", $"harness: ESP framed at {framed.EspHeaderOffset}, expected 24 behind the options");
        NetBufferList nbl = c.Nbl(SaApi.V1, [framed], handle, name: "v1-ipv4-options");
        c.Send(nbl);
        c.ExpectProtected(nbl, [framed], [sa], "SEND-27");
    }

    private static void Slot1(CaseContext c)
    {
        SaSpec sa = CaseKit.EspFor(SaApi.V1, c.Random);
        ulong handle = c.AddSa(SaApi.V1, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [Frame(c, sa, sequence), Frame(c, sa, sequence + 1), Frame(c, sa, sequence + 2)];
        var nbl = new NetBufferList([.. packets.Select(p => NetBuffer.FromBytes(CaseKit.EthernetFrame(p)))]) { Name = "v1-structure-slot-1" };
        nbl.Info.Set(new IPsecOffloadV1Transmit(handle), c.Abi);
        c.Send(nbl);
        c.ExpectProtected(nbl, packets, [sa], "SEND-28");
    }

    private static void UdpEsp(CaseContext c)
    {
        SaSpec sa = CaseKit.EspFor(SaApi.V1, c.Random);
        BundleSpec bundle = BundleSpec.Of(sa);
        SaAddResult added = c.Adapter(() => c.Transport.AddUdpEspSaV1(bundle), "OID_TCP_TASK_IPSEC_ADD_UDPESP_SA");
        c.Check(added.Succeeded, "SA-01", $"ADD_UDPESP_SA of {sa} (type OTHER) completed with {added.Status.ToNdisName()} although the adapter advertises {V1UdpEspTransport.Name}");
        c.RecordSas(bundle.Sas);
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket[] packets = [Frame(c, sa, sequence, UdpEspPorts.NatTraversal), Frame(c, sa, sequence + 1, UdpEspPorts.NatTraversal)];
        NetBufferList nbl = c.Transport.BuildNbl([.. packets.Select(CaseKit.EthernetFrame)], added.Handle, name: "v1-udp-esp");
        c.Send(nbl);
        c.ExpectProtected(nbl, packets, [sa], "UDPESP-01");
    }

    /// <summary>An IPv4 UDP datagram with 4 option bytes (NOP, NOP, NOP, End of Options List; RFC 791 §3.1): IHL 6.</summary>
    private static byte[] Udp4WithOptions(Random random, int payloadLength)
    {
        const int OptionsLength = 4;
        byte[] plain = CaseKit.Udp4(random, payloadLength);
        byte[] packet = [.. plain.AsSpan(0, 20), 0x01, 0x01, 0x01, 0x00, .. plain.AsSpan(20)];
        packet[0] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        IPv4Header.WriteChecksum(packet.AsSpan(0, 20 + OptionsLength));
        return packet;
    }
}
