using System.Buffers.Binary;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Conformance.Oracle;

/// <summary>
/// Judges transmitted frames without the engine's transforms: it parses the wire packet itself, undoes the
/// IPsec transforms from the outside in with BouncyCastle, checking every ICV on the way, and requires the
/// opened packet to equal the packet the transport framed (clear text, zero ICV placeholders). LSO bursts go
/// through <see cref="LsoOracle"/>, which is independent in the same way. Problems name the requirement they
/// break; byte differences come with the annotated field diff of STYLE §5.
/// </summary>
public static partial class WireOracle
{
    private const int EthernetLength = TransportSimulator.EthernetHeaderLength;
    private const int MinimumFrame = 60, AhSpiOffset = 4, UdpHeaderLength = 8;

    /// <summary>
    /// Judges <paramref name="wireFrame"/> (an Ethernet frame) as <paramref name="framed"/> protected by
    /// <paramref name="sas"/>. The oracle walks the wire packet itself (IPv4 options, IPv6 extension headers,
    /// AH, ESP, UDP-encapsulated ESP, tunnel-mode inner packets; SAs found by SPI), verifies every ICV and
    /// decrypts every payload with BouncyCastle, and requires the opened packet (ICVs zeroed, plaintext in
    /// place of ciphertext) to equal <c>framed.Packet</c>. <see cref="FramedPacket.Headers"/> serves only as a
    /// cross-check: a header the transport framed that the walk did not find is a problem. Never throws on a
    /// bad frame.
    /// </summary>
    public static OracleJudgement Judge(FramedPacket framed, IReadOnlyList<SaSpec> sas, ReadOnlySpan<byte> wireFrame, OracleOptions options)
    {
        ArgumentNullException.ThrowIfNull(framed);
        ArgumentNullException.ThrowIfNull(sas);
        ArgumentNullException.ThrowIfNull(options);
        // A defect the walk cannot attribute breaks the outermost protocol's "sent as framed" requirement.
        string unattributed = framed.Headers.Count > 0 && framed.Headers[^1].Protocol == IpsecProtocol.Ah ? "AH-02" : "ESP-04";
        byte[] input = TransportSimulator.EthernetFrame(framed.Packet);
        if (wireFrame.Length != input.Length)
        {
            return OracleJudgement.Bad(unattributed,
                $"frame length: expected {input.Length} (the NIC adds and removes nothing), actual {wireFrame.Length}",
                Diff("frame differs", input.AsSpan(EthernetLength), wireFrame.Length > EthernetLength ? wireFrame[EthernetLength..] : [], sas));
        }

        if (!wireFrame[..EthernetLength].SequenceEqual(input.AsSpan(0, EthernetLength)))
        {
            return OracleJudgement.Bad(unattributed, $"Ethernet header changed: expected {Convert.ToHexString(input, 0, EthernetLength)}, actual {Convert.ToHexString(wireFrame[..EthernetLength])}",
                SaLine(sas));
        }

        WireOpener opener = new WireOpener(wireFrame[EthernetLength..], framed.Packet, sas, options, unattributed).Run();
        var problems = new List<OracleProblem>(opener.Problems);
        CrossCheck(framed, opener, problems);
        string? diff = null;
        if (!opener.Opened.AsSpan().SequenceEqual(framed.Packet))
        {
            PacketComparison comparison = VectorDiff.Compare(framed.Packet, opener.Opened, HintsFor(opener, sas));
            PacketRegion? region = opener.RegionAt(comparison.FirstOffset);
            problems.Add(new OracleProblem(comparison.FirstOffset, region?.Requirement ?? unattributed,
                $"the opened packet (ICVs verified and zeroed, payloads decrypted by BouncyCastle) differs from the framed packet: " +
                $"first at 0x{comparison.FirstOffset:x4} {comparison.FirstName}{(region is null ? "" : $" ({region.Name})")}"));
            diff = VectorDiff.Render("opened packet against the framed packet", comparison, SaLine(sas));
        }

        if (problems.Count == 0)
        {
            return OracleJudgement.Good;
        }

        // Packet order: the first defect on the wire names the requirement (a changed header before an ICV that
        // then fails is the cause; the ICV failure follows from it).
        OracleProblem[] ordered = [.. problems.OrderBy(p => p.Offset)];
        return new OracleJudgement([.. ordered.Select(p => p.Text)], ordered[0].Requirement, diff ?? SaLine(sas));
    }

    /// <summary>Judges a frame that must leave the NIC unchanged (short frames zero-padded to 60 when <paramref name="padShortFrames"/>).</summary>
    public static OracleJudgement JudgeUnchanged(ReadOnlySpan<byte> input, ReadOnlySpan<byte> wireFrame, bool padShortFrames)
    {
        byte[] expected = input.ToArray();
        if (padShortFrames && expected.Length < MinimumFrame)
        {
            Array.Resize(ref expected, MinimumFrame);
        }

        if (wireFrame.SequenceEqual(expected))
        {
            return OracleJudgement.Good;
        }

        string requirement = input.Length < MinimumFrame && wireFrame.Length != expected.Length ? "SEND-23" : "SEND-03";
        PacketComparison comparison = VectorDiff.Compare(expected.AsSpan(EthernetLength), wireFrame.Length > EthernetLength ? wireFrame[EthernetLength..] : []);
        string headline = wireFrame.Length >= EthernetLength && !wireFrame[..EthernetLength].SequenceEqual(expected.AsSpan(0, EthernetLength))
            ? "Ethernet header changed; frame differs"
            : "frame differs from the NBL's data (the IP packet from the IP header on)";
        return OracleJudgement.Bad(requirement, $"frame changed: expected {expected.Length} bytes unchanged, actual {wireFrame.Length} bytes, first difference at {comparison.FirstName ?? "the end"}",
            VectorDiff.Render(headline, comparison, null));
    }

    /// <summary>The SA line of a report, without key material.</summary>
    public static string SaLine(IEnumerable<SaSpec> sas) =>
        "SA: " + string.Join("; ", sas.Select(s => $"{s.Protocol} spi 0x{s.Spi:x8} {s.Encryption?.Name ?? "-"}/{s.Integrity?.Name ?? "-"}"
            + $" keys <{s.EncryptionKey.Length}+{s.IntegrityKey.Length} bytes, not shown>{(s.Esn ? $", esn high 0x{s.SequenceNumberHigh:x8}" : "")}"));

    private static string Diff(string headline, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, IReadOnlyList<SaSpec> sas) =>
        VectorDiff.Render(headline, VectorDiff.Compare(expected, actual, HintsFor(null, sas)), SaLine(sas));

    /// <summary>
    /// The transport's record of the headers it inserted against what the walk found: every framed ESP/AH header
    /// must have been found at its offset with its SPI, and the walk must have found no other.
    /// </summary>
    private static void CrossCheck(FramedPacket framed, WireOpener opener, List<OracleProblem> problems)
    {
        byte[] opened = opener.Opened;
        foreach (FramedHeader header in framed.Headers)
        {
            if (opener.Found.Any(f => f.Offset == header.Offset && f.Protocol == header.Protocol && f.Sa.Spi == header.Spi)
                || opener.Attempted.Contains(header.Offset)
                || opener.Unopened.Any(u => header.Offset >= u.Start && header.Offset < u.End))
            {
                continue; // found, or the walk already said what is wrong there or why it could not look
            }

            int spiAt = header.Offset + (header.Protocol == IpsecProtocol.Esp ? 0 : AhSpiOffset);
            string there = spiAt + 4 <= opened.Length
                ? $"0x{BinaryPrimitives.ReadUInt32BigEndian(opened.AsSpan(spiAt)):x8} there"
                : "that the packet ends before it";
            bool udpChanged = header.UdpOffset >= 0 && header.UdpOffset + UdpHeaderLength <= opened.Length
                && !opened.AsSpan(header.UdpOffset, UdpHeaderLength).SequenceEqual(framed.Packet.AsSpan(header.UdpOffset, UdpHeaderLength));
            string requirement = header.Protocol == IpsecProtocol.Ah ? "AH-02" : udpChanged ? "UDPESP-01" : "ESP-03";
            problems.Add(new OracleProblem(header.Offset, requirement,
                $"expected {WireOpener.Name(header.Protocol)} SPI 0x{header.Spi:x8} at 0x{header.Offset:x4}{(header.UdpOffset >= 0 ? $" behind the UDP header at 0x{header.UdpOffset:x4}" : "")} " +
                $"(where the transport framed it), the wire walk found {there}"));
        }

        foreach (FoundHeader found in opener.Found)
        {
            if (!framed.Headers.Any(h => h.Offset == found.Offset && h.Protocol == found.Protocol))
            {
                problems.Add(new OracleProblem(found.Offset, found.Protocol == IpsecProtocol.Ah ? "AH-02" : "ESP-04",
                    $"the wire has {WireOpener.Name(found.Protocol)} SPI 0x{found.Sa.Spi:x8} at 0x{found.Offset:x4}, where the transport framed no {WireOpener.Name(found.Protocol)} header"));
            }
        }
    }

    /// <summary>
    /// Names for the diff of the (clear-text) framed packet: the IV/ICV split of the first ESP and AH SA the walk
    /// found (else of the first given). The layout map takes one ESP hint for every ESP header, so the inner ESP of
    /// transport over tunnel is named right only when both SAs have the same IV and ICV lengths; the requirement
    /// comes from the walk's own regions either way.
    /// </summary>
    private static LayoutHints HintsFor(WireOpener? opener, IReadOnlyList<SaSpec> sas)
    {
        SaSpec? esp = opener?.Found.FirstOrDefault(f => f.Protocol == IpsecProtocol.Esp)?.Sa ?? sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Esp);
        SaSpec? ah = opener?.Found.FirstOrDefault(f => f.Protocol == IpsecProtocol.Ah)?.Sa ?? sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Ah);
        return new LayoutHints(esp is null ? null : new EspLayoutHint(esp.IvLength, esp.IcvLength, PayloadIsCleartext: true),
            ah is null ? null : new AhLayoutHint(ah.Integrity?.IvLength ?? 0, ah.IcvLength));
    }
}
