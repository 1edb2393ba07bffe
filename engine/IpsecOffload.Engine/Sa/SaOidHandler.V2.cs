using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Engine.Sa;

/// <summary>The IPsec offload v2 SA OIDs (spec digest §4).</summary>
public sealed partial class SaOidHandler
{
    private const string V2AddSaName = "IPSEC_OFFLOAD_V2_ADD_SA";
    private const string V2AddSaExName = "IPSEC_OFFLOAD_V2_ADD_SA_EX";

    private OidResult V2AddSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecOffloadV2AddSa;
        var decoded = IPsecV2Codec.DecodeAddSaChain(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        EquatableArray<IPsecV2AddSa> chain = decoded.Value;
        var handles = new ulong[chain.Count];
        var errors = new NdisError?[chain.Count];
        for (int i = 0; i < chain.Count; i++)
        {
            IPsecV2AddSa sa = chain[i];
            errors[i] = TryAddV2($"{V2AddSaName}[{i}]", sa.Flags, sa.Endpoints, sa.UdpEspEncapsulation, sa.SecAssoc, sa.KeyData, out handles[i]);
        }

        // The handles go back the NDIS way: in place, NULL for each element that failed (§4.4).
        NdisError? writeError = IPsecV2Codec.WriteAddSaOffloadHandles(buffer, Abi, handles);
        if (writeError is not null)
        {
            throw new InvalidOperationException($"a chain that decoded could not take its handles: {writeError}");
        }

        NdisStatus status = Array.Exists(handles, h => h != 0) ? NdisStatus.Success : _profile.AddSaTotalFailureStatus;
        return Complete(oid, status, buffer, decoded.BytesRead, errors, handles);
    }

    private OidResult V2AddSaEx(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecOffloadV2AddSaEx;
        var decoded = IPsecV2Codec.DecodeAddSaEx(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        IPsecV2AddSaEx sa = decoded.Value!;
        NdisError? error = TryAddV2(V2AddSaExName, sa.Flags, sa.Endpoints, sa.UdpEspEncapsulation, sa.SecAssoc, sa.Keys, out ulong handle);
        IPsecV2Codec.WriteAddSaExOffloadHandle(buffer, Abi, handle);
        NdisStatus status = handle != 0 ? NdisStatus.Success : _profile.AddSaTotalFailureStatus;
        return Complete(oid, status, buffer, decoded.BytesRead, [error], [handle]);
    }

    private OidResult V2DeleteSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecOffloadV2DeleteSa;
        var decoded = IPsecV2Codec.DecodeDeleteSaChain(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        EquatableArray<IPsecV2DeleteSa> chain = decoded.Value;
        var errors = new NdisError?[chain.Count];
        var handles = new ulong[chain.Count];
        for (int i = 0; i < chain.Count; i++)
        {
            handles[i] = chain[i].OffloadHandle;
            if (!Store.TryRemove(handles[i], b => b.Version == SaVersion.V2))
            {
                // docs/decisions/sa-handles-and-capacity.md: an unknown handle is ignored; the request succeeds.
                errors[i] = new NdisError(NdisStatus.InvalidParameter, $"IPSEC_OFFLOAD_V2_DELETE_SA[{i}].OffloadHandle",
                    $"OffloadHandle 0x{handles[i]:x} names no v2 SA bundle (ignored; the request still succeeds)");
            }
        }

        return Complete(oid, NdisStatus.Success, buffer, decoded.BytesRead, errors, handles);
    }

    private OidResult V2UpdateSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecOffloadV2UpdateSa;
        const string name = "IPSEC_OFFLOAD_V2_UPDATE_SA";
        var decoded = IPsecV2Codec.DecodeUpdateSa(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        IPsecV2UpdateSa update = decoded.Value;
        NdisError? error = null;
        if (!Store.TryGet(update.OffloadHandle, out OffloadedSaBundle? bundle) || bundle.Version != SaVersion.V2)
        {
            error = new NdisError(NdisStatus.InvalidParameter, $"{name}.OffloadHandle",
                $"OffloadHandle 0x{update.OffloadHandle:x} names no v2 SA bundle");
        }
        else
        {
            IpsecProtocol protocol = update.Operation == IPsecV2Operation.Ah ? IpsecProtocol.Ah : IpsecProtocol.Esp;
            SaTransform? sa = bundle.Transforms.FirstOrDefault(t => t.Protocol == protocol && t.Spi == update.Spi);
            if (sa is null)
            {
                error = new NdisError(NdisStatus.InvalidParameter, $"{name}.Spi",
                    $"bundle 0x{update.OffloadHandle:x} has no {protocol} SA with SPI 0x{update.Spi:x8}");
            }
            else if (!sa.ExtendedSequenceNumbers)
            {
                error = new NdisError(NdisStatus.InvalidParameter, $"{name}.SequenceNumberHighOrder",
                    $"{protocol} SA 0x{update.Spi:x8} was not added with IPSEC_OFFLOAD_V2_ESN_SA; it has no high-order sequence number");
            }
            else
            {
                sa.SequenceNumberHigh = update.SequenceNumberHighOrder;
            }
        }

        return error is null
            ? Complete(oid, NdisStatus.Success, buffer, decoded.BytesRead, [null], [update.OffloadHandle])
            : Fail(oid, error, buffer);
    }

    /// <summary>Validates one ADD_SA / ADD_SA_EX element against the capabilities, builds and stores its bundle.</summary>
    private NdisError? TryAddV2(string name, IPsecV2AddSaFlags flags, IPsecV2Endpoints endpoints, IPsecV2UdpEspEncapsulation udpEsp,
        EquatableArray<IPsecV2SecurityAssociation> secAssoc, EquatableArray<byte> keys, out ulong handle)
    {
        handle = 0;
        NdisIPsecOffloadV2 caps = _v2!.Value;
        if ((flags & IPsecV2AddSaFlags.IPv6) != 0 && !caps.IPv6Supported)
        {
            return NotSupported($"{name}.Flags", "IPSEC_OFFLOAD_V2_IPv6 SA, but the adapter does not advertise IPv6Supported");
        }

        if (udpEsp != IPsecV2UdpEspEncapsulation.None && (caps.UdpEsp & udpEsp) != udpEsp)
        {
            return NotSupported($"{name}.UdpEspEncapsulation",
                $"UdpEspEncapsulation 0x{(uint)udpEsp:x} is not among the advertised UdpEsp 0x{(uint)caps.UdpEsp:x}");
        }

        if (secAssoc.Count == 2)
        {
            if (CheckOrder($"{name}.SecAssoc", secAssoc[0].Operation == IPsecV2Operation.Esp, secAssoc[1].Operation == IPsecV2Operation.Esp,
                "IPsecOffloadV2Esp", "IPsecOffloadV2Ah") is { } orderError)
            {
                return orderError;
            }

            if (!caps.AhEspCombined)
            {
                return NotSupported($"{name}.NumExtHdrs", "an ESP + AH bundle (NumExtHdrs 2), but the adapter does not advertise AhEspCombined");
            }
        }

        if (udpEsp != IPsecV2UdpEspEncapsulation.None && secAssoc.AsSpan().ToArray().Any(s => s.Operation == IPsecV2Operation.Ah))
        {
            return InvalidData($"{name}.UdpEspEncapsulation", "a UDP-ESP encapsulated bundle holds one ESP SA (NumExtHdrs 1), not AH");
        }

        var transforms = new List<SaTransform>(secAssoc.Count);
        for (int i = 0; i < secAssoc.Count; i++)
        {
            if (BuildV2Transform($"{name}.SecAssoc[{i}]", caps, secAssoc[i], keys.AsSpan(), out SaTransform? transform) is { } saError)
            {
                DisposeAll(transforms);
                return saError;
            }

            transforms.Add(transform!);
        }

        SaDirection direction = (flags & IPsecV2AddSaFlags.Inbound) != 0 ? SaDirection.Inbound : SaDirection.Outbound;
        var bundle = new OffloadedSaBundle(direction, endpoints, udpEsp, transforms);
        if (!Store.TryAdd(bundle, out handle))
        {
            bundle.Dispose();
            return CapacityExhausted($"{name}.OffloadHandle");
        }

        return null;
    }

    private NdisError? BuildV2Transform(string field, NdisIPsecOffloadV2 caps, IPsecV2SecurityAssociation sa, ReadOnlySpan<byte> keys,
        out SaTransform? transform)
    {
        transform = null;
        bool esn = (sa.Flags & IPsecV2SaFlags.Esn) != 0;
        if (esn && !caps.ExtendedSequenceNumbers)
        {
            return NotSupported($"{field}.Flags", "IPSEC_OFFLOAD_V2_ESN_SA, but the adapter does not advertise ExtendedSequenceNumbers");
        }

        IPsecV2AlgorithmInfo auth = sa.AuthenticationAlgorithm;
        IPsecV2AlgorithmInfo enc = sa.EncryptionAlgorithm;
        if (sa.Operation == IPsecV2Operation.Ah)
        {
            if (!caps.Ah)
            {
                return NotSupported($"{field}.Operation", "an AH SA, but the adapter does not advertise Ah");
            }

            if (enc.Identifier != 0)
            {
                return InvalidData($"{field}.EncryptionAlgorithm.Identifier",
                    $"an AH entry carries EncryptionAlgorithm 0x{enc.Identifier:x}; AH entries have an all-zero EncryptionAlgorithm");
            }

            if (auth.Identifier == 0)
            {
                return InvalidData($"{field}.AuthenticationAlgorithm.Identifier", "an AH entry without an AuthenticationAlgorithm");
            }

            return ResolveV2Authentication($"{field}.AuthenticationAlgorithm", caps, auth, keys, out CryptoAlgorithm? ahAlgorithm, out int ahKeyAt)
                ?? CreateTransform(field, IpsecProtocol.Ah, sa.Spi, esn, sa.SequenceNumberHighOrder, null, default, null, 0,
                    ahAlgorithm, keys.Slice(ahKeyAt, (int)auth.KeyLength), out transform);
        }

        if (!caps.Esp)
        {
            return NotSupported($"{field}.Operation", "an ESP SA, but the adapter does not advertise Esp");
        }

        if (enc.Identifier == 0 && auth.Identifier == 0)
        {
            return InvalidData($"{field}.EncryptionAlgorithm.Identifier", "an ESP entry with neither an encryption nor an authentication algorithm");
        }

        CryptoAlgorithm? cipher = null;
        if (enc.Identifier != 0)
        {
            string encField = $"{field}.EncryptionAlgorithm";
            var identifier = (IPsecV2Encryption)enc.Identifier;
            if ((caps.EncryptionAlgorithms & identifier) == 0)
            {
                return NotSupported($"{encField}.Identifier",
                    $"EncryptionAlgorithm 0x{enc.Identifier:x} is not among the advertised EncryptionAlgorithms 0x{(uint)caps.EncryptionAlgorithms:x}");
            }

            if (!CryptoAlgorithm.TryFromV2Encryption(identifier, out cipher))
            {
                return InvalidData($"{encField}.Identifier", $"EncryptionAlgorithm 0x{enc.Identifier:x} names no algorithm");
            }

            if (CheckKeyLength(encField, cipher, enc.KeyLength) is { } keyError)
            {
                return keyError;
            }

            if (cipher.Kind == CryptoAlgorithmKind.Aead)
            {
                // Combined mode (§4.4, AMB-13): EncryptionAlgorithm carries the key; AuthenticationAlgorithm is not used.
                if (GcmIcvLength($"{encField}.AdditionalInfo", cipher, enc.AdditionalInfo, out int icvLength) is { } icvError)
                {
                    return icvError;
                }

                return CreateTransform(field, IpsecProtocol.Esp, sa.Spi, esn, sa.SequenceNumberHighOrder, null,
                    keys.Slice((int)enc.KeyOffsetBytes, (int)enc.KeyLength), cipher, icvLength, null, default, out transform);
            }
        }

        CryptoAlgorithm? integrity = null;
        int integrityKeyAt = 0;
        if (auth.Identifier != 0
            && ResolveV2Authentication($"{field}.AuthenticationAlgorithm", caps, auth, keys, out integrity, out integrityKeyAt) is { } authError)
        {
            return authError;
        }

        if (integrity is null && cipher == CryptoAlgorithm.EspNull)
        {
            return InvalidData($"{field}.AuthenticationAlgorithm.Identifier",
                "ENCRYPTION_NONE without an authentication algorithm: the ESP SA would provide neither confidentiality nor integrity");
        }

        if (integrity is { Kind: CryptoAlgorithmKind.Integrity, SaltLength: > 0 })
        {
            // AES-GMAC is ENCR_NULL_AUTH_AES_GMAC (RFC 4543): no cipher besides ENCRYPTION_NONE.
            if (cipher is not null && cipher != CryptoAlgorithm.EspNull)
            {
                return InvalidData($"{field}.EncryptionAlgorithm.Identifier",
                    $"AES-GMAC authentication combines only with ENCRYPTION_NONE or no encryption (RFC 4543), not {cipher.Name}");
            }

            cipher = null;
        }

        return CreateTransform(field, IpsecProtocol.Esp, sa.Spi, esn, sa.SequenceNumberHighOrder,
            cipher, cipher is null ? default : keys.Slice((int)enc.KeyOffsetBytes, (int)enc.KeyLength), null, 0,
            integrity, integrity is null ? default : keys.Slice(integrityKeyAt, (int)auth.KeyLength), out transform);
    }

    private NdisError? ResolveV2Authentication(string field, NdisIPsecOffloadV2 caps, IPsecV2AlgorithmInfo auth, ReadOnlySpan<byte> keys,
        out CryptoAlgorithm? algorithm, out int keyAt)
    {
        algorithm = null;
        keyAt = (int)auth.KeyOffsetBytes;
        var identifier = (IPsecV2Authentication)auth.Identifier;
        if ((caps.AuthenticationAlgorithms & identifier) == 0)
        {
            return NotSupported($"{field}.Identifier",
                $"AuthenticationAlgorithm 0x{auth.Identifier:x} is not among the advertised AuthenticationAlgorithms 0x{(uint)caps.AuthenticationAlgorithms:x}");
        }

        if (!CryptoAlgorithm.TryFromV2Authentication(identifier, out algorithm))
        {
            return InvalidData($"{field}.Identifier", $"AuthenticationAlgorithm 0x{auth.Identifier:x} names no algorithm");
        }

        if (CheckKeyLength(field, algorithm, auth.KeyLength) is { } keyError)
        {
            return keyError;
        }

        if (algorithm.SaltLength > 0 && auth.AdditionalInfo != 0
            && GcmIcvLength($"{field}.AdditionalInfo", algorithm, auth.AdditionalInfo, out _) is { } icvError)
        {
            return icvError;
        }

        return (long)auth.KeyOffsetBytes + auth.KeyLength <= keys.Length ? null
            : InvalidData($"{field}.KeyOffsetBytes", $"the key at {auth.KeyOffsetBytes} + {auth.KeyLength} runs past the {keys.Length}-byte key array");
    }

    /// <summary><c>KeyLength</c> must be the algorithm's key bytes; for AES-GCM/GMAC the 4-byte salt is counted (AMB-13 profile).</summary>
    private NdisError? CheckKeyLength(string field, CryptoAlgorithm algorithm, uint keyLength)
    {
        int expected = _profile.GcmSalt == GcmSaltPlacement.AfterKeyCountedInKeyLength ? algorithm.KeyMaterialLength : algorithm.KeyLength;
        if (keyLength == (uint)expected)
        {
            return null;
        }

        string what = algorithm.SaltLength == 0
            ? $"{expected} bytes"
            : $"{expected} bytes ({algorithm.KeyLength}-byte AES key + {algorithm.SaltLength}-byte salt, counted in KeyLength per AMB-13)";
        return InvalidData($"{field}.KeyLength", $"KeyLength {keyLength} is wrong for {algorithm.Name}: expected {what}");
    }

    /// <summary>The AES-GCM/GMAC ICV length from <c>AdditionalInfo</c> in the profile's unit (AMB-13).</summary>
    private NdisError? GcmIcvLength(string field, CryptoAlgorithm algorithm, uint additionalInfo, out int icvLength)
    {
        bool bits = _profile.GcmIcvLengthUnit == GcmIcvLengthUnit.Bits;
        icvLength = bits ? (additionalInfo % 8 == 0 ? (int)Math.Min(additionalInfo / 8, int.MaxValue) : -1) : (int)Math.Min(additionalInfo, int.MaxValue);
        if (algorithm.SupportsIcvLength(icvLength))
        {
            return null;
        }

        string allowed = string.Join(", ", algorithm.IcvLengths.Select(n => bits ? n * 8 : n));
        return InvalidData(field, $"AdditionalInfo {additionalInfo} is not an ICV length {algorithm.Name} allows ({allowed} {(bits ? "bits" : "bytes")}, AMB-13 profile)");
    }
}
