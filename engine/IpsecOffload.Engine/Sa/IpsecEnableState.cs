using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Engine.Sa;

/// <summary>Which IPsec offload services are enabled for one version (transmit and receive).</summary>
[Flags]
public enum IpsecOffloadServices
{
    /// <summary>IPsec offload disabled (<c>…_IPSECV*_DISABLED</c>).</summary>
    None = 0,
    /// <summary>AH offload enabled.</summary>
    Ah = 1,
    /// <summary>ESP offload enabled.</summary>
    Esp = 2,
    /// <summary>AH and ESP offload enabled.</summary>
    AhAndEsp = Ah | Esp,
}

/// <summary>
/// The IPsec members of the current offload configuration as <c>OID_TCP_OFFLOAD_PARAMETERS</c> left
/// them (spec digest §5.5), already limited to what the capabilities advertise.
/// </summary>
/// <param name="V1">IPsec offload v1 (<c>IPsecV1</c>).</param>
/// <param name="V2">IPsec offload v2 for IPv4 and IPv6 (<c>IPsecV2</c>); on an IPv4-only adapter the IPv6 half is unused.</param>
/// <param name="V2IPv4">
/// IPsec offload v2 for IPv4 on an adapter without IPv6 support (<c>IPsecV2IPv4</c>, AMB-39); on an
/// IPv6-capable adapter it always equals <see cref="V2"/> (the member is not used there).
/// </param>
public readonly record struct IpsecEnableState(IpsecOffloadServices V1, IpsecOffloadServices V2, IpsecOffloadServices V2IPv4)
{
    /// <summary>True when <paramref name="protocol"/> offload is enabled for <paramref name="version"/> and the IP version.</summary>
    public bool IsEnabled(SaVersion version, IpsecProtocol protocol, bool ipv6 = false)
    {
        IpsecOffloadServices wanted = protocol == IpsecProtocol.Ah ? IpsecOffloadServices.Ah : IpsecOffloadServices.Esp;
        IpsecOffloadServices current = version == SaVersion.V1 ? (ipv6 ? IpsecOffloadServices.None : V1) : ipv6 ? V2 : V2IPv4;
        return (current & wanted) != 0;
    }

    /// <summary>The services an <c>NDIS_OFFLOAD_PARAMETERS_IPSECV*</c> value asks for; null for NO_CHANGE.</summary>
    public static IpsecOffloadServices? FromParameter(OffloadParametersIpsec value) => value switch
    {
        OffloadParametersIpsec.Disabled => IpsecOffloadServices.None,
        OffloadParametersIpsec.AhEnabled => IpsecOffloadServices.Ah,
        OffloadParametersIpsec.EspEnabled => IpsecOffloadServices.Esp,
        OffloadParametersIpsec.AhAndEspEnabled => IpsecOffloadServices.AhAndEsp,
        _ => null,
    };
}

/// <summary>What the handler recorded about the last SA OID request, for diagnostics.</summary>
/// <param name="Oid">The OID.</param>
/// <param name="Status">The status the request completed with.</param>
/// <param name="ElementErrors">
/// Per element (ADD_SA / DELETE_SA chain order; one element for the single-structure OIDs): why it
/// failed, or null when it succeeded. Empty when the buffer itself was rejected.
/// </param>
/// <param name="Handles">Per element: the handle written back (0 = failed) for ADD requests; the handle named for DELETE/UPDATE.</param>
public sealed record SaRequestDiagnostics(NdisOid Oid, NdisStatus Status, IReadOnlyList<NdisError?> ElementErrors, IReadOnlyList<ulong> Handles)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Oid.ToNdisName()} → {Status.ToNdisName()}; " +
        string.Join("; ", ElementErrors.Select((e, i) => $"[{i}] {(e is null ? "ok" : e.ToString())}"));
}
