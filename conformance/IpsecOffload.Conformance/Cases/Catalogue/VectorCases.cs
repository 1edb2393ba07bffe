using System.Globalization;
using System.Reflection;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Conformance.Cases.Catalogue;

/// <summary>
/// One case per golden vector of <c>vectors/</c> (published, scapy, lso; embedded as resources so the
/// CLI runs them from any directory): the vector's SA is added, its plaintext framed as the transport
/// would, and what the adapter sends is compared byte for byte with the golden <c>wirePacket</c>
/// (<see cref="VectorDiff"/>), or for LSO vectors judged by <see cref="LsoVectorJudge"/>. The vectors
/// assume the transport writes the IV, so under <c>EspIv = Device</c> they are NotApplicable.
/// </summary>
internal static class VectorCases
{
    private const string ResourcePrefix = "IpsecOffload.Conformance.vectors/";

    private static readonly string[] LsoIds = ["LSO-01", "LSO-02", "LSO-03", "LSO-04", "LSO-05", "SEND-18", "SEND-20"];

    private static readonly Lazy<IReadOnlyList<GoldenVector>> Loaded = new(Load);

    /// <summary>The embedded vectors, in resource-name order.</summary>
    public static IReadOnlyList<GoldenVector> Vectors => Loaded.Value;

    public static IEnumerable<ConformanceCase> All => Vectors.Select(ToCase);

    private static List<GoldenVector> Load()
    {
        Assembly assembly = typeof(VectorCases).Assembly;
        List<GoldenVector> vectors = [];
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            VectorLoadResult result = VectorLoader.Parse(name[ResourcePrefix.Length..], reader.ReadToEnd());
            if (result.Errors.Count > 0)
            {
                throw new InvalidOperationException($"embedded vector {name} does not load: {string.Join("; ", result.Errors)}");
            }

            vectors.AddRange(result.Vectors);
        }

        return vectors;
    }

    private static ConformanceCase ToCase(GoldenVector vector)
    {
        string[] ids = Requirements(vector);
        string main = ids[0].Replace("UDPESP", "UdpEsp", StringComparison.Ordinal);
        string name = $"{WireKit.Pascal(main.Length > 0 ? main[..1] + main[1..].ToLowerInvariant() : main).Replace("Udpesp", "UdpEsp", StringComparison.Ordinal)}_Vector_{WireKit.Pascal(vector.Id)}";
        string what = vector.Kind == VectorKind.Lso
            ? $"LSOv{vector.Lso!.Version} MSS {vector.Lso.Mss}: the segments match the vector's wirePackets/expectSegments and pass the LSO oracle; the completion slot matches"
            : "the frame on the wire equals the golden wirePacket byte for byte";
        bool hasIv = VectorRunner.TryPrepare(vector, out PreparedVector? prepared, out _) && prepared!.Bundle.Sas.Any(s => s.IvLength > 0);
        return new ConformanceCase(name, ids, $"golden vector {vector.Id} ({vector.Source}): {what}", Needs(vector), c => Run(c, vector))
        {
            VectorId = vector.Id,
            ProfileCondition = p => p.Offload.EspIv == EspIvSource.Device && hasIv
                ? "the vector's bytes assume the transport writes the IV (AMB-01); under EspIv = Device the NIC writes its own"
                : null,
        };
    }

    private static string[] Requirements(GoldenVector vector)
    {
        List<string> ids = vector.Kind == VectorKind.Lso ? [.. LsoIds]
            : vector.Proto == VectorProtocol.Ah ? ["AH-01", "AH-02"]
            : ["ESP-01", "ESP-02", "ESP-03", "ESP-04"];
        if (vector.Kind != VectorKind.Lso && vector.Mode == VectorMode.Tunnel && vector.Proto == VectorProtocol.Esp)
        {
            ids.Add("ESP-05");
        }

        if (vector.Esn)
        {
            ids.Add("ESN-01");
        }

        if (vector.UdpEncap is not null)
        {
            ids.Add("UDPESP-01");
        }

        if (vector.AhSa is not null)
        {
            ids.AddRange(["SEND-11", "AH-03", "AH-01"]);
        }

        return [.. ids];
    }

    private static Feature[] Needs(GoldenVector vector)
    {
        if (!VectorRunner.TryPrepare(vector, out PreparedVector? prepared, out _))
        {
            return [];
        }

        List<Feature> needs = [];
        foreach (SaSpec sa in prepared!.Bundle.Sas)
        {
            needs.Add(sa.Protocol == IpsecProtocol.Ah ? Features.V2Ah(sa.Integrity!) : Features.V2Esp(sa.Encryption, sa.Integrity));
        }

        needs.Add(vector.Mode == VectorMode.Tunnel ? Features.V2Tunnel : Features.V2Transport);
        if (prepared.Bundle.IPv6)
        {
            needs.Add(Features.V2IPv6);
        }

        if (vector.Esn)
        {
            needs.Add(Features.V2Esn);
        }

        if (vector.AhSa is not null)
        {
            needs.Add(Features.V2AhEsp);
        }

        if (vector.UdpEncap is not null)
        {
            needs.Add(Features.V2UdpEsp(prepared.Bundle.UdpEsp));
        }

        if (vector.Kind == VectorKind.Lso)
        {
            needs.Add(Features.V2Lso);
        }

        // The packet the SA's header goes into: the plain packet in transport mode, the outer header in tunnel mode.
        byte[] carrier = vector.Mode == VectorMode.Tunnel ? vector.Tunnel?.OuterHeader ?? vector.WirePacket ?? [] : vector.PlainPacket;
        if (carrier.Length > 0 && carrier[0] >> 4 == 4 && (carrier[0] & 0x0F) > 5)
        {
            needs.Add(Features.V2IPv4Options);
        }

        if (carrier.Length > 6 && carrier[0] >> 4 == 6 && carrier[6] is 0 or 43 or 44 or 60)
        {
            needs.Add(Features.V2IPv6ExtensionHeaders);
        }

        return [.. needs];
    }

    private static void Run(CaseContext c, GoldenVector vector)
    {
        if (!VectorRunner.TryPrepare(vector, out PreparedVector? prepared, out string? problem))
        {
            throw new CaseBlockedException($"vector {vector.Id} cannot be prepared: {problem}");
        }

        ulong handle = c.AddSa(SaApi.V2, prepared!.Bundle);
        if (vector.Kind == VectorKind.Lso)
        {
            RunLso(c, vector, prepared, handle);
            return;
        }

        FramedPacket framed = TransportSimulator.Frame(vector.PlainPacket, prepared.Framing);
        NetBufferList nbl = c.Transport.BuildNbl(framed, handle, name: vector.Id);
        string main = c.Case.Requirements[0];
        c.Send(nbl);
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, main);
        c.Check(frames.Count == 1, "SEND-08", $"vector {vector.Id}: one NET_BUFFER sent, {frames.Count} frame(s) went out");
        byte[] wire = VectorRunner.StripEthernet(frames[0]);
        PacketComparison comparison = VectorDiff.Compare(vector.WirePacket!, wire, VectorDiff.HintsFor(vector));
        if (!comparison.AreEqual)
        {
            c.Fail(RequirementOf(vector, comparison.FirstName),
                $"vector {vector.Id}: sent its plainPacket framed by the transport on its SA; the frame on the wire differs from the golden wirePacket at {comparison.FirstName ?? "the end"}\n"
                + VectorDiff.Render(vector, comparison));
        }
    }

    /// <summary>The requirement a first differing field breaks.</summary>
    private static string RequirementOf(GoldenVector vector, string? field)
    {
        string f = field ?? string.Empty;
        bool ah = f.StartsWith("AH", StringComparison.Ordinal) || vector.Proto == VectorProtocol.Ah && !f.StartsWith("ESP", StringComparison.Ordinal);
        if (f.Contains("ICV", StringComparison.Ordinal))
        {
            return vector.Esn ? "ESN-01" : ah ? "AH-01" : "ESP-01";
        }

        if (ah)
        {
            return "AH-02";
        }

        if (f.StartsWith("UDP", StringComparison.Ordinal) && vector.UdpEncap is not null)
        {
            return "UDPESP-01";
        }

        return f switch
        {
            _ when f.StartsWith("ESP.SPI", StringComparison.Ordinal) || f.StartsWith("ESP.SequenceNumber", StringComparison.Ordinal) => "ESP-03",
            _ when f.StartsWith("ESP.IV", StringComparison.Ordinal) => "ESP-04",
            _ when f.StartsWith("ESP.", StringComparison.Ordinal) => "ESP-02",
            _ => "ESP-04",
        };
    }

    private static void RunLso(CaseContext c, GoldenVector vector, PreparedVector prepared, ulong handle)
    {
        LargeSendOffloadType version = VectorRunner.LsoVersion(vector.Lso!);
        LsoFramedPacket framed = TransportSimulator.FrameLso(vector.PlainPacket, prepared.Framing[0], (uint)vector.Lso!.Mss, version);
        NetBufferList nbl = c.Transport.BuildLsoNbl(framed, handle, name: vector.Id);
        c.Send(nbl);
        IReadOnlyList<byte[]> frames = c.ExpectSucceeded(nbl, "LSO-01");
        CompletionEvent completion = c.ExpectCompletedOnce(nbl);
        (long? tcpPayload, string? completionProblem) = ReadCompletion(completion.Info[(int)NetBufferListInfoId.TcpLargeSend], version, c.Abi);
        var outcome = new VectorOutcome(vector, completion.Status, 1, [.. frames.Select(VectorRunner.StripEthernet)], [.. frames], framed.Packet, null)
        {
            TcpPayload = tcpPayload,
            CompletionProblem = completionProblem,
        };
        LsoJudgement judgement = LsoVectorJudge.Judge(outcome);
        if (!judgement.Passed)
        {
            c.Fail(LsoRequirementOf(judgement.Problems[0]), $"LSO vector {vector.Id}: the segments differ from the vector\n{judgement.Report}");
        }
    }

    /// <summary>The requirement an <see cref="LsoVectorJudge"/> problem line breaks.</summary>
    private static string LsoRequirementOf(string problem)
    {
        const string Oracle = "LSO oracle: ";
        return problem.StartsWith(Oracle, StringComparison.Ordinal) ? LsoJudge.Requirement(problem[Oracle.Length..])
            : problem.Contains("SEND-20", StringComparison.Ordinal) || problem.Contains("completion", StringComparison.Ordinal) ? "SEND-20"
            : problem.Contains("segments, the vector expects", StringComparison.Ordinal) ? "LSO-03"
            : "LSO-01";
    }

    // SEND-20: LSOv1 completion = TcpPayload bytes sent, Type V1; LSOv2 completion = Reserved 0, Type V2.
    private static (long? TcpPayload, string? Problem) ReadCompletion(ulong slot, LargeSendOffloadType version, NdisAbi abi)
    {
        try
        {
            if (version == LargeSendOffloadType.V1)
            {
                LsoV1TransmitComplete v1 = LsoV1TransmitComplete.FromSlot(slot, abi);
                return (v1.TcpPayload, v1.Type == LargeSendOffloadType.V1 ? null
                    : string.Create(CultureInfo.InvariantCulture, $"the LSOv1 completion in slot 2 (0x{slot:x}) has Type {v1.Type}, expected V1 (SEND-20)"));
            }

            LsoV2TransmitComplete v2 = LsoV2TransmitComplete.FromSlot(slot, abi);
            return (null, v2.Type != LargeSendOffloadType.V2 ? $"the LSOv2 completion in slot 2 (0x{slot:x}) has Type {v2.Type}, expected V2 (SEND-20)"
                : v2.Reserved != 0 ? $"the LSOv2 completion in slot 2 (0x{slot:x}) has Reserved 0x{v2.Reserved:x}, expected 0 (SEND-20)" : null);
        }
        catch (ArgumentException e)
        {
            return (null, $"slot 2 (0x{slot:x}) at completion does not read as an LSO completion (SEND-20): {e.Message}");
        }
    }

}
