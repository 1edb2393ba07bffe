using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Send;

/// <summary>
/// The per-NBL inputs of <see cref="OutboundProcessor"/>: the SA bundle the <c>OffloadHandle</c> names
/// (in <c>SecAssoc[]</c> order: [ESP], [AH] or [ESP, AH], SEND-11/AMB-22), the optional bundle the
/// <c>TunnelHandle</c> names (transport over tunnel, SEND-05/06), whether the SA was added with
/// <c>IPSEC_OFFLOAD_V2_IPv6</c>, the v2 header OOB word (null for v1, where the NIC parses, SEND-27),
/// and who writes the ESP IVs (<see cref="EspIv"/>, AMB-01).
/// Build it once per bundle and reuse it: it holds references only.
/// </summary>
public readonly struct OutboundRequest
{
    /// <summary>Creates the request; throws when a bundle is not [ESP], [AH] or [ESP, AH].</summary>
    public OutboundRequest(IReadOnlyList<SaTransform> bundle, bool isIPv6Sa, IPsecOffloadV2HeaderTransmit? headerInfo = null,
        IReadOnlyList<SaTransform>? tunnelBundle = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        CheckBundle(bundle, nameof(bundle));
        if (tunnelBundle is not null)
        {
            CheckBundle(tunnelBundle, nameof(tunnelBundle));
        }

        Bundle = bundle;
        IsIPv6Sa = isIPv6Sa;
        HeaderInfo = headerInfo;
        TunnelBundle = tunnelBundle;
    }

    /// <summary>The <c>OffloadHandle</c> bundle: ESP before AH.</summary>
    public IReadOnlyList<SaTransform> Bundle { get; }

    /// <summary>True when the SA endpoints are IPv6; checked against the outermost IP header.</summary>
    public bool IsIPv6Sa { get; }

    /// <summary>The v2 <c>NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO.Transmit</c> word, or null for v1.</summary>
    public IPsecOffloadV2HeaderTransmit? HeaderInfo { get; }

    /// <summary>The <c>TunnelHandle</c> bundle (applied after <see cref="Bundle"/>), or null.</summary>
    public IReadOnlyList<SaTransform>? TunnelBundle { get; }

    /// <summary>
    /// AMB-01: <see cref="EspIvSource.Transport"/> (the default) encrypts with the IV the transport
    /// placed and leaves it on the wire; <see cref="EspIvSource.Device"/> first overwrites the IV of
    /// every ESP SA applied (offload and tunnel bundle) with <see cref="EspDeviceIv"/> for the packet's
    /// full sequence number. AH IVs (AES-GMAC) are always the transport's.
    /// </summary>
    public EspIvSource EspIv { get; init; }

    internal static SaTransform? Find(IReadOnlyList<SaTransform> bundle, IpsecProtocol protocol)
    {
        for (int i = 0; i < bundle.Count; i++)
        {
            if (bundle[i].Protocol == protocol)
            {
                return bundle[i];
            }
        }

        return null;
    }

    private static void CheckBundle(IReadOnlyList<SaTransform> bundle, string parameter)
    {
        bool ok = bundle.Count switch
        {
            1 => bundle[0] is not null,
            2 => bundle[0]?.Protocol == IpsecProtocol.Esp && bundle[1]?.Protocol == IpsecProtocol.Ah,
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException($"An SA bundle is [ESP], [AH] or [ESP, AH] (SEND-11); got {bundle.Count} entries.", parameter);
        }

        foreach (SaTransform sa in bundle)
        {
            if (sa.Protocol == IpsecProtocol.Esp && sa.Cipher is not null && sa.Integrity is { IvLength: > 0 })
            {
                throw new ArgumentException($"SA {sa}: AES-GMAC is ESP's only transform (ENCR_NULL_AUTH_AES_GMAC); it takes no separate cipher.", parameter);
            }
        }
    }
}
