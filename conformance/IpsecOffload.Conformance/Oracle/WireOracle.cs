using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Vectors;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Conformance.Oracle;

/// <summary>
/// Judges transmitted frames without the engine's transforms: it undoes the IPsec transforms of a frame
/// in the reverse order of application with BouncyCastle, checking every ICV on the way, and requires the
/// opened packet to equal the packet the transport framed (clear text, zero ICV placeholders). Problems
/// name the requirement they break; byte differences come with the annotated field diff of STYLE §5.
/// </summary>
public static class WireOracle
{
    private const int EthernetLength = TransportSimulator.EthernetHeaderLength;
    private const int MinimumFrame = 60;
    private static readonly BouncyCastleCryptoBackend Bc = BouncyCastleCryptoBackend.Instance;

    /// <summary>
    /// Judges <paramref name="wireFrame"/> (an Ethernet frame) as <paramref name="framed"/> protected by
    /// <paramref name="sas"/> (looked up by SPI and protocol).
    /// </summary>
    public static OracleJudgement Judge(FramedPacket framed, IReadOnlyList<SaSpec> sas, ReadOnlySpan<byte> wireFrame, OracleOptions options)
    {
        ArgumentNullException.ThrowIfNull(framed);
        ArgumentNullException.ThrowIfNull(sas);
        ArgumentNullException.ThrowIfNull(options);
        byte[] input = TransportSimulator.EthernetFrame(framed.Packet);
        if (wireFrame.Length != input.Length)
        {
            return OracleJudgement.Bad("ESP-04",
                $"frame length: expected {input.Length} (the NIC adds and removes nothing), actual {wireFrame.Length}",
                Diff("frame differs", input.AsSpan(EthernetLength), wireFrame.Length > EthernetLength ? wireFrame[EthernetLength..] : [], sas));
        }

        if (!wireFrame[..EthernetLength].SequenceEqual(input.AsSpan(0, EthernetLength)))
        {
            return OracleJudgement.Bad("ESP-04", $"Ethernet header changed: expected {Convert.ToHexString(input, 0, EthernetLength)}, actual {Convert.ToHexString(wireFrame[..EthernetLength])}");
        }

        byte[] packet = wireFrame[EthernetLength..].ToArray();
        foreach (FramedHeader header in framed.Headers.Reverse())
        {
            SaSpec? sa = sas.FirstOrDefault(s => s.Spi == header.Spi && s.Protocol == header.Protocol);
            if (sa is null)
            {
                return OracleJudgement.Bad("ESP-03", $"no SA with {header.Protocol} SPI 0x{header.Spi:x8} was added");
            }

            uint high = options.SequenceHigh?.Invoke(sa) ?? sa.SequenceNumberHigh;
            string? problem = header.Protocol == IpsecProtocol.Esp
                ? OpenEsp(packet, framed.Packet, header, sa, high, options)
                : OpenAh(packet, header, sa, high);
            if (problem is not null)
            {
                string requirement = header.Protocol == IpsecProtocol.Esp ? "ESP-01" : "AH-01";
                return OracleJudgement.Bad(sa.Esn ? "ESN-01" : requirement, $"{header.Protocol} SPI 0x{header.Spi:x8} at 0x{header.Offset:x4}: {problem}",
                    Diff("wire packet (ICV bytes as sent) against the framed packet", framed.Packet, wireFrame[EthernetLength..], sas));
            }
        }

        if (!packet.AsSpan().SequenceEqual(framed.Packet))
        {
            PacketComparison comparison = VectorDiff.Compare(framed.Packet, packet, HintsFor(sas));
            string first = comparison.FirstName ?? "?";
            string requirement = first.StartsWith("AH", StringComparison.Ordinal) ? "AH-02"
                : first.Contains("Payload", StringComparison.Ordinal) || first.Contains("Pad", StringComparison.Ordinal) || first.Contains("NextHeader", StringComparison.Ordinal) ? "ESP-02"
                : first.Contains("Sequence", StringComparison.Ordinal) || first.Contains("SPI", StringComparison.Ordinal) ? "ESP-03"
                : "ESP-04";
            return OracleJudgement.Bad(requirement, $"the opened packet (ICVs verified and removed, payloads decrypted by BouncyCastle) differs from the framed packet at {first}",
                VectorDiff.Render("opened packet differs from the framed packet", comparison, SaLine(sas)));
        }

        return OracleJudgement.Good;
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
        VectorDiff.Render(headline, VectorDiff.Compare(expected, actual, HintsFor(sas)), SaLine(sas));

    private static LayoutHints HintsFor(IReadOnlyList<SaSpec> sas)
    {
        SaSpec? esp = sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Esp);
        SaSpec? ah = sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Ah);
        bool clear = esp?.Encryption is null || esp.Encryption.IvLength == 0 && esp.Encryption.Kind != CryptoAlgorithmKind.Aead;
        return new LayoutHints(esp is null ? null : new EspLayoutHint(esp.IvLength, esp.IcvLength, clear),
            ah is null ? null : new AhLayoutHint(ah.IvLength, ah.IcvLength));
    }

    private static string? OpenEsp(byte[] packet, byte[] framedPacket, FramedHeader header, SaSpec sa, uint high, OracleOptions options)
    {
        Span<byte> spiSn = packet.AsSpan(header.Offset, 8);
        Span<byte> iv = packet.AsSpan(header.IvOffset, header.IvLength);
        Span<byte> data = packet.AsSpan(header.ProtectedOffset, header.ProtectedLength);
        ReadOnlySpan<byte> icv = packet.AsSpan(header.IcvOffset, header.IcvLength);
        byte[] esn = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(esn, high);
        if (!sa.Esn)
        {
            esn = [];
        }

        if (options.EspIv == EspIvSource.Device && header.IvLength > 0 && options.IvsSeen is { } seen)
        {
            if (!seen.TryGetValue(sa.Spi, out HashSet<string>? ivs))
            {
                ivs = [];
                seen[sa.Spi] = ivs;
            }

            if (!ivs.Add(Convert.ToHexString(iv)))
            {
                return $"IV {Convert.ToHexString(iv)} repeats on the SA (ESP-06)";
            }
        }

        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Aead } aeadAlgorithm)
        {
            using IAeadTransform aead = Bc.CreateAead(aeadAlgorithm, sa.EncryptionKey, sa.IcvLength);
            byte[] aad = [.. spiSn[..4], .. esn, .. spiSn[4..]];
            if (!aead.TryDecrypt(iv, aad, data, icv))
            {
                return $"{aeadAlgorithm.Name} ICV does not verify (BouncyCastle{(sa.Esn ? $", ESN high 0x{high:x8}" : "")})";
            }
        }
        else
        {
            if (sa.Integrity is { } integrityAlgorithm)
            {
                using IIntegrityTransform mac = Bc.CreateIntegrity(integrityAlgorithm, sa.IntegrityKey);
                if (mac.IvLength > 0)
                {
                    mac.Start(iv);
                    mac.Append(spiSn[..4]);
                    mac.Append(esn);
                    mac.Append(spiSn[4..]);
                    mac.Append(iv);
                    mac.Append(data);
                }
                else
                {
                    mac.Start([]);
                    mac.Append(packet.AsSpan(header.Offset, header.IcvOffset - header.Offset));
                    mac.Append(esn);
                }

                byte[] expected = new byte[header.IcvLength];
                mac.Finish(expected);
                if (!icv.SequenceEqual(expected))
                {
                    return $"{integrityAlgorithm.Name} ICV does not verify: expected {Convert.ToHexString(expected)}, actual {Convert.ToHexString(icv)} (BouncyCastle{(sa.Esn ? $", ESN high 0x{high:x8}" : "")})";
                }
            }

            if (sa.Encryption is { } cipherAlgorithm && cipherAlgorithm.IvLength > 0)
            {
                using ICipherTransform cipher = Bc.CreateCipher(cipherAlgorithm, sa.EncryptionKey);
                cipher.Decrypt(iv, data);
            }
        }

        packet.AsSpan(header.IcvOffset, header.IcvLength).Clear();
        if (options.EspIv == EspIvSource.Device)
        {
            framedPacket.AsSpan(header.IvOffset, header.IvLength).CopyTo(iv);
        }

        return null;
    }

    private static string? OpenAh(byte[] packet, FramedHeader header, SaSpec sa, uint high)
    {
        // RFC 4302 §3.3.3.1: the ICV covers the datagram with the mutable fields and the ICV zeroed.
        byte[] copy = packet.AsSpan(header.ProtectedOffset, header.ProtectedLength).ToArray();
        copy.AsSpan(header.IcvOffset - header.ProtectedOffset, header.IcvLength).Clear();
        ZeroMutable(copy);
        using IIntegrityTransform mac = Bc.CreateIntegrity(sa.Integrity!, sa.IntegrityKey);
        mac.Start(mac.IvLength > 0 ? packet.AsSpan(header.IvOffset, header.IvLength) : []);
        mac.Append(copy);
        if (sa.Esn)
        {
            byte[] snHigh = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(snHigh, high);
            mac.Append(snHigh);
        }

        byte[] icv = new byte[header.IcvLength];
        mac.Finish(icv);
        if (!icv.AsSpan().SequenceEqual(packet.AsSpan(header.IcvOffset, header.IcvLength)))
        {
            return $"{sa.Integrity!.Name} ICV does not verify: expected {Convert.ToHexString(icv)}, actual {Convert.ToHexString(packet, header.IcvOffset, header.IcvLength)} (BouncyCastle)";
        }

        packet.AsSpan(header.IcvOffset, header.IcvLength).Clear();
        return null;
    }

    private static void ZeroMutable(Span<byte> datagram)
    {
        if (datagram[0] >> 4 == 4)
        {
            datagram[1] = 0; // TOS
            datagram[6] = 0; // flags, fragment offset
            datagram[7] = 0;
            datagram[8] = 0; // TTL
            datagram[10] = 0; // header checksum
            datagram[11] = 0;
            return;
        }

        datagram[0] &= 0xF0; // traffic class, flow label
        datagram[1] = 0;
        datagram[2] = 0;
        datagram[3] = 0;
        datagram[7] = 0; // hop limit
    }
}
