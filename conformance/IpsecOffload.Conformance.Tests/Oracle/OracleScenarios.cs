using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Oracle;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>A frame the reference miniport sent, with what the oracle needs to judge it.</summary>
/// <param name="Framed">The packet as the transport framed it.</param>
/// <param name="Sas">Every SA involved.</param>
/// <param name="Wire">The Ethernet frame on the wire.</param>
/// <param name="Options">The oracle options (ESN high override, …).</param>
public sealed record SentFrame(FramedPacket Framed, IReadOnlyList<SaSpec> Sas, byte[] Wire, OracleOptions Options)
{
    /// <summary>Judges <paramref name="wire"/> (default: the frame as sent).</summary>
    public OracleJudgement Judge(byte[]? wire = null) => WireOracle.Judge(Framed, Sas, wire ?? Wire, Options);

    /// <summary>The framer's record of the only (or the first) header of <paramref name="protocol"/>.</summary>
    public FramedHeader Header(IpsecProtocol protocol) => Framed.Headers.First(h => h.Protocol == protocol);
}

/// <summary>How to produce one real frame: a name and a send through a fresh <see cref="OracleRig"/>.</summary>
public sealed record OracleScenario(string Name, Func<Random, SentFrame> Send)
{
    public override string ToString() => Name;
}

/// <summary>The frames the oracle's tests judge: every v2 ESP transform, AH, bundles, tunnels, UDP-ESP, ESN.</summary>
internal static class OracleScenarios
{
    private const int Payload = 37;

    public static IEnumerable<OracleScenario> All =>
        EspTransport.Concat(Ah).Concat(Combinations).Concat(Esn);

    public static IEnumerable<OracleScenario> EspTransport =>
        from algorithm in OracleKit.EspAlgorithms
        from ipv6 in new[] { false, true }
        select new OracleScenario($"esp-transport-{(ipv6 ? "v6" : "v4")}-{algorithm.Name}", r => EspOnce(r, algorithm.Sa(r), ipv6 ? CaseKit.Udp6(r, Payload) : CaseKit.Udp4(r, Payload), ipv6));

    public static IEnumerable<OracleScenario> Ah =>
        from mac in OracleKit.AhAlgorithms
        from shape in new[] { "v4", "v4-options", "v4-source-route", "v6-extensions", "v6-routing-pending" }
        select new OracleScenario($"ah-{shape}-{mac.Name}", r => AhOnce(r, mac, shape));

    public static IEnumerable<OracleScenario> Combinations =>
    [
        new("ah+esp-bundle-v4", r => Bundle(r, ipv6: false)),
        new("ah+esp-bundle-v6-extensions", r => Bundle(r, ipv6: true)),
        new("esp-tunnel-v4-in-v4", r => Tunnel(r, OracleKit.EspAlgorithms[0], innerV6: false, outerV6: false)),
        new("esp-tunnel-v6-in-v4", r => Tunnel(r, OracleKit.EspAlgorithms[0], innerV6: true, outerV6: false)),
        new("esp-tunnel-v4-in-v6-gcm", r => Tunnel(r, Gcm128, innerV6: false, outerV6: true)),
        new("esp-null-tunnel-v4-in-v4", r => Tunnel(r, EspNullSha1, innerV6: false, outerV6: false)),
        new("ah-tunnel-v4-in-v4", r => AhTunnel(r)),
        new("esp-transport-over-esp-tunnel-v4", r => TransportOverTunnel(r, ah: false)),
        new("ah-transport-over-esp-tunnel-v4", r => TransportOverTunnel(r, ah: true)),
        new("udp-esp-transport-v4", r => UdpEsp(r, ipv6: false, tunnel: false)),
        new("udp-esp-transport-v6", r => UdpEsp(r, ipv6: true, tunnel: false)),
        new("udp-esp-tunnel-v4", r => UdpEsp(r, ipv6: false, tunnel: true)),
    ];

    public static IEnumerable<OracleScenario> Esn =>
    [
        new("esn-esp-aes-cbc-hmac-sha256", r => EsnEsp(r, new EspAlgorithm("cbc", CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha256, 16))),
        new("esn-esp-aes-gcm-256", r => EsnEsp(r, new EspAlgorithm("gcm", CryptoAlgorithm.AesGcm256, null, 16))),
        new("esn-esp-aes-gmac-128", r => EsnEsp(r, new EspAlgorithm("gmac", null, CryptoAlgorithm.AesGmac128, 16))),
        new("esn-ah-hmac-sha1", r => EsnAh(r, CryptoAlgorithm.HmacSha1)),
        new("esn-ah-aes-gmac-256", r => EsnAh(r, CryptoAlgorithm.AesGmac256)),
        new("esn-after-update-sa-sequence-high-override", EsnAfterUpdate),
    ];

    public static EspAlgorithm CbcSha1 => OracleKit.EspAlgorithms[0];

    public static EspAlgorithm EspNullSha1 => OracleKit.EspAlgorithms.Single(a => a.Name == "esp-null+hmac-sha1-96");

    public static EspAlgorithm Gcm128 => OracleKit.EspAlgorithms.Single(a => a.Name == "aes-gcm-128-icv16");

    public static OracleScenario Named(string name) => All.Single(s => s.Name == name);

    /// <summary>One ESP transport packet on <paramref name="sa"/>.</summary>
    public static SentFrame EspOnce(Random random, SaSpec sa, byte[] plain, bool ipv6, OracleOptions? options = null)
    {
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa, ipv6));
        FramedPacket framed = OracleKit.Frame(random, plain, sa, CaseKit.Sequence(random));
        return new SentFrame(framed, [sa], rig.Send(framed, handle), options ?? new OracleOptions());
    }

    private static SentFrame AhOnce(Random random, CryptoAlgorithm mac, string shape)
    {
        SaSpec sa = CaseKit.Ah(random, mac);
        bool ipv6 = shape.StartsWith("v6", StringComparison.Ordinal);
        byte[] plain = shape switch
        {
            "v4" => CaseKit.Udp4(random, Payload),
            "v4-options" => OracleKit.Udp4WithOptions(random, Payload),
            "v4-source-route" => OracleKit.Udp4WithOptions(random, Payload, sourceRoute: true),
            "v6-extensions" => OracleKit.Udp6WithExtensions(random, Payload),
            _ => OracleKit.Udp6WithExtensions(random, Payload, pendingSegment: true),
        };
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa, ipv6));
        FramedPacket framed = OracleKit.Frame(random, plain, sa, CaseKit.Sequence(random));
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions());
    }

    private static SentFrame Bundle(Random random, bool ipv6)
    {
        SaSpec esp = CbcSha1.Sa(random);
        SaSpec ah = CaseKit.Ah(random, CryptoAlgorithm.HmacSha256);
        byte[] plain = ipv6 ? OracleKit.Udp6WithExtensions(random, Payload) : CaseKit.Udp4(random, Payload);
        using var rig = new OracleRig();
        ulong handle = rig.Add(new BundleSpec { Sas = [esp, ah], IPv6 = ipv6 });
        ulong sequence = CaseKit.Sequence(random);
        FramedPacket framed = TransportSimulator.Frame(plain, [OracleKit.Framing(random, esp, sequence), OracleKit.Framing(random, ah, sequence + 3)]);
        return new SentFrame(framed, [esp, ah], rig.Send(framed, handle), new OracleOptions());
    }

    private static SentFrame Tunnel(Random random, EspAlgorithm algorithm, bool innerV6, bool outerV6)
    {
        SaSpec sa = algorithm.Sa(random);
        byte[] plain = innerV6 ? CaseKit.Udp6(random, Payload) : CaseKit.Udp4(random, Payload);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa, outerV6));
        FramedPacket framed = OracleKit.Frame(random, plain, sa, CaseKit.Sequence(random), outerV6 ? OracleKit.OuterV6(random) : OracleKit.OuterV4(random));
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions());
    }

    private static SentFrame AhTunnel(Random random)
    {
        SaSpec sa = CaseKit.Ah(random, CryptoAlgorithm.HmacSha1);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa));
        FramedPacket framed = OracleKit.Frame(random, CaseKit.Udp4(random, Payload), sa, CaseKit.Sequence(random), OracleKit.OuterV4(random));
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions());
    }

    private static SentFrame TransportOverTunnel(Random random, bool ah)
    {
        SaSpec inner = ah ? CaseKit.Ah(random, CryptoAlgorithm.HmacSha256) : OracleKit.EspAlgorithms.Single(a => a.Name == "aes-cbc-256+hmac-sha256-128").Sa(random);
        SaSpec outer = OracleKit.EspAlgorithms.Single(a => a.Name == "3des-cbc+hmac-sha1-96").Sa(random);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(inner));
        ulong tunnelHandle = rig.Add(BundleSpec.Of(outer));
        FramedPacket framed = TransportSimulator.Frame(CaseKit.Udp4(random, Payload),
            [OracleKit.Framing(random, inner, CaseKit.Sequence(random))],
            [OracleKit.Framing(random, outer, 0x1_2345_6789, OracleKit.OuterV4(random))]);
        return new SentFrame(framed, [inner, outer], rig.Send(framed, handle, tunnelHandle), new OracleOptions());
    }

    private static SentFrame UdpEsp(Random random, bool ipv6, bool tunnel)
    {
        SaSpec sa = CbcSha1.Sa(random);
        byte[] plain = ipv6 ? CaseKit.Udp6(random, Payload) : CaseKit.Udp4(random, Payload);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa, ipv6) with
        {
            UdpEsp = tunnel ? IPsecV2UdpEspEncapsulation.Tunnel : IPsecV2UdpEspEncapsulation.Transport,
        });
        FramedPacket framed = OracleKit.Frame(random, plain, sa, CaseKit.Sequence(random), tunnel ? OracleKit.OuterV4(random) : null, UdpEspPorts.NatTraversal);
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions());
    }

    private static SentFrame EsnEsp(Random random, EspAlgorithm algorithm)
    {
        uint high = CaseKit.Spi(random);
        SaSpec sa = algorithm.Sa(random, esn: true, high: high);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa));
        FramedPacket framed = OracleKit.Frame(random, CaseKit.Udp4(random, Payload), sa, ((ulong)high << 32) | CaseKit.Sequence(random));
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions());
    }

    private static SentFrame EsnAh(Random random, CryptoAlgorithm mac)
    {
        uint high = CaseKit.Spi(random);
        SaSpec sa = CaseKit.Ah(random, mac, esn: true, high: high);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa));
        FramedPacket framed = OracleKit.Frame(random, CaseKit.Udp4(random, Payload), sa, ((ulong)high << 32) | CaseKit.Sequence(random));
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions());
    }

    /// <summary>ESN SA whose high half UPDATE_SA moved on: the oracle needs <see cref="OracleOptions.SequenceHigh"/> to judge it.</summary>
    private static SentFrame EsnAfterUpdate(Random random)
    {
        uint high = CaseKit.Spi(random);
        uint newHigh = unchecked(high + 1); // RFC 4303 §2.2.1: the high half steps when the low half wraps
        SaSpec sa = CbcSha1.Sa(random, esn: true, high: high);
        using var rig = new OracleRig();
        ulong handle = rig.Add(BundleSpec.Of(sa));
        Assert.That(rig.Transport.UpdateSaV2(handle, sa, newHigh).Status, Is.EqualTo(NdisStatus.Success), "UPDATE_SA");
        FramedPacket framed = OracleKit.Frame(random, CaseKit.Udp4(random, Payload), sa, ((ulong)newHigh << 32) | 5);
        return new SentFrame(framed, [sa], rig.Send(framed, handle), new OracleOptions { SequenceHigh = _ => newHigh });
    }
}
