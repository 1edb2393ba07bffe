using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Cases;

/// <summary>
/// What an adapter advertises: its <c>NDIS_OFFLOAD</c> hardware capabilities decoded with the adapter's
/// ABI. Cases ask it whether a feature is claimed; an adapter whose report does not decode claims nothing.
/// </summary>
public sealed class AdapterCapabilities
{
    private AdapterCapabilities(NdisOffload? hardware, string? problem)
    {
        Hardware = hardware;
        Problem = problem;
    }

    /// <summary>The decoded hardware capabilities, or null when the report did not decode.</summary>
    public NdisOffload? Hardware { get; }

    /// <summary>Why the report did not decode, or null.</summary>
    public string? Problem { get; }

    /// <summary>The IPsec v2 part of the hardware capabilities (all zero when absent).</summary>
    public NdisIPsecOffloadV2 V2 => Hardware?.IPsecV2 ?? default;

    /// <summary>The IPsec v1 part of the hardware capabilities (all zero when absent).</summary>
    public NdisIPsecOffloadV1 V1 => Hardware?.IPsecV1 ?? default;

    /// <summary>Queries <paramref name="miniport"/> and decodes its hardware capabilities.</summary>
    public static AdapterCapabilities Query(IMiniport miniport)
    {
        ArgumentNullException.ThrowIfNull(miniport);
        MiniportOffloadReport report = miniport.QueryOffload();
        return NdisOffload.TryRead(report.Hardware, miniport.Identity.Abi, out NdisOffload offload, out NdisError? error)
            ? new AdapterCapabilities(offload, null)
            : new AdapterCapabilities(null, $"NDIS_OFFLOAD hardware capabilities do not decode: {error}");
    }

    /// <summary>Capabilities made from a decoded structure (tests).</summary>
    public static AdapterCapabilities From(NdisOffload hardware) => new(hardware, null);
}
