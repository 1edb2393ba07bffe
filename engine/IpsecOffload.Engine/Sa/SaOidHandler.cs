using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Engine.Sa;

/// <summary>
/// The miniport side of the IPsec SA OIDs and of the IPsec members of <c>OID_TCP_OFFLOAD_PARAMETERS</c>
/// (spec digest §3, §4, §5.5): decodes the request buffer with the <c>IpsecOffload.Ndis.Oids</c> codecs,
/// validates it against the advertised capabilities and the <see cref="OffloadProfile"/>, builds the
/// crypto transforms through an <see cref="ICryptoBackend"/>, keeps the SA table
/// (<see cref="Store"/>) and writes the handles back into the request's information buffer in place,
/// as a miniport does. Safe to call from several threads (the v2 SA OIDs arrive on the direct OID path,
/// not serialized).
/// </summary>
/// <remarks>
/// Statuses (docs/decisions/): a buffer the codec rejects completes with the codec's
/// <see cref="NdisError"/> status and <c>BytesNeeded</c>; an ADD_SA chain succeeds when any element was
/// offloaded, failed elements get a NULL handle, and a chain (or ADD_SA_EX) none of whose elements was
/// offloaded completes with <see cref="OffloadProfile.AddSaTotalFailureStatus"/> (AMB-17); v1 ADD
/// requests complete with the failing check's own status (AMB-18); deleting an unknown handle succeeds
/// and is ignored; UPDATE_SA of an unknown or non-ESN SA is <c>NDIS_STATUS_INVALID_PARAMETER</c>; an OID
/// code this handler does not know is <c>NDIS_STATUS_INVALID_OID</c>, a known OID it does not serve and
/// any query (all these OIDs are set-only) is <c>NDIS_STATUS_NOT_SUPPORTED</c>; the OIDs of a version
/// whose capabilities were not given are <c>NDIS_STATUS_NOT_SUPPORTED</c>.
/// </remarks>
public sealed partial class SaOidHandler
{
    /// <summary>Bundles the store holds when only v1 capabilities are given (v1 advertises no capacity).</summary>
    public const uint DefaultV1Capacity = 1024;

    private readonly NdisIPsecOffloadV2? _v2;
    private readonly NdisIPsecOffloadV1? _v1;
    private readonly OffloadProfile _profile;
    private readonly ICryptoBackend _backend;
    private readonly IpsecOffloadServices _v1Advertised;
    private readonly IpsecOffloadServices _v2Advertised;
    private readonly Lock _stateLock = new();
    private IpsecEnableState _enableState;
    private SaRequestDiagnostics? _lastDiagnostics;

    /// <summary>
    /// A handler for one adapter and ABI. <paramref name="v2Capabilities"/> / <paramref name="v1Capabilities"/>
    /// are what the miniport advertises (null = that version is not supported); the store's capacity is
    /// <paramref name="capacity"/>, else <c>SaOffloadCapacity</c>, else <see cref="DefaultV1Capacity"/>.
    /// Offload starts enabled for every advertised service (the INF default of the
    /// <c>*IPsecOffloadV*</c> keywords is "AH and ESP enabled").
    /// </summary>
    public SaOidHandler(NdisAbi abi, NdisIPsecOffloadV2? v2Capabilities, NdisIPsecOffloadV1? v1Capabilities,
        OffloadProfile? profile = null, ICryptoBackend? backend = null, uint? capacity = null)
    {
        Abi = abi;
        _v2 = v2Capabilities;
        _v1 = v1Capabilities;
        _profile = profile ?? OffloadProfile.Default;
        _backend = backend ?? DotNetCryptoBackend.Instance;
        Store = new SaStore(capacity ?? v2Capabilities?.SaOffloadCapacity ?? DefaultV1Capacity, abi);
        _v1Advertised = V1Advertised(v1Capabilities);
        _v2Advertised = v2Capabilities is { } v2
            ? (v2.Ah ? IpsecOffloadServices.Ah : IpsecOffloadServices.None) | (v2.Esp ? IpsecOffloadServices.Esp : IpsecOffloadServices.None)
            : IpsecOffloadServices.None;
        _enableState = new IpsecEnableState(_v1Advertised, _v2Advertised, _v2Advertised);
    }

    /// <summary>The ABI whose native layouts the request buffers use.</summary>
    public NdisAbi Abi { get; }

    /// <summary>The SA table.</summary>
    public SaStore Store { get; }

    /// <summary>The profile the handler reads the open points by.</summary>
    public OffloadProfile Profile => _profile;

    /// <summary>The current IPsec enable state (<c>OID_TCP_OFFLOAD_PARAMETERS</c>).</summary>
    public IpsecEnableState EnableState
    {
        get
        {
            lock (_stateLock)
            {
                return _enableState;
            }
        }
    }

    /// <summary>What the last request handled did, per element (never contains key material).</summary>
    public SaRequestDiagnostics? LastDiagnostics => Volatile.Read(ref _lastDiagnostics);

    /// <summary>True when <paramref name="protocol"/> offload of <paramref name="version"/> is enabled now (send path: "is ESP offload enabled for v2?").</summary>
    public bool IsOffloadEnabled(SaVersion version, IpsecProtocol protocol, bool ipv6 = false) =>
        EnableState.IsEnabled(version, protocol, ipv6);

    /// <summary>True for the OIDs this handler serves.</summary>
    public static bool Handles(NdisOid oid) => oid is NdisOid.TcpOffloadParameters
        or NdisOid.TcpTaskIpsecAddSa or NdisOid.TcpTaskIpsecDeleteSa or NdisOid.TcpTaskIpsecAddUdpEspSa or NdisOid.TcpTaskIpsecDeleteUdpEspSa
        || oid.IsDirectOid();

    /// <summary>
    /// Handles one OID request. Set requests that add SAs get their handles written into
    /// <see cref="OidRequest.InformationBuffer"/> in place; the result carries that same array.
    /// </summary>
    public OidResult Handle(OidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] buffer = request.InformationBuffer ?? [];
        if (!Handles(request.Oid))
        {
            NdisStatus status = Enum.IsDefined(request.Oid) ? NdisStatus.NotSupported : NdisStatus.InvalidOid;
            return Fail(request.Oid, new NdisError(status, "Oid", $"{request.Oid.ToNdisName()} is not an OID this handler serves"), buffer);
        }

        if (request.Type != NdisRequestType.Set)
        {
            return Fail(request.Oid, new NdisError(NdisStatus.NotSupported, "Type",
                $"{request.Oid.ToNdisName()} is set-only; a query is not supported"), buffer);
        }

        bool isV1 = request.Oid is NdisOid.TcpTaskIpsecAddSa or NdisOid.TcpTaskIpsecDeleteSa
            or NdisOid.TcpTaskIpsecAddUdpEspSa or NdisOid.TcpTaskIpsecDeleteUdpEspSa;
        if (isV1 && _v1 is null || request.Oid.IsDirectOid() && _v2 is null)
        {
            return Fail(request.Oid, new NdisError(NdisStatus.NotSupported, "Oid",
                $"{request.Oid.ToNdisName()}: the adapter does not advertise IPsec offload {(isV1 ? "v1" : "v2")}"), buffer);
        }

        return request.Oid switch
        {
            NdisOid.TcpOffloadParameters => SetOffloadParameters(buffer),
            NdisOid.TcpTaskIpsecOffloadV2AddSa => V2AddSa(buffer),
            NdisOid.TcpTaskIpsecOffloadV2AddSaEx => V2AddSaEx(buffer),
            NdisOid.TcpTaskIpsecOffloadV2DeleteSa => V2DeleteSa(buffer),
            NdisOid.TcpTaskIpsecOffloadV2UpdateSa => V2UpdateSa(buffer),
            NdisOid.TcpTaskIpsecAddSa => V1AddSa(buffer),
            NdisOid.TcpTaskIpsecAddUdpEspSa => V1AddUdpEspSa(buffer),
            NdisOid.TcpTaskIpsecDeleteSa => V1DeleteSa(buffer),
            _ => V1DeleteUdpEspSa(buffer),
        };
    }

    /// <summary>
    /// Halt: deletes every SA and parser entry (keys zeroed). SAs survive offload disable, pause and
    /// reset (AMB-24, docs/decisions/amb-24-sa-lifetime.md); only halt clears them.
    /// </summary>
    public void Halt() => Store.Clear();

    /// <summary>
    /// Power-on state for the harness between cases: every SA and parser entry deleted (keys
    /// zeroed) and every advertised service enabled again. Handles stay unique across it.
    /// </summary>
    public void ResetToPowerOn()
    {
        Store.Clear();
        lock (_stateLock)
        {
            _enableState = new IpsecEnableState(_v1Advertised, _v2Advertised, _v2Advertised);
        }
    }

    // ---------------------------------------------------------------- OID_TCP_OFFLOAD_PARAMETERS

    private OidResult SetOffloadParameters(byte[] buffer)
    {
        var decoded = NdisOffloadParametersCodec.Decode(buffer);
        if (!decoded.Succeeded)
        {
            return Reject(NdisOid.TcpOffloadParameters, decoded.Error, buffer, decoded.BytesNeeded);
        }

        NdisOffloadParameters p = decoded.Value!;
        lock (_stateLock)
        {
            IpsecEnableState s = _enableState;
            IpsecOffloadServices v1 = IpsecEnableState.FromParameter(p.IPsecV1) is { } a ? a & _v1Advertised : s.V1;
            IpsecOffloadServices v2 = s.V2;
            IpsecOffloadServices v2IPv4 = s.V2IPv4;
            if (IpsecEnableState.FromParameter(p.IPsecV2) is { } b)
            {
                v2 = b & _v2Advertised;
                v2IPv4 = v2;
            }

            // AMB-39: IPsecV2IPv4 is used only by adapters that support IPv4 but not IPv6.
            if (_v2 is { IPv6Supported: false } && IpsecEnableState.FromParameter(p.IPsecV2IPv4) is { } c)
            {
                v2IPv4 = c & _v2Advertised;
            }

            _enableState = new IpsecEnableState(v1, v2, v2IPv4);
        }

        return Complete(NdisOid.TcpOffloadParameters, NdisStatus.Success, buffer, decoded.BytesRead, [null], [0]);
    }

    private static IpsecOffloadServices V1Advertised(NdisIPsecOffloadV1? caps)
    {
        if (caps is not { } c)
        {
            return IpsecOffloadServices.None;
        }

        var services = IpsecOffloadServices.None;
        if (c.IPv4Ah.Md5 != 0 || c.IPv4Ah.Sha1 != 0)
        {
            services |= IpsecOffloadServices.Ah;
        }

        if (c.IPv4Esp.Des != 0 || c.IPv4Esp.TripleDes != 0 || c.IPv4Esp.NullEsp != 0)
        {
            services |= IpsecOffloadServices.Esp;
        }

        return services;
    }

    // ---------------------------------------------------------------- shared

    private OidResult Reject(NdisOid oid, NdisError error, byte[] buffer, int bytesNeeded)
    {
        Volatile.Write(ref _lastDiagnostics, new SaRequestDiagnostics(oid, error.Status, [error], []));
        return OidResult.Rejected(error, buffer, bytesNeeded);
    }

    private OidResult Fail(NdisOid oid, NdisError error, byte[] buffer) => Reject(oid, error, buffer, 0);

    private OidResult Complete(NdisOid oid, NdisStatus status, byte[] buffer, int bytesRead, NdisError?[] errors, ulong[] handles)
    {
        Volatile.Write(ref _lastDiagnostics, new SaRequestDiagnostics(oid, status, errors, handles));
        return new OidResult(status, buffer, status == NdisStatus.Success ? bytesRead : 0, 0);
    }

    private static NdisError InvalidData(string field, string message) => new(NdisStatus.InvalidData, field, message);

    private static NdisError NotSupported(string field, string message) => new(NdisStatus.NotSupported, field, message);

    private NdisError CapacityExhausted(string field) => new(NdisStatus.Resources, field,
        $"the SA table is full: {Store.Count} of {Store.Capacity} SA bundles (SaOffloadCapacity) in use");

    /// <summary>Disposes transforms built so far when a later entry fails.</summary>
    private static void DisposeAll(List<SaTransform> transforms)
    {
        foreach (SaTransform t in transforms)
        {
            t.Dispose();
        }

        transforms.Clear();
    }

    /// <summary>
    /// Creates the transforms of one SA entry; a backend refusal becomes INVALID_DATA naming
    /// <paramref name="field"/>, never an exception. Transforms created before the failure are disposed.
    /// </summary>
    private NdisError? CreateTransform(string field, IpsecProtocol protocol, uint spi, bool esn, uint sequenceNumberHigh,
        CryptoAlgorithm? cipherAlgorithm, ReadOnlySpan<byte> cipherKey,
        CryptoAlgorithm? aeadAlgorithm, int icvLength,
        CryptoAlgorithm? integrityAlgorithm, ReadOnlySpan<byte> integrityKey, out SaTransform? transform)
    {
        transform = null;
        ICipherTransform? cipher = null;
        IAeadTransform? aead = null;
        IIntegrityTransform? integrity = null;
        try
        {
            if (cipherAlgorithm is not null)
            {
                cipher = _backend.CreateCipher(cipherAlgorithm, cipherKey);
            }

            if (aeadAlgorithm is not null)
            {
                aead = _backend.CreateAead(aeadAlgorithm, cipherKey, icvLength);
            }

            if (integrityAlgorithm is not null)
            {
                integrity = _backend.CreateIntegrity(integrityAlgorithm, integrityKey);
            }

            transform = new SaTransform(protocol, spi, esn, sequenceNumberHigh, cipher, aead, integrity);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException or NotSupportedException)
        {
            cipher?.Dispose();
            aead?.Dispose();
            integrity?.Dispose();
            return InvalidData(field, $"the crypto backend ({_backend.Name}) refused the SA: {ex.Message}");
        }
    }

    /// <summary>The order check both versions share (spec digest §3.3, §4.4, AMB-22): one SA, or ESP followed by AH.</summary>
    private static NdisError? CheckOrder(string field, bool firstIsEsp, bool secondIsEsp, string espName, string ahName)
    {
        if (firstIsEsp && secondIsEsp)
        {
            return InvalidData($"{field}[1].Operation", $"two {espName} entries in one bundle; the only supported pair is {espName} followed by {ahName}");
        }

        if (!firstIsEsp && !secondIsEsp)
        {
            return InvalidData($"{field}[1].Operation", $"two {ahName} entries in one bundle; the only supported pair is {espName} followed by {ahName}");
        }

        return firstIsEsp ? null
            : InvalidData($"{field}[0].Operation", $"{ahName} before {espName}: the only supported order is {espName} followed by {ahName}");
    }
}
