using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Conformance.Oracle;

public static partial class WireOracle
{
    // LsoOracle's problem wording → the requirement it breaks, first match wins. The phrases are LsoOracle's
    // (engine/IpsecOffload.Engine/Lso/LsoOracle.cs); anything unmatched is LSO-01 (not a complete ESP packet).
    private static readonly (string Phrase, string Requirement)[] LsoPhrases =
    [
        // LSO-01: every segment is a complete ESP packet whose ICV verifies and whose payload decrypts.
        ("ICV does not verify", "LSO-01"),
        ("is not a multiple of the", "LSO-01"),
        ("too short for IP/ESP headers", "LSO-01"),
        ("unreadable", "LSO-01"),
        // LSO-02: SPI, SN = first + k (ESN carry), fresh IV.
        ("ESP SPI", "LSO-02"),
        ("ESP SN_low", "LSO-02"),
        ("on a non-ESN SA", "LSO-02"),
        ("was already used on SA", "LSO-02"),
        // LSO-04: per-segment trailer — default padding, Pad Length, Next Header, alignment.
        ("ESP Next Header", "LSO-04"),
        ("ESP Pad Length", "LSO-04"),
        ("ESP padding byte", "LSO-04"),
        ("encrypted part is", "LSO-04"),
        // LSO-03: segmentation — segment count, MSS, payloads concatenating to the original (pad bytes dropped).
        ("segments, expected", "LSO-03"),
        ("payload bytes;", "LSO-03"),
        ("TCP payloads concatenate", "LSO-03"),
        ("bytes of TCP, shorter than", "LSO-03"),
        ("MSS is 0", "LSO-03"),
        ("original packet:", "LSO-03"),
        // LSO-05: IP and TCP header fix-ups and everything copied from the large packet's headers.
        ("IPv4 Total Length", "LSO-05"),
        ("IPv6 Payload Length", "LSO-05"),
        ("IPv4 Identification", "LSO-05"),
        ("IPv4 header checksum", "LSO-05"),
        ("IP next header before ESP", "LSO-05"),
        (": IP header", "LSO-05"),
        ("TCP sequence number", "LSO-05"),
        ("TCP flags", "LSO-05"),
        ("TCP header", "LSO-05"),
        ("TCP checksum", "LSO-05"),
        ("Ethernet header", "LSO-05"),
    ];

    /// <summary>
    /// Judges the frames an LSO + ESP send produced (<paramref name="wireFrames"/>, Ethernet frames in send
    /// order) for <paramref name="framed"/>, the large packet as the transport framed it from
    /// <paramref name="originalPacket"/> (the plaintext IP + TCP packet before framing, as handed to
    /// <see cref="TransportSimulator.FrameLso"/>), on <paramref name="sa"/>. Every frame must carry the NBL's
    /// Ethernet header; the IP packets behind it go to <see cref="LsoOracle.Check"/> (own parsing, BouncyCastle)
    /// with the framed MSS, LSO version and first sequence number, whose problems are mapped to LSO-01…LSO-05.
    /// With <see cref="OracleOptions.SequenceHigh"/> the first segment's ESN high half is replaced by the value
    /// it gives; IVs are checked unique against <see cref="OracleOptions.IvsSeen"/> for the SPI (and added), or
    /// within the burst when it is null. Never throws on bad frames.
    /// </summary>
    public static OracleJudgement JudgeLso(LsoFramedPacket framed, ReadOnlySpan<byte> originalPacket, SaSpec sa, IReadOnlyList<byte[]> wireFrames,
        OracleOptions options)
    {
        ArgumentNullException.ThrowIfNull(framed);
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(wireFrames);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        byte[] ethernet = TransportSimulator.EthernetFrame(framed.Packet)[..EthernetLength];
        var segments = new List<byte[]>(wireFrames.Count);
        for (int k = 0; k < wireFrames.Count; k++)
        {
            byte[] frame = wireFrames[k] ?? [];
            if (frame.Length < EthernetLength)
            {
                problems.Add($"segment {k}: {frame.Length} bytes, shorter than the {EthernetLength}-byte Ethernet header");
                segments.Add([]);
                continue;
            }

            if (!frame.AsSpan(0, EthernetLength).SequenceEqual(ethernet))
            {
                problems.Add($"segment {k}: Ethernet header {Convert.ToHexStringLower(frame.AsSpan(0, EthernetLength))} is not the NBL's {Convert.ToHexStringLower(ethernet)}");
            }

            segments.Add(frame[EthernetLength..]);
        }

        ulong first = framed.SequenceNumber;
        if (options.SequenceHigh is { } sequenceHigh)
        {
            first = ((ulong)sequenceHigh(sa) << 32) | unchecked((uint)first);
        }

        ISet<string>? ivs = null;
        if (options.IvsSeen is { } seen)
        {
            if (!seen.TryGetValue(sa.Spi, out HashSet<string>? set))
            {
                set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                seen[sa.Spi] = set;
            }

            ivs = set;
        }

        try
        {
            problems.AddRange(LsoOracle.Check(sa, originalPacket, framed.Mss, framed.Version, first, segments, ivs));
        }
        catch (ArgumentException e)
        {
            // A transform refused the SA itself (key or ICV length).
            problems.Add($"BouncyCastle cannot use the SA ({sa}): {e.Message}");
        }

        return problems.Count == 0
            ? OracleJudgement.Good
            : new OracleJudgement(problems, LsoRequirementOf(problems[0]), LsoSummary(framed, sa, wireFrames.Count, problems));
    }

    /// <summary>The LSO requirement a problem line of <see cref="LsoOracle"/> (or of <see cref="JudgeLso"/>) breaks.</summary>
    internal static string LsoRequirementOf(string problem) =>
        LsoPhrases.FirstOrDefault(p => problem.Contains(p.Phrase, StringComparison.Ordinal)).Requirement ?? "LSO-01";

    /// <summary>The burst in one line, the requirements its problems break with their counts, then the SA line without keys.</summary>
    private static string LsoSummary(LsoFramedPacket framed, SaSpec sa, int frames, List<string> problems)
    {
        int expected = framed.TcpPayloadLength == 0 ? 1 : (int)((framed.TcpPayloadLength + (long)framed.Mss - 1) / framed.Mss);
        IEnumerable<string> broken = problems.GroupBy(LsoRequirementOf).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}");
        return $"LSO {framed.Version}: {framed.TcpPayloadLength} payload bytes at MSS {framed.Mss} → {expected} segments expected, {frames} sent; " +
            $"first SN 0x{framed.SequenceNumber:x}; breaks {string.Join(", ", broken)}\n{SaLine([sa])}\n";
    }
}
