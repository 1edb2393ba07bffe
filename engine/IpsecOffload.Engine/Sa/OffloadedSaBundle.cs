using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Engine.Sa;

/// <summary>Which IPsec task offload version added an SA bundle.</summary>
public enum SaVersion
{
    /// <summary>IPsec offload v1 (<c>OID_TCP_TASK_IPSEC_ADD_SA</c> / <c>…_ADD_UDPESP_SA</c>).</summary>
    V1,
    /// <summary>IPsec offload v2 (<c>OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA</c> / <c>…_ADD_SA_EX</c>).</summary>
    V2,
}

/// <summary>The direction of an SA bundle.</summary>
public enum SaDirection
{
    /// <summary>Send side: the only direction the send path uses.</summary>
    Outbound,
    /// <summary>Receive side: accepted and stored, never used on send.</summary>
    Inbound,
}

/// <summary>
/// What one offload handle names (spec digest §3.3, §4.4: an "SA bundle"): the version and direction
/// of the ADD request, its selector (v2 endpoints or the v1 filter with tunnel addresses), its UDP-ESP
/// encapsulation, and the SAs in <c>SecAssoc</c> order (ESP first, then AH). The bundle owns the
/// <see cref="SaTransform"/>s; disposing it zeroes their key material.
/// </summary>
public sealed class OffloadedSaBundle : IDisposable
{
    private readonly SaTransform[] _transforms;
    private int _disposed;

    /// <summary>A bundle from a v2 ADD_SA / ADD_SA_EX element; the bundle takes ownership of <paramref name="transforms"/>.</summary>
    public OffloadedSaBundle(SaDirection direction, IPsecV2Endpoints endpoints, IPsecV2UdpEspEncapsulation udpEspEncapsulation,
        IReadOnlyList<SaTransform> transforms)
        : this(SaVersion.V2, direction, transforms)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        V2Endpoints = endpoints;
        IsIPv6 = endpoints.IsIPv6;
        UdpEspEncapsulation = udpEspEncapsulation;
    }

    /// <summary>
    /// A bundle from a v1 ADD_SA (<paramref name="encapTypeEntry"/> null) or ADD_UDPESP_SA; the bundle
    /// takes ownership of <paramref name="transforms"/>. v1 SAs are IPv4 only.
    /// </summary>
    public OffloadedSaBundle(SaDirection direction, OffloadSaFilter filter, OffloadIpsecUdpEspEncapTypeEntry? encapTypeEntry,
        ulong encapTypeEntryHandle, IReadOnlyList<SaTransform> transforms)
        : this(SaVersion.V1, direction, transforms)
    {
        V1Filter = filter;
        V1EncapTypeEntry = encapTypeEntry;
        V1EncapTypeEntryHandle = encapTypeEntryHandle;
    }

    private OffloadedSaBundle(SaVersion version, SaDirection direction, IReadOnlyList<SaTransform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Count == 0)
        {
            throw new ArgumentException("a bundle holds at least one SA", nameof(transforms));
        }

        Version = version;
        Direction = direction;
        _transforms = [.. transforms];
    }

    /// <summary>The offload handle the store assigned (0 until the bundle is stored).</summary>
    public ulong Handle { get; internal set; }

    /// <summary>v1 or v2.</summary>
    public SaVersion Version { get; }

    /// <summary>Outbound or inbound.</summary>
    public SaDirection Direction { get; }

    /// <summary>True for v2 bundles with <c>IPSEC_OFFLOAD_V2_IPv6</c> endpoints; always false for v1.</summary>
    public bool IsIPv6 { get; }

    /// <summary>The v2 endpoints (0 = wildcard), or null for v1.</summary>
    public IPsecV2Endpoints? V2Endpoints { get; }

    /// <summary>The v2 <c>UdpEspEncapsulation</c>; <see cref="IPsecV2UdpEspEncapsulation.None"/> for v1 (see <see cref="V1EncapTypeEntry"/>).</summary>
    public IPsecV2UdpEspEncapsulation UdpEspEncapsulation { get; }

    /// <summary>The v1 filter with <c>SrcTunnelAddr</c>/<c>DestTunnelAddr</c>, or null for v2.</summary>
    public OffloadSaFilter? V1Filter { get; }

    /// <summary>The v1 UDP-ESP <c>EncapTypeEntry</c> (ADD_UDPESP_SA), or null.</summary>
    public OffloadIpsecUdpEspEncapTypeEntry? V1EncapTypeEntry { get; }

    /// <summary>The v1 UDP-ESP parser-entry handle the bundle was added with (inbound), or 0.</summary>
    public ulong V1EncapTypeEntryHandle { get; }

    /// <summary>The SAs in <c>SecAssoc</c> order (processing order: ESP, then AH).</summary>
    public IReadOnlyList<SaTransform> Transforms => _transforms;

    /// <summary>The ESP SA of the bundle, or null.</summary>
    public SaTransform? Esp => Array.Find(_transforms, t => t.Protocol == IpsecProtocol.Esp);

    /// <summary>The AH SA of the bundle, or null.</summary>
    public SaTransform? Ah => Array.Find(_transforms, t => t.Protocol == IpsecProtocol.Ah);

    /// <summary>True once <see cref="Dispose"/> ran (the bundle was deleted; its keys are zeroed).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Disposes every SA (zeroing the keys); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (SaTransform transform in _transforms)
        {
            transform.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Version} {Direction} handle 0x{Handle:x}{(IsIPv6 ? " ipv6" : "")}: {string.Join(", ", _transforms.Select(t => t.ToString()))}";
}

/// <summary>
/// A v1 UDP-ESP parser entry (spec digest §3.3): the <c>EncapTypeEntry</c> an inbound
/// ADD_UDPESP_SA created, named by its own handle (never equal to an SA bundle handle).
/// </summary>
/// <param name="Handle">The <c>EncapTypeEntryOffldHandle</c>.</param>
/// <param name="Entry">The encapsulation type and destination port.</param>
public sealed record UdpEspParserEntry(ulong Handle, OffloadIpsecUdpEspEncapTypeEntry Entry);
