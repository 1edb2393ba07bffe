using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using static IpsecOffload.Conformance.Cases.CaseCatalogue;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>The seed rules of the brief: zero handle, unknown handle, protected sends (SEND-03, SEND-04, SEND-09).</summary>
internal static class SeedRuleCases
{
    private const int Payload = 13;

    public static IEnumerable<ConformanceCase> All =>
    [
        .. Apis.Select(api => Case($"Send03_OffloadHandleZero_SentUnchanged_{api}", ["SEND-03", "SEND-23"],
            $"{api}: an SA is offloaded, an NBL with OffloadHandle 0 carries a framed ESP packet and a short frame: both leave unchanged (short one padded to 60)",
            [CaseKit.EspFeatureFor(api)], c => ZeroHandle(c, api))),
        .. Apis.Select(api => Case($"Send04_UnknownHandle_FailsWithFailure_{api}", ["SEND-04", "SA-05", "SEND-01", "CMPL-03"],
            $"{api}: [good, handle never returned by ADD_SA, good]: the middle NBL completes with NDIS_STATUS_FAILURE and sends nothing, the others go out protected",
            [CaseKit.EspFeatureFor(api)], c => UnknownHandle(c, api))),
        .. Apis.Select(api => Case($"Send09_EspTransport_ProtectedOnWire_{api}", ["SEND-09", "ESP-01", "ESP-02", "ESP-03", "ESP-04"],
            $"{api}: one framed ESP transport packet on the standard SA of the API: the ICV verifies and the payload decrypts to what the transport framed",
            [CaseKit.EspFeatureFor(api)], c => Protected(c, api))),
    ];

    private static SaApi[] Apis => [SaApi.V1, SaApi.V2, SaApi.V2Ex];

    private static void ZeroHandle(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        c.AddSa(api, BundleSpec.Of(sa));
        FramedPacket framed = CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, CaseKit.Sequence(c.Random));
        byte[][] inputs = [CaseKit.EthernetFrame(framed), TransportSimulator.EthernetFrame(CaseKit.Udp4(c.Random, 4))];
        NetBufferList nbl = c.Transport.BuildNbl(inputs, 0, 0, api == SaApi.V1 ? null : framed.V2HeaderInfo, name: "zero-handle");
        c.Send(nbl);
        c.ExpectUnchanged(nbl, inputs, "SEND-03");
    }

    private static void UnknownHandle(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        ulong sequence = CaseKit.Sequence(c.Random);
        FramedPacket before = CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence);
        FramedPacket bad = CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence + 1);
        FramedPacket after = CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, sequence + 2);
        // Fits a 32-bit pointer (x86 adapters) and differs from the one live handle.
        ulong unknown = (handle ^ 0x5A5A_0101UL) & 0xFFFF_FFFFUL;
        unknown = unknown == 0 || unknown == handle ? 0x7EAD_0101UL : unknown;
        NetBufferList first = c.Nbl(api, [before], handle, name: "good-before");
        NetBufferList middle = c.Nbl(api, [bad], unknown, name: $"unknown-handle-0x{unknown:x}");
        NetBufferList last = c.Nbl(api, [after], handle, name: "good-after");
        c.Send(first, middle, last);
        c.ExpectNoSaRefused(middle, NdisStatus.Failure, "SEND-04", $"OffloadHandle 0x{unknown:x} was never returned by ADD_SA");
        c.ExpectProtected(first, [before], [sa], "CMPL-03");
        c.ExpectProtected(last, [after], [sa], "CMPL-03");
    }

    private static void Protected(CaseContext c, SaApi api)
    {
        SaSpec sa = CaseKit.EspFor(api, c.Random);
        ulong handle = c.AddSa(api, BundleSpec.Of(sa));
        FramedPacket framed = CaseKit.Frame(c.Random, CaseKit.Udp4(c.Random, Payload), sa, CaseKit.Sequence(c.Random));
        NetBufferList nbl = c.Nbl(api, [framed], handle, name: "esp-transport");
        c.Send(nbl);
        c.ExpectProtected(nbl, [framed], [sa], "SEND-09");
    }
}
