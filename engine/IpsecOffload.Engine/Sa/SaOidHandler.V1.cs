using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Engine.Sa;

/// <summary>The IPsec offload v1 SA OIDs (spec digest §3).</summary>
public sealed partial class SaOidHandler
{
    private const string V1AddSaName = "OFFLOAD_IPSEC_ADD_SA";
    private const string V1UdpEspName = "OFFLOAD_IPSEC_ADD_UDPESP_SA";

    private OidResult V1AddSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecAddSa;
        var decoded = OffloadIpsecV1Codec.DecodeAddSa(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        OffloadIpsecAddSa sa = decoded.Value!;
        ulong handle = 0;
        NdisError? error = BuildV1(V1AddSaName, sa.Filter, sa.Flags, sa.SecAssoc, sa.KeyMat, out SaDirection direction, out List<SaTransform> transforms);
        if (error is null)
        {
            var bundle = new OffloadedSaBundle(direction, sa.Filter, null, 0, transforms);
            if (!Store.TryAdd(bundle, out handle))
            {
                bundle.Dispose();
                error = CapacityExhausted($"{V1AddSaName}.OffloadHandle");
            }
        }

        OffloadIpsecV1Codec.WriteAddSaOffloadHandle(buffer, Abi, handle);
        return CompleteV1(oid, error, buffer, decoded.BytesRead, handle);
    }

    private OidResult V1AddUdpEspSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecAddUdpEspSa;
        var decoded = OffloadIpsecV1Codec.DecodeAddUdpEspSa(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        OffloadIpsecAddUdpEspSa sa = decoded.Value!;
        ulong handle = 0;
        ulong entryHandle = sa.EncapTypeEntryOffldHandle;
        SaDirection direction = SaDirection.Outbound;
        List<SaTransform> transforms = [];
        NdisError? error = CheckV1UdpEsp(sa);
        if (error is null)
        {
            error = BuildV1(V1UdpEspName, sa.Filter, sa.Flags, sa.SecAssoc, sa.KeyMat, out direction, out transforms);
        }

        if (error is null)
        {
            bool createdEntry = false;
            if (direction == SaDirection.Inbound && entryHandle == 0)
            {
                // §3.3: inbound with a NULL handle: look the parser entry up, create it if absent, return its handle.
                if (!Store.TryGetOrAddParserEntry(sa.EncapTypeEntry, out UdpEspParserEntry? entry, out createdEntry))
                {
                    DisposeAll(transforms);
                    error = new NdisError(NdisStatus.Resources, $"{V1UdpEspName}.EncapTypeEntryOffldHandle", "no parser-entry handle is left");
                }
                else
                {
                    entryHandle = entry!.Handle;
                }
            }

            if (error is null)
            {
                var bundle = new OffloadedSaBundle(direction, sa.Filter, sa.EncapTypeEntry,
                    direction == SaDirection.Inbound ? entryHandle : 0, transforms);
                if (!Store.TryAdd(bundle, out handle))
                {
                    bundle.Dispose();
                    error = CapacityExhausted($"{V1UdpEspName}.OffloadHandle");

                    // §3.3: on failure neither the parser entry nor the SAs were added.
                    if (createdEntry)
                    {
                        Store.TryRemoveParserEntry(entryHandle);
                    }

                    entryHandle = sa.EncapTypeEntryOffldHandle;
                }
            }
            else
            {
                entryHandle = sa.EncapTypeEntryOffldHandle;
            }
        }

        OffloadIpsecV1Codec.WriteAddUdpEspSaHandles(buffer, Abi, new OffloadUdpEspHandles(handle, entryHandle));
        return CompleteV1(oid, error, buffer, decoded.BytesRead, handle);
    }

    private OidResult V1DeleteSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecDeleteSa;
        var decoded = OffloadIpsecV1Codec.DecodeDeleteSa(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        ulong handle = decoded.Value.OffloadHandle;
        NdisError? note = Store.TryRemove(handle, b => b.Version == SaVersion.V1) ? null : UnknownV1Handle("OFFLOAD_IPSEC_DELETE_SA.OffloadHandle", handle);
        return Complete(oid, NdisStatus.Success, buffer, decoded.BytesRead, [note], [handle]);
    }

    private OidResult V1DeleteUdpEspSa(byte[] buffer)
    {
        const NdisOid oid = NdisOid.TcpTaskIpsecDeleteUdpEspSa;
        const string name = "OFFLOAD_IPSEC_DELETE_UDPESP_SA";
        var decoded = OffloadIpsecV1Codec.DecodeDeleteUdpEspSa(buffer, Abi);
        if (!decoded.Succeeded)
        {
            return Reject(oid, decoded.Error, buffer, decoded.BytesNeeded);
        }

        OffloadIpsecDeleteUdpEspSa delete = decoded.Value;
        NdisError? note = Store.TryRemove(delete.OffloadHandle, b => b.Version == SaVersion.V1)
            ? null : UnknownV1Handle($"{name}.OffloadHandle", delete.OffloadHandle);

        // §3.3: a non-NULL EncapTypeEntryOffldHandle deletes that parser entry too.
        if (delete.EncapTypeEntryOffldHandle != 0 && !Store.TryRemoveParserEntry(delete.EncapTypeEntryOffldHandle))
        {
            note ??= UnknownV1Handle($"{name}.EncapTypeEntryOffldHandle", delete.EncapTypeEntryOffldHandle);
        }

        return Complete(oid, NdisStatus.Success, buffer, decoded.BytesRead, [note], [delete.OffloadHandle]);
    }

    private static NdisError UnknownV1Handle(string field, ulong handle) =>
        new(NdisStatus.InvalidParameter, field, $"handle 0x{handle:x} is unknown (ignored; the request still succeeds)");

    /// <summary>v1 ADD requests complete with the failing check's own status (AMB-18: none documented).</summary>
    private OidResult CompleteV1(NdisOid oid, NdisError? error, byte[] buffer, int bytesRead, ulong handle) =>
        Complete(oid, error?.Status ?? NdisStatus.Success, buffer, bytesRead, [error], [handle]);

    private NdisError? CheckV1UdpEsp(OffloadIpsecAddUdpEspSa sa)
    {
        NdisIPsecOffloadV1 caps = _v1!.Value;
        bool tunnel = sa.Filter.SrcTunnelAddr != 0 || sa.Filter.DestTunnelAddr != 0;
        bool other = sa.EncapTypeEntry.UdpEncapType == UdpEncapType.Other;
        IPsecV1UdpEspEncapsulationTypes wanted = (tunnel, other) switch
        {
            (false, false) => IPsecV1UdpEspEncapsulationTypes.TransportIke,
            (false, true) => IPsecV1UdpEspEncapsulationTypes.TransportOther,
            (true, false) => IPsecV1UdpEspEncapsulationTypes.TunnelIke | IPsecV1UdpEspEncapsulationTypes.TransportOverTunnelIke
                | IPsecV1UdpEspEncapsulationTypes.TransportUdpEspOverPureTunnelIke,
            (true, true) => IPsecV1UdpEspEncapsulationTypes.TunnelOther | IPsecV1UdpEspEncapsulationTypes.TransportOverTunnelOther
                | IPsecV1UdpEspEncapsulationTypes.TransportUdpEspOverPureTunnelOther,
        };
        if ((caps.Supported.Flags & wanted) == 0)
        {
            return NotSupported($"{V1UdpEspName}.EncapTypeEntry.UdpEncapType",
                $"{(tunnel ? "tunnel" : "transport")} UDP-ESP of type {sa.EncapTypeEntry.UdpEncapType} needs Supported.Flags 0x{(uint)wanted:x}; the adapter advertises 0x{(uint)caps.Supported.Flags:x}");
        }

        if (sa.SecAssoc.AsSpan().ToArray().Any(s => s.Operation == OffloadOperation.Authenticate))
        {
            return InvalidData($"{V1UdpEspName}.SecAssoc", "a UDP-ESP SA holds ESP (ENCRYPT) entries only, not AH (AUTHENTICATE)");
        }

        if (sa.Flags == OffloadSaFlags.Inbound && sa.EncapTypeEntryOffldHandle != 0
            && !Store.TryGetParserEntry(sa.EncapTypeEntryOffldHandle, out _))
        {
            return new NdisError(NdisStatus.InvalidParameter, $"{V1UdpEspName}.EncapTypeEntryOffldHandle",
                $"EncapTypeEntryOffldHandle 0x{sa.EncapTypeEntryOffldHandle:x} names no parser entry");
        }

        return null;
    }

    /// <summary>
    /// Validates an <c>OFFLOAD_IPSEC_ADD_SA</c>-style request against the v1 capabilities and builds its
    /// transforms. Keys are taken from <c>KeyMat</c> in <c>SecAssoc</c> order; within each entry the
    /// confidentiality and integrity keys are in <see cref="OffloadProfile.V1KeyOrder"/> order (AMB-11).
    /// </summary>
    private NdisError? BuildV1(string name, OffloadSaFilter filter, OffloadSaFlags flags, EquatableArray<OffloadSecurityAssociation> sas,
        EquatableArray<byte> keyMat, out SaDirection direction, out List<SaTransform> transforms)
    {
        NdisIPsecOffloadV1 caps = _v1!.Value;
        transforms = [];
        direction = flags == OffloadSaFlags.Inbound ? SaDirection.Inbound : SaDirection.Outbound;
        if (flags is not (OffloadSaFlags.Inbound or OffloadSaFlags.Outbound))
        {
            return InvalidData($"{name}.Flags", $"Flags 0x{(ushort)flags:x4} must be exactly one of OFFLOAD_INBOUND_SA 0x0001 and OFFLOAD_OUTBOUND_SA 0x0002");
        }

        if (sas.Count > 2)
        {
            return InvalidData($"{name}.NumSAs", $"NumSAs {sas.Count}: the only supported bundles are one SA or ESP followed by AH");
        }

        if (sas.Count == 2)
        {
            if (CheckOrder($"{name}.SecAssoc", sas[0].Operation == OffloadOperation.Encrypt, sas[1].Operation == OffloadOperation.Encrypt,
                "ENCRYPT", "AUTHENTICATE") is { } orderError)
            {
                return orderError;
            }

            if (caps.Supported.AhEspCombined == 0)
            {
                return NotSupported($"{name}.NumSAs", "an ESP + AH bundle, but the adapter does not advertise Supported.AhEspCombined");
            }
        }

        bool tunnel = filter.SrcTunnelAddr != 0 || filter.DestTunnelAddr != 0;
        bool outbound = direction == SaDirection.Outbound;
        int cursor = 0;
        ReadOnlySpan<byte> keys = keyMat.AsSpan();
        for (int i = 0; i < sas.Count; i++)
        {
            string field = $"{name}.SecAssoc[{i}]";
            OffloadSecurityAssociation sa = sas[i];
            int confLength = (int)sa.ConfAlgo.AlgoKeylen;
            int integrityLength = (int)sa.IntegrityAlgo.AlgoKeylen;

            // AMB-11: the order of the two keys of one entry is the profile's; the decoder checked the sum fits KeyLen.
            bool confFirst = _profile.V1KeyOrder == V1KeyOrder.ConfidentialityFirst;
            int confAt = confFirst ? cursor : cursor + integrityLength;
            int integrityAt = confFirst ? cursor + confLength : cursor;
            cursor += confLength + integrityLength;
            ReadOnlySpan<byte> confKey = keys.Slice(confAt, confLength);
            ReadOnlySpan<byte> integrityKey = keys.Slice(integrityAt, integrityLength);

            CryptoAlgorithm? integrity = null;
            if (sa.IntegrityAlgorithm != OffloadIntegrityAlgo.None)
            {
                CryptoAlgorithm.TryFromV1Integrity(sa.IntegrityAlgorithm, out integrity);
                byte advertised = integrity == CryptoAlgorithm.HmacMd5 ? caps.IPv4Ah.Md5 : caps.IPv4Ah.Sha1;
                if (integrity is null || advertised == 0)
                {
                    return NotSupported($"{field}.IntegrityAlgo.algoIdentifier",
                        $"IntegrityAlgo {sa.IntegrityAlgo.AlgoIdentifier} is not advertised in IPv4AH.Md5/Sha_1 (Md5 {caps.IPv4Ah.Md5}, Sha_1 {caps.IPv4Ah.Sha1})");
                }

                if (integrityLength != integrity.KeyLength)
                {
                    return InvalidData($"{field}.IntegrityAlgo.algoKeylen", $"algoKeylen {integrityLength} is wrong for {integrity.Name}: expected {integrity.KeyLength} bytes");
                }
            }

            NdisError? error;
            SaTransform? transform = null;
            if (sa.Operation == OffloadOperation.Authenticate)
            {
                error = CheckV1Ah(field, caps, sa, integrity, outbound, tunnel)
                    ?? CreateTransform(field, IpsecProtocol.Ah, sa.Spi, false, 0, null, default, null, 0, integrity, integrityKey, out transform);
            }
            else
            {
                CryptoAlgorithm.TryFromV1Confidentiality(sa.ConfAlgorithm, out CryptoAlgorithm? cipher);
                error = CheckV1Esp(field, caps, sa, cipher!, integrity, confLength, outbound, tunnel)
                    ?? CreateTransform(field, IpsecProtocol.Esp, sa.Spi, false, 0, cipher, confKey, null, 0, integrity, integrityKey, out transform);
            }

            if (error is not null)
            {
                DisposeAll(transforms);
                return error;
            }

            transforms.Add(transform!);
        }

        return null;
    }

    private static NdisError? CheckV1Ah(string field, NdisIPsecOffloadV1 caps, OffloadSecurityAssociation sa, CryptoAlgorithm? integrity,
        bool outbound, bool tunnel)
    {
        if (sa.ConfAlgo.AlgoIdentifier != 0 || sa.ConfAlgo.AlgoKeylen != 0)
        {
            return InvalidData($"{field}.ConfAlgo", "an AUTHENTICATE (AH) entry carries a ConfAlgo; AH entries have an all-zero ConfAlgo");
        }

        if (integrity is null)
        {
            return InvalidData($"{field}.IntegrityAlgo.algoIdentifier", "an AUTHENTICATE (AH) entry without an IntegrityAlgo");
        }

        return CheckV1Mode(field, "IPv4AH", outbound ? caps.IPv4Ah.Send : caps.IPv4Ah.Receive, tunnel ? caps.IPv4Ah.Tunnel : caps.IPv4Ah.Transport,
            outbound, tunnel);
    }

    private static NdisError? CheckV1Esp(string field, NdisIPsecOffloadV1 caps, OffloadSecurityAssociation sa, CryptoAlgorithm cipher,
        CryptoAlgorithm? integrity, int confLength, bool outbound, bool tunnel)
    {
        if (cipher == CryptoAlgorithm.EspNull && integrity is null)
        {
            return InvalidData($"{field}.ConfAlgo.algoIdentifier", "an ENCRYPT (ESP) entry with neither a confidentiality nor an integrity algorithm");
        }

        byte advertised = sa.ConfAlgorithm switch
        {
            OffloadConfAlgo.Des => caps.IPv4Esp.Des,
            OffloadConfAlgo.TripleDes => caps.IPv4Esp.TripleDes,
            _ => caps.IPv4Esp.NullEsp,
        };
        if (advertised == 0)
        {
            return NotSupported($"{field}.ConfAlgo.algoIdentifier",
                $"ConfAlgo {sa.ConfAlgo.AlgoIdentifier} ({cipher.Name}) is not advertised in IPv4ESP");
        }

        if (confLength != cipher.KeyLength)
        {
            return InvalidData($"{field}.ConfAlgo.algoKeylen", $"algoKeylen {confLength} is wrong for {cipher.Name}: expected {cipher.KeyLength} bytes");
        }

        return CheckV1Mode(field, "IPv4ESP", outbound ? caps.IPv4Esp.Send : caps.IPv4Esp.Receive, tunnel ? caps.IPv4Esp.Tunnel : caps.IPv4Esp.Transport,
            outbound, tunnel);
    }

    private static NdisError? CheckV1Mode(string field, string family, byte direction, byte mode, bool outbound, bool tunnel)
    {
        if (direction == 0)
        {
            return NotSupported($"{field}.Operation", $"{(outbound ? "an outbound" : "an inbound")} SA, but {family}.{(outbound ? "Send" : "Receive")} is not advertised");
        }

        return mode != 0 ? null
            : NotSupported($"{field}.Operation", $"a {(tunnel ? "tunnel" : "transport")} SA, but {family}.{(tunnel ? "Tunnel" : "Transport")} is not advertised");
    }
}
