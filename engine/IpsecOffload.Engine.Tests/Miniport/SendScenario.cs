using System.Buffers.Binary;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// One rig with one SA added through one API: frames good packets (consecutive sequence numbers,
/// UDP payload of <see cref="PayloadLength"/> bytes), builds NBLs and checks transmitted frames with
/// <see cref="WireOracle"/>. Values come from <see cref="TestSeeds.Create"/> with the test's salt.
/// </summary>
internal sealed class SendScenario : IDisposable
{
    /// <summary>UDP payload bytes: 21 bytes of IPv4 payload, so 3DES pads 1 byte and AES-CBC 9.</summary>
    public const int PayloadLength = 13;

    private ulong _sequence;

    public SendScenario(SaApi api, NdisAbi abi, int salt, SaSpec? sa = null, bool ipv6 = false, OffloadProfile? profile = null)
    {
        Api = api;
        Salt = salt;
        Random = TestSeeds.Create(salt);
        Rig = new SendRig(abi, profile);
        Sa = sa ?? SendKit.EspFor(api, Random);
        IPv6 = ipv6;
        Handle = Rig.Add(api, BundleSpec.Of(Sa, ipv6));
        _sequence = SendKit.Sequence(Random);
    }

    public SaApi Api { get; }

    public int Salt { get; }

    public Random Random { get; }

    public SendRig Rig { get; }

    public SaSpec Sa { get; }

    public bool IPv6 { get; }

    public ulong Handle { get; }

    /// <summary>A plaintext UDP datagram of the scenario's IP version.</summary>
    public byte[] Plain() => IPv6 ? SendKit.Udp6(Random, PayloadLength) : SendKit.Udp4(Random, PayloadLength);

    /// <summary>The next packet framed for <see cref="Sa"/> (sequence numbers count up).</summary>
    public FramedPacket Next(SaSpec? sa = null, byte[]? plain = null) => SendKit.Frame(Random, plain ?? Plain(), sa ?? Sa, _sequence++);

    /// <summary>An NBL carrying <paramref name="packets"/> for <see cref="Handle"/> (or <paramref name="handle"/>).</summary>
    public NetBufferList Nbl(string name, ulong? handle = null, params FramedPacket[] packets) =>
        Rig.Nbl(Api, packets, handle ?? Handle, name: name);

    /// <summary>An NBL carrying one modified IP packet, with the given v2 header word (ignored for v1 NBLs).</summary>
    public NetBufferList RawNbl(string name, byte[] ipPacket, IPsecOffloadV2HeaderTransmit? info, ulong? handle = null) =>
        Rig.Transport.BuildNbl([TransportSimulator.EthernetFrame(ipPacket)], handle ?? Handle, 0, Api == SaApi.V1 ? null : info, name: name);

    /// <summary>Asserts that <paramref name="nbl"/> succeeded and each of its frames carries the matching packet, protected by <see cref="Sa"/>.</summary>
    public void AssertSent(NetBufferList nbl, params FramedPacket[] packets)
    {
        IReadOnlyList<byte[]> frames = Rig.AssertSucceeded(nbl);
        Assert.That(frames, Has.Count.EqualTo(packets.Length), $"{nbl.Name}: frames");
        for (int i = 0; i < Math.Min(frames.Count, packets.Length); i++)
        {
            WireOracle.AssertProtected(packets[i], [Sa], frames[i], $"{nbl.Name} NB {i} ({Sa}, {TestSeeds.ReplayHint(Salt)})");
        }
    }

    /// <summary>
    /// Sends [good, <paramref name="bad"/>, good] as one chain and asserts that the bad NBL is refused
    /// as described while the good NBLs go out correctly (SEND-21: each NBL on its own).
    /// </summary>
    public NdisError AssertRefusedBetweenGoodOnes(NetBufferList bad, NdisStatus status, string field, params string[] fragments)
    {
        FramedPacket before = Next(), after = Next();
        NetBufferList first = Nbl("good-before", null, before), last = Nbl("good-after", null, after);
        Rig.Send(first, bad, last);
        NdisError error = Rig.AssertRefused(bad, status, field, fragments);
        AssertSent(first, before);
        AssertSent(last, after);
        return error;
    }

    /// <summary>A copy of <paramref name="packet"/> cut to <paramref name="length"/> bytes, its IP length field (and IPv4 checksum) made to agree.</summary>
    public static byte[] Truncate(byte[] packet, int length)
    {
        byte[] cut = packet[..length];
        SetIpLength(cut, length);
        return cut;
    }

    /// <summary>Writes the datagram length <paramref name="length"/> into the IP header (IPv4: Total Length and checksum; IPv6: Payload Length).</summary>
    public static void SetIpLength(byte[] packet, int length)
    {
        if (packet[0] >> 4 == 6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv6Header.PayloadLengthOffset), (ushort)(length - IPv6Header.Length));
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(IPv4Header.TotalLengthOffset), (ushort)length);
        IPv4Header.WriteChecksum(packet.AsSpan(0, IPv4Header.MinimumLength));
    }

    public void Dispose() => Rig.Dispose();
}
