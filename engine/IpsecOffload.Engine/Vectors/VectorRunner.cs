using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Vectors;

/// <summary>
/// Runs a transform or LSO vector against any <see cref="IMiniport"/> through the
/// <see cref="TransportSimulator"/>: adds the vector's SA(s) with <c>ADD_SA</c>, frames the plaintext
/// packet as the transport would (the vector's sequence number, IV, outer header and UDP ports; for LSO
/// the large packet with its LSO and IPsec v2 OOB words), sends it as one NBL and collects what the
/// miniport transmitted and the completion (status, and for LSO slot 2 as completed). The caller
/// judges (transform: byte comparison against <see cref="GoldenVector.WirePacket"/>; LSO:
/// <see cref="LsoVectorJudge"/>).
/// </summary>
public static class VectorRunner
{
    /// <summary>
    /// Runs <paramref name="vector"/> on <paramref name="miniport"/>, which must already be initialized
    /// with <paramref name="host"/>. The miniport is reset first and its SA deleted afterwards. LSO
    /// vectors go to <see cref="RunLso"/>.
    /// </summary>
    public static VectorOutcome Run(GoldenVector vector, IMiniport miniport, RecordingMiniportHost host, int[]? splitAt = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(miniport);
        ArgumentNullException.ThrowIfNull(host);
        if (vector.Kind == VectorKind.Lso)
        {
            return RunLso(vector, miniport, host, splitAt);
        }

        if (!TryPrepare(vector, out PreparedVector? prepared, out string? problem))
        {
            return VectorOutcome.SetupFailed(vector, problem!);
        }

        miniport.Reset();
        host.Clear();
        var simulator = new TransportSimulator(miniport);
        SaAddResult added = simulator.AddSaV2(prepared!.Bundle);
        if (!added.Succeeded)
        {
            return VectorOutcome.SetupFailed(vector,
                $"ADD_SA failed with {added.Status.ToNdisName()}; the adapter did not offload the vector's SA");
        }

        FramedPacket framed;
        try
        {
            framed = TransportSimulator.Frame(vector.PlainPacket, prepared.Framing);
        }
        catch (ArgumentException e)
        {
            return VectorOutcome.SetupFailed(vector, $"the transport cannot frame this vector: {e.Message}");
        }

        NetBufferList nbl = simulator.BuildNbl(framed, added.Handle, splitAt: splitAt, name: vector.Id);
        miniport.SendNetBufferLists(nbl, NdisSendFlags.None);
        IReadOnlyList<CompletionEvent> completions = host.CompletionsOf(nbl);
        IReadOnlyList<byte[]> frames = host.FramesOf(nbl);
        simulator.DeleteSaV2(added.Handle);
        return new VectorOutcome(vector, completions.Count == 1 ? completions[0].Status : null, completions.Count,
            [.. frames.Select(StripEthernet)], [.. frames], framed.Packet, null);
    }

    /// <summary>
    /// Runs LSO vector <paramref name="vector"/> on <paramref name="miniport"/> (initialized with
    /// <paramref name="host"/>; reset first, SA deleted afterwards): frames the large packet with
    /// <see cref="TransportSimulator.FrameLso"/> (64-bit SN and IV of the vector, its MSS and LSO
    /// version), sends it as one LSO NBL and reads slot 2 as it was at completion: LSOv1 gives
    /// <see cref="VectorOutcome.TcpPayload"/>; LSOv2 must say Type V2 with Reserved 0 (SEND-20) and gives
    /// null. A completion slot that does not read as the vector's version is
    /// <see cref="VectorOutcome.CompletionProblem"/>.
    /// </summary>
    public static VectorOutcome RunLso(GoldenVector vector, IMiniport miniport, RecordingMiniportHost host, int[]? splitAt = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(miniport);
        ArgumentNullException.ThrowIfNull(host);
        if (!TryPrepare(vector, out PreparedVector? prepared, out string? problem))
        {
            return VectorOutcome.SetupFailed(vector, problem!);
        }

        LargeSendOffloadType version = LsoVersion(vector.Lso!);
        LsoFramedPacket framed;
        try
        {
            framed = TransportSimulator.FrameLso(vector.PlainPacket, prepared!.Framing[0], (uint)vector.Lso!.Mss, version);
        }
        catch (ArgumentException e)
        {
            return VectorOutcome.SetupFailed(vector, $"the transport cannot frame this LSO vector: {e.Message}");
        }

        miniport.Reset();
        host.Clear();
        var simulator = new TransportSimulator(miniport);
        SaAddResult added = simulator.AddSaV2(prepared.Bundle);
        if (!added.Succeeded)
        {
            return VectorOutcome.SetupFailed(vector,
                $"ADD_SA failed with {added.Status.ToNdisName()}; the adapter did not offload the vector's SA");
        }

        NetBufferList nbl = simulator.BuildLsoNbl(framed, added.Handle, splitAt: splitAt, name: vector.Id);
        miniport.SendNetBufferLists(nbl, NdisSendFlags.None);
        IReadOnlyList<CompletionEvent> completions = host.CompletionsOf(nbl);
        IReadOnlyList<byte[]> frames = host.FramesOf(nbl);
        simulator.DeleteSaV2(added.Handle);
        (long? tcpPayload, string? completionProblem) = completions.Count == 1
            ? ReadLsoCompletion(completions[0].Info[(int)NetBufferListInfoId.TcpLargeSend], version, simulator.Abi)
            : (null, null);
        return new VectorOutcome(vector, completions.Count == 1 ? completions[0].Status : null, completions.Count,
            [.. frames.Select(StripEthernet)], [.. frames], framed.Packet, null)
        {
            TcpPayload = tcpPayload,
            CompletionProblem = completionProblem,
        };
    }

    /// <summary>The NDIS LSO version a vector's <c>lso.version</c> names (1 or 2).</summary>
    public static LargeSendOffloadType LsoVersion(VectorLso lso)
    {
        ArgumentNullException.ThrowIfNull(lso);
        return lso.Version == 1 ? LargeSendOffloadType.V1 : LargeSendOffloadType.V2;
    }

    // SEND-20: LSOv1 completion = TcpPayload bytes sent, Type V1; LSOv2 completion = Reserved 0, Type V2.
    private static (long? TcpPayload, string? Problem) ReadLsoCompletion(ulong slot, LargeSendOffloadType version, NdisAbi abi)
    {
        try
        {
            if (version == LargeSendOffloadType.V1)
            {
                LsoV1TransmitComplete v1 = LsoV1TransmitComplete.FromSlot(slot, abi);
                return v1.Type == LargeSendOffloadType.V1
                    ? (v1.TcpPayload, null)
                    : (v1.TcpPayload, $"the LSOv1 completion in slot 2 (0x{slot:x}) has Type {v1.Type}, expected V1");
            }

            LsoV2TransmitComplete v2 = LsoV2TransmitComplete.FromSlot(slot, abi);
            return v2.Type != LargeSendOffloadType.V2
                ? (null, $"the LSOv2 completion in slot 2 (0x{slot:x}) has Type {v2.Type}, expected V2")
                : v2.Reserved != 0
                    ? (null, $"the LSOv2 completion in slot 2 (0x{slot:x}) has Reserved 0x{v2.Reserved:x}, expected 0")
                    : (null, null);
        }
        catch (ArgumentException e)
        {
            return (null, $"slot 2 (0x{slot:x}) at completion does not read as an LSO completion: {e.Message}");
        }
    }

    /// <summary>The IP packet inside an Ethernet frame, without the frame's minimum-size padding.</summary>
    public static byte[] StripEthernet(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!EthernetHeader.TryRead(frame, out EthernetHeader ethernet))
        {
            return frame;
        }

        ReadOnlySpan<byte> ip = frame.AsSpan(ethernet.Length);
        int length = ip.Length;
        if (ip.Length >= IPv4Header.MinimumLength && ip[0] >> 4 == 4)
        {
            length = Math.Min(length, BinaryPrimitives.ReadUInt16BigEndian(ip[2..]));
        }
        else if (ip.Length >= IPv6Header.Length && ip[0] >> 4 == 6)
        {
            length = Math.Min(length, IPv6Header.Length + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]));
        }

        return ip[..length].ToArray();
    }

    /// <summary>The SA bundle and framing a vector describes, or why it cannot be run.</summary>
    public static bool TryPrepare(GoldenVector vector, out PreparedVector? prepared, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(vector);
        prepared = null;
        bool lso = vector.Kind == VectorKind.Lso;
        if (lso ? vector.Lso is null : vector.Kind != VectorKind.Transform || vector.WirePacket is null)
        {
            problem = lso ? "the LSO vector has no lso object" : $"{vector.Kind} vectors are not run by the transform runner";
            return false;
        }

        if (lso && (vector.Mode == VectorMode.Tunnel || vector.UdpEncap is not null || vector.AhSa is not null || vector.Proto != VectorProtocol.Esp))
        {
            problem = "LSO with IPsec takes one transport-mode ESP SA without UDP encapsulation (SEND-16)";
            return false;
        }

        if (!VectorAlgorithms.TryResolve(vector, out ResolvedAlgorithms algorithms, out problem))
        {
            return false;
        }

        // LSO is transport-mode only (SEND-16): the plain packet's IP header is the outer one.
        byte[] outer = vector.WirePacket ?? vector.PlainPacket;
        bool outerIPv6 = outer.Length > 0 && outer[0] >> 4 == 6;
        SaSpec first = ToSaSpec(vector.Proto == VectorProtocol.Esp ? IpsecProtocol.Esp : IpsecProtocol.Ah, vector.Spi, vector.Esn,
            vector.SeqHigh, algorithms, vector.Encryption, vector.Integrity, vector.IcvLength);
        var sas = new List<SaSpec> { first };
        TunnelHeader? tunnel = null;
        if (vector.Mode == VectorMode.Tunnel && !TryTunnelHeader(vector, out tunnel, out problem))
        {
            return false;
        }

        UdpEspPorts? udp = vector.UdpEncap is { } u ? new UdpEspPorts(u.Sport, u.Dport) : null;
        var framing = new List<FramingSa> { TransportSimulator.Framing(first, vector.Sequence64, vector.Iv, tunnel, udp) };
        if (vector.AhSa is { } ah)
        {
            if (!VectorAlgorithms.TryResolveIntegrity(ah.Integrity, out CryptoAlgorithm? ahAlgorithm, out problem))
            {
                return false;
            }

            SaSpec ahSpec = ToSaSpec(IpsecProtocol.Ah, ah.Spi, ah.Esn, ah.SeqHigh, new ResolvedAlgorithms(null, ahAlgorithm), null, ah.Integrity, ah.IcvLength);
            sas.Add(ahSpec);
            framing.Add(TransportSimulator.Framing(ahSpec, ((ulong)ah.SeqHigh << 32) | ah.Seq, ah.Iv));
        }

        var bundle = new BundleSpec
        {
            Sas = sas,
            IPv6 = outerIPv6,
            UdpEsp = udp is null ? IPsecV2UdpEspEncapsulation.None
                : vector.Mode == VectorMode.Tunnel ? IPsecV2UdpEspEncapsulation.Tunnel : IPsecV2UdpEspEncapsulation.Transport,
        };
        prepared = new PreparedVector(bundle, framing);
        problem = null;
        return true;
    }

    private static SaSpec ToSaSpec(IpsecProtocol protocol, uint spi, bool esn, uint seqHigh, ResolvedAlgorithms algorithms,
        VectorEncryption? encryption, VectorIntegrity? integrity, int icvLength)
    {
        CryptoAlgorithm? cipher = algorithms.Encryption, mac = algorithms.Integrity;
        byte[] cipherKey = encryption is null ? [] : [.. encryption.Key, .. encryption.Salt ?? []];
        byte[] macKey = integrity is null ? [] : [.. integrity.Key, .. integrity.Salt ?? []];
        if (cipher?.Kind == CryptoAlgorithmKind.Integrity)
        {
            // ESP with AES-GMAC (ENCR_NULL_AUTH_AES_GMAC): ENCRYPTION_NONE plus GMAC authentication.
            (mac, macKey, cipher, cipherKey) = (cipher, cipherKey, CryptoAlgorithm.EspNull, []);
        }

        return new SaSpec
        {
            Protocol = protocol, Spi = spi, Esn = esn, SequenceNumberHigh = seqHigh, IcvLength = icvLength,
            Encryption = protocol == IpsecProtocol.Ah ? null : cipher, EncryptionKey = protocol == IpsecProtocol.Ah ? [] : cipherKey,
            Integrity = mac, IntegrityKey = macKey,
        };
    }

    private static bool TryTunnelHeader(GoldenVector vector, out TunnelHeader? tunnel, out string? problem)
    {
        byte[] outer = vector.Tunnel?.OuterHeader ?? vector.WirePacket!;
        tunnel = null;
        if (outer.Length > 0 && outer[0] >> 4 == 6)
        {
            if (!IPv6Header.TryRead(outer, out IPv6Header v6))
            {
                problem = "tunnel outer IPv6 header is truncated";
                return false;
            }

            tunnel = TunnelHeader.IPv6(v6.Source.Span, v6.Destination.Span, v6.HopLimit, v6.TrafficClass, v6.FlowLabel);
        }
        else
        {
            if (!IPv4Header.TryRead(outer, out IPv4Header v4))
            {
                problem = "tunnel outer IPv4 header is truncated";
                return false;
            }

            if (v4.HeaderLength != IPv4Header.MinimumLength)
            {
                problem = $"tunnel outer IPv4 header has {v4.HeaderLength - IPv4Header.MinimumLength} option bytes; the transport builds no options";
                return false;
            }

            tunnel = TunnelHeader.IPv4(v4.Source, v4.Destination, v4.Ttl, v4.Identification, v4.Flags, v4.TypeOfService);
        }

        problem = null;
        return true;
    }
}

/// <summary>What a vector needs from the transport: its SA bundle and its per-packet framing.</summary>
/// <param name="Bundle">The SA bundle to add.</param>
/// <param name="Framing">Framing of each SA of the bundle for the vector's packet.</param>
public sealed record PreparedVector(BundleSpec Bundle, IReadOnlyList<FramingSa> Framing);

/// <summary>What happened when a vector ran.</summary>
/// <param name="Vector">The vector.</param>
/// <param name="Status">The NBL's completion status, or null when it was not completed exactly once.</param>
/// <param name="Completions">How many times the NBL was completed.</param>
/// <param name="WirePackets">The IP packets transmitted (Ethernet header and padding removed).</param>
/// <param name="Frames">The frames transmitted, as sent.</param>
/// <param name="FramedPacket">The packet as the transport handed it to the miniport.</param>
/// <param name="SetupProblem">Why the vector could not be run at all, or null.</param>
public sealed record VectorOutcome(GoldenVector Vector, NdisStatus? Status, int Completions, IReadOnlyList<byte[]> WirePackets,
    IReadOnlyList<byte[]> Frames, byte[]? FramedPacket, string? SetupProblem)
{
    /// <summary>LSOv1 vectors: the <c>TcpPayload</c> the completion reported in slot 2; null otherwise (LSOv2 has no byte count).</summary>
    public long? TcpPayload { get; init; }

    /// <summary>LSO vectors: why slot 2 at completion is not a valid completion of the vector's LSO version, or null.</summary>
    public string? CompletionProblem { get; init; }

    internal static VectorOutcome SetupFailed(GoldenVector vector, string problem) => new(vector, null, 0, [], [], null, problem);
}
