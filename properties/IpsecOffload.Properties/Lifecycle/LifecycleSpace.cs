using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Properties.Lifecycle;

/// <summary>One SA of a <see cref="BundleKind"/>: protocol, cipher (null: none), MAC (null: none) and ICV length.</summary>
/// <param name="Protocol">ESP or AH.</param>
/// <param name="Cipher">ESP's cipher or AEAD, or null.</param>
/// <param name="Mac">The integrity algorithm, or null (AEAD).</param>
/// <param name="IcvLength">ICV bytes on the wire.</param>
public sealed record SaTemplate(IpsecProtocol Protocol, CryptoAlgorithm? Cipher, CryptoAlgorithm? Mac, int IcvLength)
{
    /// <summary>Key bytes the template takes from an <see cref="SaKeyDraw"/>: cipher key material, then MAC key material.</summary>
    public int KeyBytes => (Cipher?.KeyMaterialLength ?? 0) + (Mac?.KeyMaterialLength ?? 0);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Protocol == IpsecProtocol.Ah ? "ah" : "esp")} {Cipher?.Name ?? ""}{(Cipher is not null && Mac is not null ? "+" : "")}{Mac?.Name ?? ""}";
}

/// <summary>
/// An SA bundle shape an adapter claims: one SA, or ESP followed by AH (SEND-11). The generator draws
/// the SPIs and keys; the kind fixes the algorithms. Kind 0 of each API is the simplest one the adapter
/// claims, the one shrinking moves toward.
/// </summary>
/// <param name="Name">Short display name.</param>
/// <param name="Sas">The SAs in processing order.</param>
public sealed record BundleKind(string Name, IReadOnlyList<SaTemplate> Sas)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// What an adapter claims, as far as the SA lifecycle needs it: the ABI (handle width), the ADD APIs it
/// serves and the SA kinds each can add (only claimed algorithms, so every ADD the generator writes is
/// one the adapter must accept while it has room), ESN and IPv6 support, and the advertised
/// <c>SaOffloadCapacity</c>.
/// </summary>
public sealed record LifecycleSpace
{
    /// <summary>Largest capacity for which the generator writes <see cref="AddUntilFullStep"/> (larger tables would take too many OIDs per script).</summary>
    public const uint MaxFillableCapacity = 64;

    /// <summary>The adapter's ABI: x86 handles must fit 32 bits.</summary>
    public required NdisAbi Abi { get; init; }

    /// <summary>v1 kinds (empty: v1 not claimed).</summary>
    public required IReadOnlyList<BundleKind> V1Kinds { get; init; }

    /// <summary>v2 kinds for ADD_SA and ADD_SA_EX (empty: v2 not claimed).</summary>
    public required IReadOnlyList<BundleKind> V2Kinds { get; init; }

    /// <summary>v2 extended sequence numbers are claimed (ESN SAs and UPDATE_SA are generated).</summary>
    public bool Esn { get; init; }

    /// <summary>v2 IPv6 SAs are claimed.</summary>
    public bool IPv6 { get; init; }

    /// <summary><c>NDIS_IPSEC_OFFLOAD_V2.SaOffloadCapacity</c> when v2 is claimed; null when no capacity is advertised (v1 only).</summary>
    public uint? Capacity { get; init; }

    /// <summary>The ADD APIs with at least one kind.</summary>
    public IReadOnlyList<SaApi> Apis =>
        [.. (V1Kinds.Count > 0 ? new[] { SaApi.V1 } : []), .. (V2Kinds.Count > 0 ? new[] { SaApi.V2, SaApi.V2Ex } : [])];

    /// <summary>The kinds of <paramref name="api"/>.</summary>
    public IReadOnlyList<BundleKind> KindsOf(SaApi api) => api == SaApi.V1 ? V1Kinds : V2Kinds;

    /// <summary>True when capacity exhaustion is reachable within one script.</summary>
    public bool CanFill => Capacity is { } c && c <= MaxFillableCapacity;

    /// <summary>The space of <paramref name="capabilities"/> under <paramref name="abi"/>.</summary>
    public static LifecycleSpace From(AdapterCapabilities capabilities, NdisAbi abi)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        bool Claims(Feature f) => f.IsClaimed(capabilities);
        bool v2 = Claims(Features.V2Any) && Claims(Features.V2Transport);
        var v2Kinds = new List<BundleKind>();
        if (v2)
        {
            // Simplest first: shrinking moves toward kind 0.
            (CryptoAlgorithm Cipher, CryptoAlgorithm? Mac, int Icv)[] esp =
            [
                (CryptoAlgorithm.AesGcm128, null, 16), (CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha256, 16),
                (CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha1, 12), (CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1, 12),
                (CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacMd5, 12), (CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha256, 16),
                (CryptoAlgorithm.AesGcm256, null, 8), (CryptoAlgorithm.AesGcm192, null, 12),
            ];
            foreach ((CryptoAlgorithm cipher, CryptoAlgorithm? mac, int icv) in esp)
            {
                if (Claims(Features.V2Esp(cipher, mac)))
                {
                    v2Kinds.Add(Kind(new SaTemplate(IpsecProtocol.Esp, cipher, mac, icv)));
                }
            }

            foreach (CryptoAlgorithm mac in new[] { CryptoAlgorithm.HmacSha256, CryptoAlgorithm.HmacSha1 })
            {
                if (Claims(Features.V2Ah(mac)))
                {
                    v2Kinds.Add(Kind(new SaTemplate(IpsecProtocol.Ah, null, mac, mac.DefaultIcvLength)));
                }
            }

            if (Claims(Features.V2AhEsp) && Claims(Features.V2Esp(CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1))
                && Claims(Features.V2Ah(CryptoAlgorithm.HmacSha256)))
            {
                v2Kinds.Add(Kind(new SaTemplate(IpsecProtocol.Esp, CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1, 12),
                    new SaTemplate(IpsecProtocol.Ah, null, CryptoAlgorithm.HmacSha256, 16)));
            }
        }

        var v1Kinds = new List<BundleKind>();
        if (Claims(Features.V1Esp()))
        {
            v1Kinds.Add(Kind(new SaTemplate(IpsecProtocol.Esp, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1, 12)));
        }

        if (Claims(Features.V1Esp(des: true)))
        {
            v1Kinds.Add(Kind(new SaTemplate(IpsecProtocol.Esp, CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacMd5, 12)));
        }

        if (Claims(Features.V1Ah) && capabilities.V1.IPv4Ah.Sha1 != 0)
        {
            v1Kinds.Add(Kind(new SaTemplate(IpsecProtocol.Ah, null, CryptoAlgorithm.HmacSha1, 12)));
        }

        return new LifecycleSpace
        {
            Abi = abi,
            V1Kinds = v1Kinds,
            V2Kinds = v2Kinds,
            Esn = v2 && Claims(Features.V2Esn),
            IPv6 = v2 && Claims(Features.V2IPv6),
            Capacity = v2 ? capabilities.V2.SaOffloadCapacity : null,
        };
    }

    /// <summary>
    /// Makes one adapter with <paramref name="adapterFactory"/>, initializes it on a recording host, reads
    /// its capabilities and disposes it.
    /// </summary>
    public static LifecycleSpace Probe(Func<IMiniport> adapterFactory)
    {
        ArgumentNullException.ThrowIfNull(adapterFactory);
        using IMiniport adapter = adapterFactory();
        adapter.Initialize(new RecordingMiniportHost());
        return From(AdapterCapabilities.Query(adapter), adapter.Identity.Abi);
    }

    private static BundleKind Kind(params SaTemplate[] sas) => new(string.Join(" + ", sas.Select(s => s.ToString())), sas);
}
