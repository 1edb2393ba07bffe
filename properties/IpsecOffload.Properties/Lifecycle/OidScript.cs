using System.Globalization;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Properties.Lifecycle;

/// <summary>
/// The random part of one SA: a full-range SPI, 72 key bytes (the kind takes what its algorithms need)
/// and the initial ESN high half. Never printed with its keys.
/// </summary>
/// <param name="Spi">The SPI (full range, never 0).</param>
/// <param name="KeyBytes">Key material: cipher key (and salt) first, then the MAC key.</param>
/// <param name="High">Initial high 32 bits of the ESN (ESN SAs only).</param>
public sealed record SaKeyDraw(uint Spi, byte[] KeyBytes, uint High)
{
    /// <summary>Bytes in <see cref="KeyBytes"/>: enough for AES-GCM-256 (36) or AES-CBC-256 + HMAC-SHA-256 (64).</summary>
    public const int KeyLength = 72;

    /// <inheritdoc/>
    public override string ToString() => $"spi 0x{Spi:x8}";
}

/// <summary>
/// An SA bundle as the script carries it: the kind (an index into the API's claimed kinds, taken modulo
/// their count, so every index is valid and 0 is the simplest), IPv6, ESN, and one draw per SA.
/// </summary>
/// <param name="Kind">Index into <see cref="LifecycleSpace.KindsOf"/>.</param>
/// <param name="IPv6">IPv6 SA (v2 only, when claimed).</param>
/// <param name="Esn">ESN SA (v2 only, when claimed).</param>
/// <param name="First">The draw of the first SA.</param>
/// <param name="Second">The draw of the second SA of a two-SA kind.</param>
public sealed record BundleDraw(int Kind, bool IPv6, bool Esn, SaKeyDraw First, SaKeyDraw Second)
{
    /// <summary>The kind of this bundle under <paramref name="api"/>.</summary>
    public BundleKind KindIn(LifecycleSpace space, SaApi api)
    {
        ArgumentNullException.ThrowIfNull(space);
        IReadOnlyList<BundleKind> kinds = space.KindsOf(api);
        return kinds[Kind % kinds.Count];
    }

    /// <summary>
    /// The bundle the transport adds: the kind's algorithms, this draw's SPIs, keys and ESN high halves;
    /// IPv6 and ESN only where the API and the adapter allow them. <paramref name="spiSalt"/> varies the SPIs
    /// of the copies <see cref="AddUntilFullStep"/> adds.
    /// </summary>
    public BundleSpec Materialize(LifecycleSpace space, SaApi api, uint spiSalt = 0)
    {
        BundleKind kind = KindIn(space, api);
        bool v2 = api != SaApi.V1;
        var sas = new List<SaSpec>();
        for (int i = 0; i < kind.Sas.Count; i++)
        {
            SaTemplate t = kind.Sas[i];
            SaKeyDraw draw = i == 0 ? First : Second;
            int cipherBytes = t.Cipher?.KeyMaterialLength ?? 0;
            // Copies of one draw differ in SPI only; the golden-ratio step keeps them full range and apart.
            uint spi = unchecked(draw.Spi + (spiSalt * 0x9E37_79B9u));
            bool esn = Esn && v2 && space.Esn;
            sas.Add(new SaSpec
            {
                Protocol = t.Protocol,
                Spi = spi == 0 ? 0xA5A5_0101u : spi,
                Encryption = t.Cipher,
                EncryptionKey = draw.KeyBytes[..cipherBytes],
                Integrity = t.Mac,
                IntegrityKey = draw.KeyBytes[cipherBytes..t.KeyBytes],
                IcvLength = t.IcvLength,
                Esn = esn,
                SequenceNumberHigh = esn ? draw.High : 0,
            });
        }

        return new BundleSpec { Sas = sas, IPv6 = IPv6 && v2 && space.IPv6 };
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"kind {Kind}{(IPv6 ? " ipv6" : "")}{(Esn ? $" esn high 0x{First.High:x8}" : "")} {First}";
}

/// <summary>Which handle a step names.</summary>
public enum HandleChoice
{
    /// <summary>A live handle of the model (the index picks one, modulo their count).</summary>
    Live,

    /// <summary>A handle that was deleted (the index picks one of every value ever deleted); live again only if the adapter reused it.</summary>
    Deleted,

    /// <summary>A full-range value the adapter never returned (<see cref="HandleRef.Value"/>).</summary>
    Unknown,

    /// <summary>A live handle plus <see cref="HandleRef.Value"/> (wrapping): catches lookups by masked or truncated handles.</summary>
    NearLive,

    /// <summary>Handle 0: no IPsec offload (SEND-03).</summary>
    Zero,
}

/// <summary>A handle as a step names it; resolved against the model when the step runs.</summary>
/// <param name="Choice">What kind of handle.</param>
/// <param name="Index">Which live or deleted handle (taken modulo their count).</param>
/// <param name="Value">The unknown value, or the offset of <see cref="HandleChoice.NearLive"/>.</param>
public sealed record HandleRef(HandleChoice Choice, int Index, ulong Value)
{
    /// <inheritdoc/>
    public override string ToString() => Choice switch
    {
        HandleChoice.Live => $"live[{Index}]",
        HandleChoice.Deleted => $"deleted[{Index}]",
        HandleChoice.Unknown => $"unknown 0x{Value:x}",
        HandleChoice.NearLive => $"live[{Index}]+0x{Value:x}",
        _ => "zero",
    };
}

/// <summary>One step of an <see cref="OidScript"/>.</summary>
public abstract record OidStep
{
    /// <summary>NET_BUFFERs the step sends (0 for OIDs).</summary>
    public virtual int NetBuffers => 0;
}

/// <summary>One ADD_SA (v1), ADD_SA (v2, one element) or ADD_SA_EX of <paramref name="Bundle"/>.</summary>
/// <param name="Api">The OID.</param>
/// <param name="Bundle">The bundle.</param>
public sealed record AddStep(SaApi Api, BundleDraw Bundle) : OidStep
{
    /// <inheritdoc/>
    public override string ToString() => $"Add {Api} {Bundle}";
}

/// <summary>One v2 ADD_SA request with a chain of 2 or 3 elements (partial success at capacity, AMB-17).</summary>
/// <param name="Bundles">The elements in chain order.</param>
public sealed record AddChainStep(IReadOnlyList<BundleDraw> Bundles) : OidStep
{
    /// <inheritdoc/>
    public override string ToString() => $"AddChain V2 [{string.Join("; ", Bundles)}]";
}

/// <summary>Adds copies of <paramref name="Bundle"/> (SPIs varied) until the table is full, then one more that must fail.</summary>
/// <param name="Api">The OID.</param>
/// <param name="Bundle">The bundle copied.</param>
public sealed record AddUntilFullStep(SaApi Api, BundleDraw Bundle) : OidStep
{
    /// <inheritdoc/>
    public override string ToString() => $"AddUntilFull {Api} {Bundle}";
}

/// <summary>DELETE_SA of a handle: the OID of the handle's own version; <paramref name="V1"/> picks it for handles the model does not know.</summary>
/// <param name="Target">The handle.</param>
/// <param name="V1">v1 DELETE for a handle the model never issued.</param>
public sealed record DeleteStep(HandleRef Target, bool V1) : OidStep
{
    /// <inheritdoc/>
    public override string ToString() => $"Delete {Target}{(V1 ? " (v1 OID if unknown)" : "")}";
}

/// <summary>UPDATE_SA of one SA of a v2 handle to a new ESN high half.</summary>
/// <param name="Target">The handle (live: among live v2 handles).</param>
/// <param name="Sa">Which SA of the bundle (modulo its size).</param>
/// <param name="High">The new high 32 bits (full range).</param>
public sealed record UpdateStep(HandleRef Target, int Sa, uint High) : OidStep
{
    /// <inheritdoc/>
    public override string ToString() => $"Update {Target} sa[{Sa}] high 0x{High:x8}";
}

/// <summary>
/// One NBL with 1–3 NET_BUFFERs on a handle. Packets are framed for the SA the model holds under the handle
/// (live), else the deleted SA, else <paramref name="Fallback"/> as <paramref name="Api"/> would add it. The NBs
/// carry UDP datagrams of one payload length, so they share the NBL's one header word (SEND-32: one
/// <c>PadLength</c> and one set of offsets per NBL).
/// </summary>
/// <param name="Target">The handle.</param>
/// <param name="Api">NBL format (v1: no header word) for handles the model does not hold.</param>
/// <param name="Fallback">The SA a handle the model does not know is framed for.</param>
/// <param name="SequenceLow">Low 32 bits of the first NB's sequence number (full range, successors fit).</param>
/// <param name="Count">NET_BUFFERs in the NBL (1–3).</param>
/// <param name="Payload">UDP payload bytes of every NB.</param>
/// <param name="ContentSeed">Seed of the packet bytes and IVs.</param>
public sealed record SendStep(HandleRef Target, SaApi Api, BundleDraw Fallback, uint SequenceLow, int Count, int Payload, int ContentSeed) : OidStep
{
    /// <inheritdoc/>
    public override int NetBuffers => Count;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Send {Target} sn 0x{SequenceLow:x8} {Count} NB(s) of {Payload}-byte payload");
}

/// <summary>A sequence of SA OIDs interleaved with sends, as the generator writes it and the runner plays it.</summary>
/// <param name="Steps">The steps in order.</param>
public sealed record OidScript(IReadOnlyList<OidStep> Steps)
{
    /// <summary>NET_BUFFERs the script sends in all.</summary>
    public int NetBuffers => Steps.Sum(s => s.NetBuffers);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Steps.Count} step(s), {NetBuffers} NB(s):" + string.Concat(Steps.Select((s, i) => $"\n  #{i} {s}"));
}
