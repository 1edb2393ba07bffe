namespace IpsecOffload.Engine.Profile;

/// <summary>
/// The conformance profile: how this suite reads the points the NDIS documents leave open
/// (ARCHITECTURE §4, the AMB-xx items of the spec digest). The reference miniport behaves by it, the
/// transport simulator frames by it, and every report prints it. Each member's default is the
/// project's reading, recorded with its evidence in <c>docs/decisions/</c>; a vendor whose hardware
/// reads the documents differently switches the member and is judged by its reading.
/// </summary>
public sealed record OffloadProfile
{
    /// <summary>The defaults of ARCHITECTURE §4.</summary>
    public static OffloadProfile Default { get; } = new();

    /// <summary>
    /// AMB-01: who writes the ESP IV on send. Under <see cref="EspIvSource.Transport"/> the reference
    /// miniport keeps the transport's IV on non-LSO sends; under <see cref="EspIvSource.Device"/> it
    /// overwrites the IV of every ESP SA it applies with its own (<see cref="Send.EspDeviceIv"/>: the
    /// 64-bit SN for AES-GCM/GMAC, E_K(0…0 ‖ SN) for CBC), and the conformance oracle judges a miniport
    /// by decryptability and IV uniqueness instead of bytes. Either way LSO segments after the first
    /// get the same derived IVs (AMB-03).
    /// </summary>
    public EspIvSource EspIv { get; init; } = EspIvSource.Transport;

    /// <summary>AMB-02: what a non-LSO ESP buffer already holds at its end.</summary>
    public EspTrailerLayout NonLsoEspTrailer { get; init; } = EspTrailerLayout.TrailerAndIcvPlaceholder;

    /// <summary>AMB-07: where <c>AhHeaderOffset</c>/<c>EspHeaderOffset</c> count from.</summary>
    public HeaderOffsetBase HeaderOffsets { get; init; } = HeaderOffsetBase.OutermostIpHeader;

    /// <summary>AMB-23 / SEND-02: what a send with an offload handle does while IPsec offload is disabled.</summary>
    public OffloadDisabledBehavior OffloadDisabled { get; init; } = OffloadDisabledBehavior.SendAsIs;

    /// <summary>AMB-11: order of the keys in v1 <c>KeyMat</c>.</summary>
    public V1KeyOrder V1KeyOrder { get; init; } = V1KeyOrder.ConfidentialityFirst;

    /// <summary>AMB-13: where the 4-byte RFC 4106/4543 salt of AES-GCM/GMAC SAs travels.</summary>
    public GcmSaltPlacement GcmSalt { get; init; } = GcmSaltPlacement.AfterKeyCountedInKeyLength;

    /// <summary>AMB-13: the unit of <c>AdditionalInfo</c> (the AES-GCM ICV length).</summary>
    public GcmIcvLengthUnit GcmIcvLengthUnit { get; init; } = GcmIcvLengthUnit.Bytes;

    /// <summary>SEND-23: frames shorter than 60 bytes (without FCS) are zero-padded to 60.</summary>
    public bool PadShortFrames { get; init; } = true;

    /// <summary>AMB-17: status of an ADD_SA(_EX) request none of whose SAs could be offloaded.</summary>
    public Ndis.NdisStatus AddSaTotalFailureStatus { get; init; } = Ndis.NdisStatus.Resources;
}

/// <summary>AMB-01: who generates the ESP IV on send.</summary>
public enum EspIvSource
{
    /// <summary>The transport places the IV in the frame; the NIC leaves it unchanged.</summary>
    Transport,
    /// <summary>The NIC writes its own IV (the reference: <see cref="Send.EspDeviceIv"/>); conformance then checks decryptability and IV uniqueness, not bytes.</summary>
    Device,
}

/// <summary>AMB-02: the end of a non-LSO ESP buffer as the transport frames it.</summary>
public enum EspTrailerLayout
{
    /// <summary>Padding, pad length, next header and an ICV-length placeholder are in the buffer; IP lengths include them.</summary>
    TrailerAndIcvPlaceholder,
}

/// <summary>AMB-07: the base of the v2 header offsets.</summary>
public enum HeaderOffsetBase
{
    /// <summary>Counted from the first byte of the outermost IP header; they locate the <c>OffloadHandle</c> SA's headers.</summary>
    OutermostIpHeader,
}

/// <summary>AMB-23: a send carrying a handle while IPsec offload is disabled.</summary>
public enum OffloadDisabledBehavior
{
    /// <summary>Transmit the frames as they are, without IPsec processing (SEND-02 read literally).</summary>
    SendAsIs,
    /// <summary>Complete the NBL with <c>NDIS_STATUS_FAILURE</c> and transmit nothing.</summary>
    Fail,
}

/// <summary>AMB-11: v1 key order.</summary>
public enum V1KeyOrder
{
    /// <summary>Confidentiality key, then integrity key (the <c>OFFLOAD_IPSEC_ADD_SA</c> page).</summary>
    ConfidentialityFirst,
    /// <summary>Integrity key at offset 0, then the confidentiality key (the <c>OFFLOAD_ALGO_INFO</c> page).</summary>
    IntegrityFirst,
}

/// <summary>AMB-13: the GCM/GMAC salt.</summary>
public enum GcmSaltPlacement
{
    /// <summary>The 4 salt bytes follow the AES key in the key material and are counted in <c>KeyLength</c>.</summary>
    AfterKeyCountedInKeyLength,
}

/// <summary>AMB-13: the unit of <c>AdditionalInfo</c>.</summary>
public enum GcmIcvLengthUnit
{
    /// <summary>Bytes (8, 12 or 16).</summary>
    Bytes,
    /// <summary>Bits (64, 96 or 128).</summary>
    Bits,
}
