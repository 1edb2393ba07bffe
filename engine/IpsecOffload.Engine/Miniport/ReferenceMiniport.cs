using System.Buffers;
using System.Globalization;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Miniport;

/// <summary>
/// The reference IPsec task offload miniport: the yardstick vendors' implementations are judged
/// against. It holds an SA table driven by the v1 and v2 OIDs, and on the send path (without LSO)
/// computes ESP/AH for every NET_BUFFER of every NBL that names an SA, by the conformance profile
/// (with <c>EspIv = Device</c> it writes the ESP IVs itself, <see cref="EspDeviceIv"/>; LSO segments
/// follow AMB-03 under either setting).
/// It behaves like a careful miniport on bad input: the NBL completes with a failure status, none
/// of its frames is transmitted, the other NBLs of the chain are unaffected, and
/// <see cref="SendFailed"/> says why.
/// </summary>
/// <remarks>
/// Sends are processed synchronously inside <see cref="SendNetBufferLists"/> (one at a time) and
/// the whole chain is completed in one batch at the end. Each NB is gathered into a contiguous
/// buffer first, so headers, IVs and trailers split across MDLs at any byte are handled like
/// contiguous ones (SEND-19, AMB-33).
/// </remarks>
public sealed class ReferenceMiniport : IMiniport
{
    /// <summary>Ethernet minimum frame without FCS (SEND-23).</summary>
    public const int MinimumFrameLength = 60;

    private readonly ReferenceMiniportOptions _options;
    private readonly SaOidHandler _sa;
    private readonly object _sendGate = new();
    private IMiniportHost? _host;

    /// <summary>A reference miniport with the given options (defaults: x64, default profile, everything advertised).</summary>
    public ReferenceMiniport(ReferenceMiniportOptions? options = null)
    {
        _options = options ?? new ReferenceMiniportOptions();
        _sa = new SaOidHandler(_options.Abi, _options.IPsecV2, _options.IPsecV1, _options.Profile, _options.Backend);
        Identity = new MiniportIdentity("IpsecConformance reference miniport",
            typeof(ReferenceMiniport).Assembly.GetName().Version?.ToString() ?? "0", _options.Abi);
    }

    /// <summary>Raised for every NBL the send path refuses, with the reason (never with key material).</summary>
    public event EventHandler<SendFailedEventArgs>? SendFailed;

    /// <inheritdoc/>
    public MiniportIdentity Identity { get; }

    /// <summary>The options this miniport was built with.</summary>
    public ReferenceMiniportOptions Options => _options;

    /// <summary>The SA table and OID handler (for diagnostics and white-box tests of the engine).</summary>
    public SaOidHandler Sa => _sa;

    private IMiniportHost Host => _host ?? throw new InvalidOperationException("Initialize has not been called.");

    /// <inheritdoc/>
    public void Initialize(IMiniportHost host) => _host = host ?? throw new ArgumentNullException(nameof(host));

    /// <inheritdoc/>
    public MiniportOffloadReport QueryOffload() => new(HardwareOffload().ToArray(_options.Abi), CurrentOffload().ToArray(_options.Abi));

    /// <inheritdoc/>
    public OidResult OidRequest(OidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        OidResult result = _sa.Handle(request);
        if (request.Oid == NdisOid.TcpOffloadParameters && result.Status == NdisStatus.Success)
        {
            // OID_TCP_OFFLOAD_PARAMETERS: the miniport must indicate its new current configuration (spec §5.5).
            Host.IndicateStatus(NdisStatus.TaskOffloadCurrentConfig, CurrentOffload().ToArray(_options.Abi));
        }

        return result;
    }

    /// <inheritdoc/>
    public NdisStatus Reset()
    {
        _sa.ResetToPowerOn();
        return NdisStatus.Success;
    }

    /// <inheritdoc/>
    public void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
    {
        ArgumentNullException.ThrowIfNull(netBufferLists);
        lock (_sendGate)
        {
            // Plain Next walks, not iterators: the send path allocates nothing per NBL.
            for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
            {
                NdisError? error;
                try
                {
                    error = Send(nbl);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
                {
                    // A bug of ours must not leave an NBL uncompleted or leak into the other NBLs.
                    error = new NdisError(NdisStatus.Failure, "internal", $"reference miniport fault: {e.GetType().Name}: {e.Message}");
                }

                nbl.Status = error?.Status ?? NdisStatus.Success;
                if (error is not null)
                {
                    ReportNothingSent(nbl);
                    SendFailed?.Invoke(this, new SendFailedEventArgs(nbl, error));
                }
            }
        }

        Host.SendNetBufferListsComplete(netBufferLists,
            (flags & NdisSendFlags.DispatchLevel) != 0 ? NdisSendCompleteFlags.DispatchLevel : NdisSendCompleteFlags.None);
    }

    /// <inheritdoc/>
    public void Dispose() => _sa.Halt();

    /// <summary>The capabilities as reported at initialization.</summary>
    public NdisOffload HardwareOffload()
    {
        bool lso = _options.IPsecV2 is { LsoSupported: true };
        const NdisEncapsulation Ethernet = NdisEncapsulation.Ieee8023 | NdisEncapsulation.Ieee8023PAndQ;
        return new NdisOffload
        {
            Header = NdisOffload.CreateHeader(NdisOffload.Revision2, _options.Abi),
            IPsecV1 = _options.IPsecV1 ?? default,
            IPsecV2 = _options.IPsecV2 ?? default,

            // LSO capabilities, valid for IPsec traffic through IPsecV2.LsoSupported (spec §5.3); plain
            // TSO without IPsec is outside this suite and refused on send.
            LsoV1 = lso ? new NdisTcpLargeSendOffloadV1 { IPv4Encapsulation = Ethernet, IPv4MaxOffLoadSize = MaxOffLoadSize, IPv4MinSegmentCount = MinSegmentCount } : default,
            LsoV2 = lso
                ? new NdisTcpLargeSendOffloadV2
                {
                    IPv4Encapsulation = Ethernet, IPv4MaxOffLoadSize = MaxOffLoadSize, IPv4MinSegmentCount = MinSegmentCount,
                    IPv6Encapsulation = Ethernet, IPv6MaxOffLoadSize = MaxOffLoadSize, IPv6MinSegmentCount = MinSegmentCount,
                }
                : default,
        };
    }

    /// <summary>Largest LSO packet advertised (bytes).</summary>
    public const uint MaxOffLoadSize = 65_536;

    /// <summary>Fewest segments an LSO packet must produce (<c>MinSegmentCount</c>).</summary>
    public const uint MinSegmentCount = 2;

    /// <summary>The capabilities as currently configured: services disabled by <c>OID_TCP_OFFLOAD_PARAMETERS</c> read as absent.</summary>
    public NdisOffload CurrentOffload()
    {
        NdisOffload hardware = HardwareOffload();
        NdisIPsecOffloadV2 v2 = hardware.IPsecV2;
        NdisIPsecOffloadV1 v1 = hardware.IPsecV1;
        return hardware with
        {
            IPsecV2 = v2 with
            {
                Ah = v2.Ah && _sa.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Ah, v2.IPv6Supported),
                Esp = v2.Esp && _sa.IsOffloadEnabled(SaVersion.V2, IpsecProtocol.Esp, v2.IPv6Supported),
            },
            IPsecV1 = v1 with
            {
                IPv4Ah = _sa.IsOffloadEnabled(SaVersion.V1, IpsecProtocol.Ah) ? v1.IPv4Ah : default,
                IPv4Esp = _sa.IsOffloadEnabled(SaVersion.V1, IpsecProtocol.Esp) ? v1.IPv4Esp : default,
            },
        };
    }

    private NdisError? Send(NetBufferList nbl)
    {
        if (nbl.FirstNetBuffer is null)
        {
            return new NdisError(NdisStatus.InvalidLength, "NET_BUFFER_LIST", "the NBL has no NET_BUFFER");
        }

        ulong lsoSlot = nbl.Info[NetBufferListInfoId.TcpLargeSend];
        if (!TryReadHandle(nbl, NetBufferListInfoId.IPsecOffload, "OffloadHandle", out ulong offloadHandle, out NdisError? error))
        {
            return error;
        }

        ulong tunnelHandle = nbl.Info[NetBufferListInfoId.IPsecOffloadV2Tunnel];
        if (offloadHandle == 0 && tunnelHandle == 0)
        {
            return lsoSlot == 0
                ? TransmitUnchanged(nbl) // SEND-03: no IPsec offload for this NBL
                : new NdisError(NdisStatus.Failure, "TcpLargeSendNetBufferListInfo",
                    "LSO without IPsec offload: the reference miniport segments only combined LSO + IPsec v2 sends (plain TSO is outside this suite)");
        }

        if (!TryFindBundle(offloadHandle, "OffloadHandle", out OffloadedSaBundle? offload, out error))
        {
            return error;
        }

        // v1 has no tunnel handle (AMB-10): slot 11 means nothing for a v1 SA, whatever it holds.
        OffloadedSaBundle? tunnel = null;
        if (offload?.Version != SaVersion.V1
            && (!TryReadHandle(nbl, NetBufferListInfoId.IPsecOffloadV2Tunnel, "TunnelHandle", out tunnelHandle, out error)
                || !TryFindBundle(tunnelHandle, "TunnelHandle", out tunnel, out error)))
        {
            return error;
        }

        if (lsoSlot != 0)
        {
            return SendLso(nbl, lsoSlot, offload, tunnelHandle);
        }

        if (!IsEnabled(offload) || !IsEnabled(tunnel))
        {
            return _options.Profile.OffloadDisabled == OffloadDisabledBehavior.SendAsIs
                ? TransmitUnchanged(nbl)
                : new NdisError(NdisStatus.Failure, "OID_TCP_OFFLOAD_PARAMETERS",
                    "IPsec offload for this SA's protocol is disabled and the profile says fail (AMB-23)");
        }

        IPsecOffloadV2HeaderTransmit? headerInfo = null;
        ulong headerSlot = nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header];
        if ((offload ?? tunnel)!.Version == SaVersion.V2 && headerSlot != 0)
        {
            if (_options.Abi == NdisAbi.X86 && headerSlot > uint.MaxValue)
            {
                return new NdisError(NdisStatus.Failure, "IPsecOffloadV2HeaderNetBufferListInfo", string.Create(CultureInfo.InvariantCulture,
                    $"slot {(int)NetBufferListInfoId.IPsecOffloadV2Header} holds 0x{headerSlot:x}, wider than an x86 pointer"));
            }

            headerInfo = IPsecOffloadV2HeaderTransmit.FromSlot(headerSlot, _options.Abi);
        }

        // AMB-01: under EspIv = Device the NIC writes every ESP SA's IV itself (EspDeviceIv).
        OutboundRequest request = offload is null
            ? new OutboundRequest(tunnel!.Transforms, tunnel.IsIPv6, headerInfo: null) { EspIv = _options.Profile.EspIv }
            : new OutboundRequest(offload.Transforms, offload.IsIPv6, headerInfo, tunnel?.Transforms) { EspIv = _options.Profile.EspIv };
        return ProcessAndTransmit(nbl, request);
    }

    /// <summary>
    /// Combined LSO + IPsec offload v2 (SEND-07, SEND-14…SEND-20): one NB, an outbound v2 ESP SA, no
    /// tunnel handle (SEND-16). Every segment is a complete ESP packet; the LSO completion value is
    /// written into slot 2 before the NBL completes (SEND-20).
    /// </summary>
    private NdisError? SendLso(NetBufferList nbl, ulong lsoSlot, OffloadedSaBundle? offload, ulong tunnelHandle)
    {
        NdisError? error = LsoPreconditions(nbl, offload);
        if (error is null && !IsEnabled(offload))
        {
            error = new NdisError(NdisStatus.Failure, "OID_TCP_OFFLOAD_PARAMETERS",
                "IPsec offload for this SA's protocol is disabled; an LSO send cannot go out without it (no plain TSO here)");
        }

        if (error is not null)
        {
            return error;
        }

        if (_options.Abi == NdisAbi.X86 && (lsoSlot > uint.MaxValue || nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header] > uint.MaxValue))
        {
            return new NdisError(NdisStatus.Failure, "TcpLargeSendNetBufferListInfo", "LSO or header slot wider than an x86 pointer");
        }

        NetBuffer nb = nbl.FirstNetBuffer!;
        LsoRequest request = LsoRequest.FromSlot(lsoSlot, _options.Abi,
            IPsecOffloadV2HeaderTransmit.FromSlot(nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header], _options.Abi)) with
        {
            IsIPv6Sa = offload!.IsIPv6,
            TunnelHandlePresent = tunnelHandle != 0,
            FirstMdlLength = FirstMdlDataLength(nb),
            Mtu = _options.Mtu,
        };

        byte[] frame = ArrayPool<byte>.Shared.Rent(Math.Max(nb.DataLength, MinimumFrameLength));
        try
        {
            nb.CopyTo(frame);
            if (!EthernetHeader.TryRead(frame.AsSpan(0, nb.DataLength), out EthernetHeader ethernet, out WireFault fault))
            {
                return fault.ToNdisError("Ethernet", 0);
            }

            request = request with { LinkHeaderLength = ethernet.Length };
            if (!LsoSegmenter.TrySegment(frame.AsSpan(ethernet.Length, nb.DataLength - ethernet.Length), offload.Esp!, request,
                    out LsoSegmentation? result, out error))
            {
                return error;
            }

            byte[] segmentFrame = new byte[ethernet.Length + result!.Segments.Max(x => x.Length)];
            frame.AsSpan(0, ethernet.Length).CopyTo(segmentFrame);
            foreach (byte[] segment in result.Segments)
            {
                segment.CopyTo(segmentFrame, ethernet.Length);
                Transmit(nbl, segmentFrame, ethernet.Length + segment.Length);
            }

            nbl.Info[NetBufferListInfoId.TcpLargeSend] = result.CompletionSlot(_options.Abi); // SEND-20
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame, clearArray: true);
        }
    }

    /// <summary>
    /// A refused LSOv1 NBL reports 0 TCP payload bytes sent (SEND-20), whichever check refused it — also
    /// the ones before the LSO path (no handle, unknown handle, slot wider than an x86 pointer). Without
    /// this the transport would read the untouched transmit word (MSS, TcpHeaderOffset) as a byte count.
    /// </summary>
    private void ReportNothingSent(NetBufferList nbl)
    {
        ulong lsoSlot = nbl.Info[NetBufferListInfoId.TcpLargeSend];
        // The LSO structure lives in the slot's low 32 bits (spec §2.6); its Type member says v1 or v2.
        if (lsoSlot != 0 && LsoV1Transmit.FromSlot(unchecked((uint)lsoSlot), _options.Abi).Type == LargeSendOffloadType.V1)
        {
            nbl.Info.Set(new LsoV1TransmitComplete(0, LargeSendOffloadType.V1), _options.Abi);
        }
    }

    private static NdisError? LsoPreconditions(NetBufferList nbl, OffloadedSaBundle? offload)
    {
        if (nbl.FirstNetBuffer!.Next is not null)
        {
            return new NdisError(NdisStatus.InvalidLength, "NET_BUFFER_LIST",
                $"an LSO NBL carries exactly one NET_BUFFER (SEND-17); this one has {nbl.CountNetBuffers()}");
        }

        if (offload is null)
        {
            return new NdisError(NdisStatus.Failure, "OffloadHandle", "LSO with a tunnel handle only: the transport never offloads a large packet through a tunnel (SEND-16)");
        }

        if (offload.Version != SaVersion.V2)
        {
            return new NdisError(NdisStatus.Failure, "OffloadHandle",
                "LSO with an IPsec offload v1 SA: NDIS configures v1 IPsec or LSO, never both (combining task offloads)");
        }

        return offload.Transforms.Count == 1 && offload.Esp is not null
            ? null
            : new NdisError(NdisStatus.Failure, "OffloadHandle",
                $"LSO with {offload}: only ESP SAs are segmented under LSO (AH under LSO is not claimed, docs/decisions/lso-bad-input.md)");
    }

    private static int FirstMdlDataLength(NetBuffer nb)
    {
        // Bytes of the frame in the MDL holding its first byte (SEND-19: with LSO all headers are there).
        int skip = nb.DataOffset;
        for (Mdl? mdl = nb.FirstMdl; mdl is not null; mdl = mdl.Next)
        {
            if (skip < mdl.ByteCount)
            {
                return Math.Min(mdl.ByteCount - skip, nb.DataLength);
            }

            skip -= mdl.ByteCount;
        }

        return 0;
    }

    private bool TryReadHandle(NetBufferList nbl, NetBufferListInfoId slot, string name, out ulong handle, out NdisError? error)
    {
        handle = nbl.Info[slot];
        if (_options.Abi == NdisAbi.X86 && handle > uint.MaxValue)
        {
            error = new NdisError(NdisStatus.Failure, name,
                string.Create(CultureInfo.InvariantCulture, $"slot {(int)slot} holds 0x{handle:x}, wider than an x86 pointer"));
            return false;
        }

        error = null;
        return true;
    }

    private bool TryFindBundle(ulong handle, string name, out OffloadedSaBundle? bundle, out NdisError? error)
    {
        bundle = null;
        error = null;
        if (handle == 0)
        {
            return true;
        }

        if (!_sa.Store.TryGet(handle, out bundle) || bundle is null)
        {
            // SEND-04: a handle that matches no offloaded SA fails the send.
            error = new NdisError(NdisStatus.Failure, name,
                string.Create(CultureInfo.InvariantCulture, $"0x{handle:x} names no offloaded SA (never added, or deleted)"));
            return false;
        }

        if (bundle.Direction != SaDirection.Outbound)
        {
            error = new NdisError(NdisStatus.Failure, name,
                string.Create(CultureInfo.InvariantCulture, $"0x{handle:x} names an inbound SA; a send needs an outbound one"));
            bundle = null;
            return false;
        }

        return true;
    }

    private bool IsEnabled(OffloadedSaBundle? bundle)
    {
        if (bundle is null)
        {
            return true;
        }

        IReadOnlyList<SaTransform> transforms = bundle.Transforms;
        for (int i = 0; i < transforms.Count; i++)
        {
            if (!_sa.IsOffloadEnabled(bundle.Version, transforms[i].Protocol, bundle.IsIPv6))
            {
                return false;
            }
        }

        return true;
    }

    private NdisError? TransmitUnchanged(NetBufferList nbl)
    {
        for (NetBuffer? nb = nbl.FirstNetBuffer; nb is not null; nb = nb.Next)
        {
            byte[] frame = ArrayPool<byte>.Shared.Rent(Math.Max(nb.DataLength, MinimumFrameLength));
            try
            {
                nb.CopyTo(frame);
                Transmit(nbl, frame, nb.DataLength);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }

        return null;
    }

    private NdisError? ProcessAndTransmit(NetBufferList nbl, OutboundRequest request)
    {
        NetBuffer first = nbl.FirstNetBuffer!;
        if (first.Next is null)
        {
            // One NB (the common case): no list of pending frames.
            byte[] frame = ArrayPool<byte>.Shared.Rent(Math.Max(first.DataLength, MinimumFrameLength));
            try
            {
                first.CopyTo(frame);
                if (Process(frame.AsSpan(0, first.DataLength), request) is { } error)
                {
                    return error with { Message = "NET_BUFFER 0: " + error.Message };
                }

                Transmit(nbl, frame, first.DataLength);
                return null;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame, clearArray: true);
            }
        }

        // Every NB is processed before any is transmitted: a refused NBL sends nothing.
        var frames = new List<(byte[] Buffer, int Length)>();
        try
        {
            int index = 0;
            for (NetBuffer? nb = first; nb is not null; nb = nb.Next, index++)
            {
                byte[] frame = ArrayPool<byte>.Shared.Rent(Math.Max(nb.DataLength, MinimumFrameLength));
                frames.Add((frame, nb.DataLength));
                nb.CopyTo(frame);
                if (Process(frame.AsSpan(0, nb.DataLength), request) is { } error)
                {
                    return error with { Message = string.Create(CultureInfo.InvariantCulture, $"NET_BUFFER {index}: {error.Message}") };
                }
            }

            foreach ((byte[] buffer, int length) in frames)
            {
                Transmit(nbl, buffer, length);
            }

            return null;
        }
        finally
        {
            foreach ((byte[] buffer, _) in frames)
            {
                ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            }
        }
    }

    private static NdisError? Process(Span<byte> frame, in OutboundRequest request)
    {
        if (!EthernetHeader.TryRead(frame, out EthernetHeader ethernet, out WireFault fault))
        {
            return fault.ToNdisError("Ethernet", 0);
        }

        if (ethernet.EtherType is not (EthernetHeader.EtherTypeIPv4 or EthernetHeader.EtherTypeIPv6))
        {
            return new NdisError(NdisStatus.Failure, "Ethernet.EtherType",
                string.Create(CultureInfo.InvariantCulture, $"0x{ethernet.EtherType:x4} is not IPv4 or IPv6; an IPsec offload NBL must carry IP"));
        }

        return OutboundProcessor.Process(frame[ethernet.Length..], request);
    }

    private void Transmit(NetBufferList nbl, byte[] buffer, int length)
    {
        if (_options.Profile.PadShortFrames && length < MinimumFrameLength)
        {
            buffer.AsSpan(length, MinimumFrameLength - length).Clear(); // SEND-23
            length = MinimumFrameLength;
        }

        Host.Transmit(nbl, buffer.AsSpan(0, length));
    }
}

/// <summary>Why the reference miniport refused an NBL.</summary>
/// <param name="netBufferList">The NBL, completed with <see cref="NdisError.Status"/>.</param>
/// <param name="error">Status, field and message.</param>
public sealed class SendFailedEventArgs(NetBufferList netBufferList, NdisError error) : EventArgs
{
    /// <summary>The refused NBL.</summary>
    public NetBufferList NetBufferList { get; } = netBufferList;

    /// <summary>The status it completed with and why.</summary>
    public NdisError Error { get; } = error;
}
