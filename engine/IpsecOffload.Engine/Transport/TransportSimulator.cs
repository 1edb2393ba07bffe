using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Transport;

/// <summary>
/// Plays the Windows TCP/IP transport in front of any <see cref="IMiniport"/>: adds SAs through the v1
/// and v2 OIDs (structures in the miniport's ABI), frames plaintext IP packets the way the transport
/// hands them to a NIC (SPI, sequence number, IV, RFC 4303 padding, trailer, ICV placeholder,
/// profile ARCHITECTURE §4), wraps them in Ethernet frames and NBLs with the OOB information filled in,
/// in any buffer geometry.
/// </summary>
public sealed class TransportSimulator
{
    /// <summary>Destination MAC of every frame (locally administered).</summary>
    public static readonly byte[] DestinationMac = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x02];

    /// <summary>Source MAC of every frame (locally administered).</summary>
    public static readonly byte[] SourceMac = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01];

    /// <summary>Bytes of the Ethernet II header the simulator puts in front of every IP packet.</summary>
    public const int EthernetHeaderLength = 14;

    private int _nblCounter;

    /// <summary>A simulator in front of <paramref name="miniport"/> (initialized by the caller).</summary>
    public TransportSimulator(IMiniport miniport, OffloadProfile? profile = null)
    {
        Miniport = miniport ?? throw new ArgumentNullException(nameof(miniport));
        Profile = profile ?? OffloadProfile.Default;
    }

    /// <summary>The miniport driven.</summary>
    public IMiniport Miniport { get; }

    /// <summary>The profile the simulator frames by.</summary>
    public OffloadProfile Profile { get; }

    /// <summary>The ABI of the miniport's structures.</summary>
    public NdisAbi Abi => Miniport.Identity.Abi;

    /// <summary>Adds one SA bundle with <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c>.</summary>
    public SaAddResult AddSaV2(BundleSpec bundle) => AddSaV2Chain([bundle])[0];

    /// <summary>Adds several SA bundles with one ADD_SA chain; one result per element, all sharing the request's status.</summary>
    public IReadOnlyList<SaAddResult> AddSaV2Chain(IReadOnlyList<BundleSpec> bundles)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        IPsecV2AddSa[] chain = [.. bundles.Select(ToV2AddSa)];
        OidResult result = Miniport.OidRequest(OidRequest.V2AddSa(chain, Abi));
        OidDecodeResult<EquatableArray<ulong>> handles = IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, Abi);
        return [.. bundles.Select((_, i) => new SaAddResult(result.Status,
            result.Status == NdisStatus.Success && handles.Succeeded ? handles.Value![i] : 0, result))];
    }

    /// <summary>Adds one SA bundle with <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX</c>.</summary>
    public SaAddResult AddSaV2Ex(BundleSpec bundle)
    {
        IPsecV2AddSa sa = ToV2AddSa(bundle);
        var ex = new IPsecV2AddSaEx(sa.Flags, sa.Endpoints, 0, sa.UdpEspEncapsulation, sa.SecAssoc, sa.KeyData);
        OidResult result = Miniport.OidRequest(OidRequest.V2AddSaEx(ex, Abi));
        OidDecodeResult<ulong> handle = IPsecV2Codec.ReadAddSaExOffloadHandle(result.InformationBuffer, Abi);
        return new SaAddResult(result.Status, result.Status == NdisStatus.Success && handle.Succeeded ? handle.Value : 0, result);
    }

    /// <summary>Adds one outbound SA bundle with the v1 <c>OID_TCP_TASK_IPSEC_ADD_SA</c> (IPv4 only), keys in the profile's order (AMB-11).</summary>
    public SaAddResult AddSaV1(BundleSpec bundle)
    {
        (OffloadSaFilter filter, EquatableArray<OffloadSecurityAssociation> entries, EquatableArray<byte> keys) = ToV1(bundle);
        var add = new OffloadIpsecAddSa(filter, OffloadSaFlags.Outbound, entries, 0, keys);
        OidResult result = Miniport.OidRequest(OidRequest.V1AddSa(add, Abi));
        OidDecodeResult<ulong> handle = OffloadIpsecV1Codec.ReadAddSaOffloadHandle(result.InformationBuffer, Abi);
        return new SaAddResult(result.Status, result.Status == NdisStatus.Success && handle.Succeeded ? handle.Value : 0, result);
    }

    /// <summary>
    /// Adds one outbound UDP-encapsulated ESP SA bundle with the v1 <c>OID_TCP_TASK_IPSEC_ADD_UDPESP_SA</c>
    /// (encapsulation type <c>OTHER</c>, port 4500; the parser-entry handle is ignored for outbound SAs).
    /// </summary>
    public SaAddResult AddUdpEspSaV1(BundleSpec bundle, ushort destinationEncapsulationPort = 4500)
    {
        (OffloadSaFilter filter, EquatableArray<OffloadSecurityAssociation> entries, EquatableArray<byte> keys) = ToV1(bundle);
        var add = new OffloadIpsecAddUdpEspSa(filter with { Protocol = IpProtocol.Udp }, OffloadSaFlags.Outbound, entries, 0,
            new OffloadIpsecUdpEspEncapTypeEntry(UdpEncapType.Other, destinationEncapsulationPort), 0, keys);
        OidResult result = Miniport.OidRequest(OidRequest.V1AddUdpEspSa(add, Abi));
        OidDecodeResult<OffloadUdpEspHandles> handles = OffloadIpsecV1Codec.ReadAddUdpEspSaHandles(result.InformationBuffer, Abi);
        return new SaAddResult(result.Status,
            result.Status == NdisStatus.Success && handles.Succeeded ? handles.Value.OffloadHandle : 0, result);
    }

    private (OffloadSaFilter Filter, EquatableArray<OffloadSecurityAssociation> Entries, EquatableArray<byte> Keys) ToV1(BundleSpec bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var entries = new List<OffloadSecurityAssociation>();
        var keys = new List<byte>();
        foreach (SaSpec sa in bundle.Sas)
        {
            OffloadAlgoInfo integrity = sa.Integrity is null ? default
                : OffloadAlgoInfo.Integrity(sa.Integrity.V1Integrity
                    ?? throw new ArgumentException($"{sa.Integrity.Name} cannot be expressed in IPsec offload v1", nameof(bundle)), (uint)sa.IntegrityKey.Length);
            OffloadAlgoInfo confidentiality = sa.Encryption is null ? default
                : OffloadAlgoInfo.Confidentiality(sa.Encryption.V1Confidentiality
                    ?? throw new ArgumentException($"{sa.Encryption.Name} cannot be expressed in IPsec offload v1", nameof(bundle)), (uint)sa.EncryptionKey.Length);
            entries.Add(new OffloadSecurityAssociation(
                sa.Protocol == IpsecProtocol.Ah ? OffloadOperation.Authenticate : OffloadOperation.Encrypt, sa.Spi, integrity, confidentiality));
            if (Profile.V1KeyOrder == V1KeyOrder.ConfidentialityFirst)
            {
                keys.AddRange(sa.EncryptionKey);
                keys.AddRange(sa.IntegrityKey);
            }
            else
            {
                keys.AddRange(sa.IntegrityKey);
                keys.AddRange(sa.EncryptionKey);
            }
        }

        var filter = new OffloadSaFilter(bundle.IPv4Endpoints.Source, bundle.IPv4Endpoints.Source == 0 ? 0 : uint.MaxValue,
            bundle.IPv4Endpoints.Destination, bundle.IPv4Endpoints.Destination == 0 ? 0 : uint.MaxValue, 0, 0, 0, 0, 0);
        return (filter, new EquatableArray<OffloadSecurityAssociation>([.. entries]), new EquatableArray<byte>([.. keys]));
    }

    /// <summary>Deletes SA bundles with one <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA</c> chain.</summary>
    public OidResult DeleteSaV2(params ulong[] handles) =>
        Miniport.OidRequest(OidRequest.V2DeleteSa([.. handles.Select(h => new IPsecV2DeleteSa(h))], Abi));

    /// <summary>Deletes an SA bundle with the v1 <c>OID_TCP_TASK_IPSEC_DELETE_SA</c>.</summary>
    public OidResult DeleteSaV1(ulong handle) => Miniport.OidRequest(OidRequest.V1DeleteSa(new OffloadIpsecDeleteSa(handle), Abi));

    /// <summary>Pushes a new ESN high half with <c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA</c>.</summary>
    public OidResult UpdateSaV2(ulong handle, SaSpec sa, uint sequenceNumberHigh)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return Miniport.OidRequest(OidRequest.V2UpdateSa(new IPsecV2UpdateSa(handle,
            sa.Protocol == IpsecProtocol.Ah ? IPsecV2Operation.Ah : IPsecV2Operation.Esp, sa.Spi, sequenceNumberHigh), Abi));
    }

    /// <summary>Sets the IPsec members of <c>OID_TCP_OFFLOAD_PARAMETERS</c> (others: no change).</summary>
    public OidResult SetIpsecOffload(OffloadParametersIpsec v1 = OffloadParametersIpsec.NoChange,
        OffloadParametersIpsec v2 = OffloadParametersIpsec.NoChange, OffloadParametersIpsec v2IPv4 = OffloadParametersIpsec.NoChange) =>
        Miniport.OidRequest(OidRequest.OffloadParameters(new NdisOffloadParameters(IPsecV1: v1, IPsecV2: v2, IPsecV2IPv4: v2IPv4)));

    /// <summary>
    /// Frames <paramref name="plainPacket"/> for <paramref name="bundle"/> (and an optional tunnel bundle
    /// for transport over tunnel), exactly as the transport hands it to the NIC.
    /// </summary>
    public static FramedPacket Frame(ReadOnlySpan<byte> plainPacket, IReadOnlyList<FramingSa> bundle, IReadOnlyList<FramingSa>? tunnelBundle = null) =>
        PacketFramer.Frame(plainPacket, bundle, tunnelBundle);

    /// <summary>The framing parameters of one SA for one packet.</summary>
    public static FramingSa Framing(SaSpec sa, ulong sequenceNumber, ReadOnlyMemory<byte> iv, TunnelHeader? tunnel = null, UdpEspPorts? udp = null)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (iv.Length != sa.IvLength)
        {
            throw new ArgumentException($"{sa} needs a {sa.IvLength}-byte IV, got {iv.Length}", nameof(iv));
        }

        return new FramingSa
        {
            Protocol = sa.Protocol, Spi = sa.Spi, SequenceNumber = sequenceNumber, Iv = iv, IcvLength = sa.IcvLength,
            EspPadAlignment = sa.Protocol == IpsecProtocol.Esp ? sa.EspPadAlignment : 4, Tunnel = tunnel, UdpEncapsulation = udp,
        };
    }

    /// <summary>An Ethernet II frame around an IP packet (EtherType from the IP version nibble).</summary>
    public static byte[] EthernetFrame(ReadOnlySpan<byte> ipPacket)
    {
        var frame = new byte[EthernetHeaderLength + ipPacket.Length];
        DestinationMac.CopyTo(frame, 0);
        SourceMac.CopyTo(frame, 6);
        ushort etherType = ipPacket.Length > 0 && ipPacket[0] >> 4 == 6 ? EthernetHeader.EtherTypeIPv6 : EthernetHeader.EtherTypeIPv4;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        ipPacket.CopyTo(frame.AsSpan(EthernetHeaderLength));
        return frame;
    }

    /// <summary>
    /// An NBL carrying one NET_BUFFER per frame (Ethernet frames), with <c>OffloadHandle</c>,
    /// <c>TunnelHandle</c> and (v2) the header information of <paramref name="headerInfo"/> in its OOB slots.
    /// <paramref name="splitAt"/> splits every NB's MDL chain at those data offsets.
    /// </summary>
    public NetBufferList BuildNbl(IReadOnlyList<byte[]> frames, ulong offloadHandle, ulong tunnelHandle = 0,
        IPsecOffloadV2HeaderTransmit? headerInfo = null, int[]? splitAt = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        NetBuffer[] buffers = [.. frames.Select(f => NetBuffer.FromBytes(f, (splitAt ?? []).Where(s => s > 0 && s < f.Length).ToArray()))];
        var nbl = new NetBufferList(buffers) { Name = name ?? $"nbl-{Interlocked.Increment(ref _nblCounter)}" };
        nbl.Info.Set(new IPsecOffloadV2Transmit(offloadHandle), Abi);
        nbl.Info.Set(new IPsecOffloadV2TunnelTransmit(tunnelHandle), Abi);
        if (headerInfo is { } info)
        {
            nbl.Info.Set(info, Abi);
        }

        return nbl;
    }

    /// <summary>An NBL for one framed packet: Ethernet frame, handle and the framer's v2 header information.</summary>
    public NetBufferList BuildNbl(FramedPacket framed, ulong offloadHandle, ulong tunnelHandle = 0, int[]? splitAt = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(framed);
        return BuildNbl([EthernetFrame(framed.Packet)], offloadHandle, tunnelHandle, framed.V2HeaderInfo, splitAt, name);
    }

    /// <summary>
    /// Frames a large plaintext TCP packet for combined LSO + ESP (profile layout, AMB-04): ESP header and
    /// IV inserted, no trailer or ICV, <c>PadLength</c> pad bytes at the end; OOB values included.
    /// </summary>
    public static LsoFramedPacket FrameLso(ReadOnlySpan<byte> plainPacket, FramingSa sa, uint mss, LargeSendOffloadType version) =>
        LsoFramer.Frame(plainPacket, sa, mss, version, EthernetHeaderLength);

    /// <summary>
    /// An NBL for one LSO send: one NET_BUFFER (SEND-17) with the Ethernet frame, the handle in slot 1,
    /// the LSOv1/LSOv2 transmit information in slot 2 and the v2 header information in slot 12.
    /// <paramref name="splitAt"/> splits the MDL chain (with LSO all headers must stay in the first MDL, SEND-19).
    /// </summary>
    public NetBufferList BuildLsoNbl(LsoFramedPacket framed, ulong offloadHandle, int[]? splitAt = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(framed);
        NetBufferList nbl = BuildNbl([EthernetFrame(framed.Packet)], offloadHandle, 0, framed.HeaderInfo, splitAt, name);
        nbl.Info[NetBufferListInfoId.TcpLargeSend] = framed.LsoSlot(Abi);
        return nbl;
    }

    private IPsecV2AddSa ToV2AddSa(BundleSpec bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var entries = new List<IPsecV2SecurityAssociation>();
        var keys = new List<byte>();
        foreach (SaSpec sa in bundle.Sas)
        {
            IPsecV2AlgorithmInfo encryption = default, authentication = default;
            if (sa.Encryption is { } e)
            {
                uint additional = e.Kind == CryptoAlgorithmKind.Aead ? IcvLengthField(sa.IcvLength) : 0;
                encryption = IPsecV2AlgorithmInfo.ForEncryption(e.V2Encryption, (uint)sa.EncryptionKey.Length, (uint)keys.Count, additional);
                keys.AddRange(sa.EncryptionKey);
            }

            if (sa.Integrity is { } i)
            {
                uint additional = i.SaltLength > 0 ? IcvLengthField(sa.IcvLength) : 0;
                authentication = IPsecV2AlgorithmInfo.ForAuthentication(i.V2Authentication, (uint)sa.IntegrityKey.Length, (uint)keys.Count, additional);
                keys.AddRange(sa.IntegrityKey);
            }

            entries.Add(new IPsecV2SecurityAssociation(sa.Esn ? IPsecV2SaFlags.Esn : IPsecV2SaFlags.None,
                sa.Protocol == IpsecProtocol.Ah ? IPsecV2Operation.Ah : IPsecV2Operation.Esp, sa.Spi,
                authentication, encryption, sa.SequenceNumberHigh));
        }

        IPsecV2Endpoints endpoints = bundle.IPv6
            ? IPsecV2Endpoints.IPv6(Pad16(bundle.IPv6Endpoints.Source), Pad16(bundle.IPv6Endpoints.Destination))
            : IPsecV2Endpoints.IPv4(bundle.IPv4Endpoints.Source, bundle.IPv4Endpoints.Destination);
        return new IPsecV2AddSa(bundle.IPv6 ? IPsecV2AddSaFlags.IPv6 : IPsecV2AddSaFlags.None, endpoints, 0, bundle.UdpEsp,
            new EquatableArray<IPsecV2SecurityAssociation>([.. entries]), new EquatableArray<byte>([.. keys]));
    }

    private uint IcvLengthField(int icvLength) =>
        (uint)(Profile.GcmIcvLengthUnit == GcmIcvLengthUnit.Bits ? icvLength * 8 : icvLength);

    private static byte[] Pad16(byte[] address) => address.Length == 16 ? address : new byte[16];
}

/// <summary>The outcome of an ADD_SA for one bundle: the request's status and this element's handle (0 = not offloaded).</summary>
/// <param name="Status">The request's status.</param>
/// <param name="Handle">The handle the miniport returned for this element, or 0.</param>
/// <param name="Result">The whole OID result.</param>
public sealed record SaAddResult(NdisStatus Status, ulong Handle, OidResult Result)
{
    /// <summary>True when the element was offloaded.</summary>
    public bool Succeeded => Handle != 0;
}
