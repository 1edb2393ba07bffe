using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>
/// typed → bytes → typed round trips over full-range values (SPIs, handles up to 2^64−1 / 2^32−1,
/// addresses, key bytes, chains of 1..6), and bytes → typed → bytes identity. Each case draws from
/// <see cref="TestSeeds"/> with its own salt; rerun with IPSEC_TEST_SEED to replay.
/// </summary>
public class RoundTripTests
{
    private const int CasesPerAbi = 25;

    public static IEnumerable<TestCaseData> Seeds() =>
        from abi in new[] { NdisAbi.X64, NdisAbi.X86 }
        from salt in Enumerable.Range(0, CasesPerAbi)
        select new TestCaseData(abi, salt).SetArgDisplayNames(abi.ToProtocolName(), $"salt {salt}, seed {TestSeeds.Current}");

    // ------------------------------------------------------------ generators (valid by construction)

    private static OffloadSecurityAssociation V1Sa(FullRange g, out uint keyBytes)
    {
        var integrity = new OffloadAlgoInfo((uint)g.Int(0, 3), (uint)g.Int(0, 33), g.U32());
        var conf = new OffloadAlgoInfo(g.Pick(0u, 1u, 3u), (uint)g.Int(0, 33), g.U32());
        keyBytes = integrity.AlgoKeylen + conf.AlgoKeylen;
        return new OffloadSecurityAssociation(g.Pick(OffloadOperation.Authenticate, OffloadOperation.Encrypt), g.U32(),
            integrity, conf, new OffloadAlgoInfo(g.U32(), g.U32(), g.U32()));
    }

    private static (OffloadSaFilter, OffloadSaFlags, OffloadSecurityAssociation[], byte[]) V1Common(FullRange g)
    {
        var filter = new OffloadSaFilter(g.U32(), g.U32(), g.U32(), g.U32(), g.U32(), g.U16(), g.U16(), g.U32(), g.U32());
        var sas = new OffloadSecurityAssociation[g.Int(1, 4)];
        uint keyBytes = 0;
        for (int i = 0; i < sas.Length; i++)
        {
            sas[i] = V1Sa(g, out uint k);
            keyBytes += k;
        }

        byte[] keys = g.Bytes((int)keyBytes + g.Int(0, 9));
        return (filter, g.Pick(OffloadSaFlags.None, OffloadSaFlags.Inbound, OffloadSaFlags.Outbound, OffloadSaFlags.Inbound | OffloadSaFlags.Outbound), sas, keys);
    }

    private static IPsecV2AlgorithmInfo V2Algorithm(FullRange g, int maxBit, int keyArray)
    {
        uint identifier = g.Int(0, 4) == 0 ? 0 : 1u << g.Int(0, maxBit + 1);
        int length = g.Int(0, keyArray + 1);
        int offset = g.Int(0, keyArray - length + 1);
        return new IPsecV2AlgorithmInfo(identifier, (uint)length, (uint)offset, g.U32());
    }

    private static IPsecV2SecurityAssociation[] V2Sas(FullRange g, int keyArray)
    {
        var sas = new IPsecV2SecurityAssociation[g.Int(1, 3)];
        for (int i = 0; i < sas.Length; i++)
        {
            sas[i] = new IPsecV2SecurityAssociation(g.Pick(IPsecV2SaFlags.None, IPsecV2SaFlags.Esn), g.Pick(IPsecV2Operation.Ah, IPsecV2Operation.Esp),
                g.U32(), V2Algorithm(g, 5, keyArray), V2Algorithm(g, 8, keyArray), g.U32());
        }

        return sas;
    }

    private static (IPsecV2AddSaFlags, IPsecV2Endpoints) V2Endpoints(FullRange g)
    {
        bool ipv6 = g.Bool();
        var flags = (g.Bool() ? IPsecV2AddSaFlags.Inbound : 0) | (ipv6 ? IPsecV2AddSaFlags.IPv6 : 0);
        return (flags, ipv6 ? IPsecV2Endpoints.IPv6(g.Bytes(16), g.Bytes(16)) : IPsecV2Endpoints.IPv4(g.U32(), g.U32()));
    }

    private static IPsecV2UdpEspEncapsulation UdpEsp(FullRange g) => g.Pick(
        IPsecV2UdpEspEncapsulation.None, IPsecV2UdpEspEncapsulation.Transport, IPsecV2UdpEspEncapsulation.Tunnel,
        IPsecV2UdpEspEncapsulation.TransportOverUdpEspTunnel, IPsecV2UdpEspEncapsulation.UdpEspTransportOverTunnel);

    private static IPsecV2AddSa V2AddSa(FullRange g, NdisAbi abi)
    {
        int keyArray = g.Int(0, 65);
        var (flags, endpoints) = V2Endpoints(g);
        return new IPsecV2AddSa(flags, endpoints, g.Handle(abi), UdpEsp(g), V2Sas(g, keyArray), g.Bytes(keyArray));
    }

    // ------------------------------------------------------------ tests

    private static void AssertRoundTrip<T>(T original, byte[] bytes, OidDecodeResult<T> decoded, Func<T, byte[]> encode)
    {
        T value = OidAssert.Accepted(decoded);
        Assert.That(value, Is.EqualTo(original), "typed → bytes → typed");
        HexAssert.AreEqual(bytes, encode(value), "bytes → typed → bytes");
    }

    [TestCaseSource(nameof(Seeds))]
    public void V1AddSa_FullRangeValues_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(1000 + salt);
        var (filter, flags, sas, keys) = V1Common(g);
        var sa = new OffloadIpsecAddSa(filter, flags, sas, g.Handle(abi), keys);
        byte[] bytes = OffloadIpsecV1Codec.EncodeAddSa(sa, abi);
        AssertRoundTrip(sa, bytes, OffloadIpsecV1Codec.DecodeAddSa(bytes, abi), v => OffloadIpsecV1Codec.EncodeAddSa(v, abi));
    }

    [TestCaseSource(nameof(Seeds))]
    public void V1AddUdpEspSa_FullRangeValues_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(2000 + salt);
        var (filter, flags, sas, keys) = V1Common(g);
        var sa = new OffloadIpsecAddUdpEspSa(filter, flags, sas, g.Handle(abi),
            new OffloadIpsecUdpEspEncapTypeEntry(g.Pick(UdpEncapType.Ike, UdpEncapType.Other), g.U16()), g.Handle(abi), keys);
        byte[] bytes = OffloadIpsecV1Codec.EncodeAddUdpEspSa(sa, abi);
        AssertRoundTrip(sa, bytes, OffloadIpsecV1Codec.DecodeAddUdpEspSa(bytes, abi), v => OffloadIpsecV1Codec.EncodeAddUdpEspSa(v, abi));
    }

    [TestCaseSource(nameof(Seeds))]
    public void V1DeleteStructures_FullRangeHandles_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(3000 + salt);
        var delete = new OffloadIpsecDeleteSa(g.Handle(abi));
        byte[] bytes = OffloadIpsecV1Codec.EncodeDeleteSa(delete, abi);
        AssertRoundTrip(delete, bytes, OffloadIpsecV1Codec.DecodeDeleteSa(bytes, abi), v => OffloadIpsecV1Codec.EncodeDeleteSa(v, abi));
        var deleteUdp = new OffloadIpsecDeleteUdpEspSa(g.Handle(abi), g.Handle(abi));
        bytes = OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(deleteUdp, abi);
        AssertRoundTrip(deleteUdp, bytes, OffloadIpsecV1Codec.DecodeDeleteUdpEspSa(bytes, abi), v => OffloadIpsecV1Codec.EncodeDeleteUdpEspSa(v, abi));
    }

    [TestCaseSource(nameof(Seeds))]
    public void V2AddSaChain_OneToSixFullRangeElements_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(4000 + salt);
        var chain = Enumerable.Range(0, 1 + salt % 6).Select(_ => V2AddSa(g, abi)).ToArray();
        byte[] bytes = IPsecV2Codec.EncodeAddSaChain(chain, abi);
        var decoded = IPsecV2Codec.DecodeAddSaChain(bytes, abi);
        AssertRoundTrip(new EquatableArray<IPsecV2AddSa>(chain), bytes, decoded, v => IPsecV2Codec.EncodeAddSaChain(v, abi));
        Assert.That(decoded.BytesRead, Is.EqualTo(bytes.Length));
    }

    [TestCaseSource(nameof(Seeds))]
    public void V2AddSaEx_FullRangeValues_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(5000 + salt);
        int keyArray = g.Int(0, 65);
        var (flags, endpoints) = V2Endpoints(g);
        var sa = new IPsecV2AddSaEx(flags, endpoints, g.Handle(abi), UdpEsp(g), V2Sas(g, keyArray), g.Bytes(keyArray), g.U32(), g.U16());
        var size = g.Pick(NdisHeaderSizeConvention.RevisionSize, NdisHeaderSizeConvention.StructureSize);
        byte[] bytes = IPsecV2Codec.EncodeAddSaEx(sa, abi, size);
        AssertRoundTrip(sa, bytes, IPsecV2Codec.DecodeAddSaEx(bytes, abi), v => IPsecV2Codec.EncodeAddSaEx(v, abi, size));
    }

    [TestCaseSource(nameof(Seeds))]
    public void V2DeleteSaChain_OneToSixFullRangeHandles_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(6000 + salt);
        var chain = Enumerable.Range(0, 1 + salt % 6).Select(_ => new IPsecV2DeleteSa(g.Handle(abi))).ToArray();
        byte[] bytes = IPsecV2Codec.EncodeDeleteSaChain(chain, abi);
        AssertRoundTrip(new EquatableArray<IPsecV2DeleteSa>(chain), bytes, IPsecV2Codec.DecodeDeleteSaChain(bytes, abi),
            v => IPsecV2Codec.EncodeDeleteSaChain(v, abi));
    }

    [TestCaseSource(nameof(Seeds))]
    public void V2UpdateSa_FullRangeValues_RoundTrip(NdisAbi abi, int salt)
    {
        var g = new FullRange(7000 + salt);
        var sa = new IPsecV2UpdateSa(g.Handle(abi), g.Pick(IPsecV2Operation.Ah, IPsecV2Operation.Esp), g.U32(), g.U32());
        byte[] bytes = IPsecV2Codec.EncodeUpdateSa(sa, abi);
        AssertRoundTrip(sa, bytes, IPsecV2Codec.DecodeUpdateSa(bytes, abi), v => IPsecV2Codec.EncodeUpdateSa(v, abi));
    }

    [TestCaseSource(nameof(Seeds))]
    public void OffloadParameters_AllDefinedValues_RoundTrip(NdisAbi abi, int salt)
    {
        _ = abi; // the structure is the same on both ABIs
        var g = new FullRange(8000 + salt);
        OffloadParametersChecksum C() => (OffloadParametersChecksum)g.Int(0, 5);
        OffloadParametersLso L() => (OffloadParametersLso)g.Int(0, 3);
        OffloadParametersIpsec I() => (OffloadParametersIpsec)g.Int(0, 5);
        byte revision = (byte)g.Int(1, 3);
        var p = new NdisOffloadParameters(revision, C(), C(), C(), C(), C(), L(), I(), L(), L(), (byte)g.Int(0, 256), (byte)g.Int(0, 256), g.U32(),
            revision == 2 ? I() : 0, revision == 2 ? I() : 0);
        byte[] bytes = NdisOffloadParametersCodec.Encode(p);
        AssertRoundTrip(p, bytes, NdisOffloadParametersCodec.Decode(bytes), NdisOffloadParametersCodec.Encode);
    }

    [TestCase(NdisAbi.X64, ulong.MaxValue)]
    [TestCase(NdisAbi.X86, (ulong)uint.MaxValue)]
    public void V2AddSa_ExtremeHandle_RoundTrips(NdisAbi abi, ulong handle)
    {
        var sa = new IPsecV2AddSa(0, IPsecV2Endpoints.IPv4(uint.MaxValue, uint.MaxValue), handle, 0,
            new IPsecV2SecurityAssociation[] { new(0, IPsecV2Operation.Esp, uint.MaxValue, default, default, uint.MaxValue) }, Array.Empty<byte>());
        byte[] bytes = IPsecV2Codec.EncodeAddSaChain([sa], abi);
        Assert.That(OidAssert.Accepted(IPsecV2Codec.DecodeAddSaChain(bytes, abi))[0], Is.EqualTo(sa));
    }
}
