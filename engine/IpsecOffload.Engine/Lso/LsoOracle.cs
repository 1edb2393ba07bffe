using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// An independent check of LSO + ESP output (wire-formats §5, ARCHITECTURE §4 LSO defaults). It parses
/// the headers itself, verifies and decrypts with <see cref="BouncyCastleCryptoBackend"/> transforms made
/// from the SA's keys, and never calls the engine's segmenter or outbound processor. Checks per segment:
/// IP header (length, IPv4 ID and header checksum, every other byte as in the original), ESP SPI and
/// SN = first + k (low half on the wire; ESN high half in the ICV/AAD), IV unique within the SA, ICV,
/// RFC 4303 minimal padding 1, 2, 3, …, Next Header 6, the TCP header (sequence number + k·MSS, FIN/PSH
/// on the last segment only, CWR on the first only, every other byte as in the original, a valid full
/// checksum), payload ≤ MSS with all but the last exactly MSS, and payloads concatenating to the original.
/// </summary>
public static class LsoOracle
{
    private const int EspFixed = 8, SnLength = 4;
    private const int V4TotalLength = 2, V4Id = 4, V4Protocol = 9, V4Checksum = 10, V4Source = 12;
    private const int V6PayloadLength = 4, V6NextHeader = 6, V6Source = 8, V6Length = 40;
    private const int TcpSeq = 4, TcpFlags = 13, TcpChecksum = 16;
    private const byte Fin = 0x01, Psh = 0x08, Cwr = 0x80, TcpProtocol = 6, EspProtocol = 50;

    /// <summary>
    /// Checks <paramref name="segments"/> (each starting at the IP header) against the large plaintext
    /// <paramref name="original"/> (IP header with real lengths, TCP header, payload; before the transport
    /// framed it). Returns one readable line per problem; empty means every check passed.
    /// <paramref name="version"/> selects the IPv4 ID rule (LSOv1: ID + k; LSOv2: 15-bit wrap).
    /// <paramref name="ivsSeenOnSa"/>, when given, holds the hex IVs already used on the SA: a repeat is a
    /// problem, and this burst's IVs are added.
    /// </summary>
    public static IReadOnlyList<string> Check(SaSpec sa, ReadOnlySpan<byte> original, uint mss, LargeSendOffloadType version,
        ulong firstSequenceNumber, IReadOnlyList<byte[]> segments, ISet<string>? ivsSeenOnSa = null)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(segments);
        var problems = new List<string>();
        if (!TryParse(original, out Plain plain, out string? why))
        {
            problems.Add($"original packet: {why}");
            return problems;
        }

        if (mss == 0)
        {
            problems.Add("MSS is 0");
            return problems;
        }

        int expectedCount = plain.PayloadLength == 0 ? 1 : (int)((plain.PayloadLength + (long)mss - 1) / mss);
        if (segments.Count != expectedCount)
        {
            problems.Add($"{segments.Count} segments, expected {expectedCount} ({plain.PayloadLength} payload bytes, MSS {mss})");
        }

        using var crypto = new Crypto(sa);
        var seen = ivsSeenOnSa ?? new HashSet<string>(StringComparer.Ordinal);
        var reassembled = new List<byte>(plain.PayloadLength);
        for (int k = 0; k < segments.Count; k++)
        {
            int before = problems.Count;
            byte[]? payload = CheckSegment(sa, crypto, plain, original, segments[k], k, Math.Max(segments.Count, expectedCount), mss, version == LargeSendOffloadType.V2,
                firstSequenceNumber, seen, problems);
            if (payload is not null)
            {
                reassembled.AddRange(payload);
            }
            else if (problems.Count == before)
            {
                problems.Add($"segment {k}: unreadable");
            }
        }

        ReadOnlySpan<byte> expectedPayload = original[(plain.TcpOffset + plain.TcpHeaderLength)..];
        if (reassembled.Count != expectedPayload.Length || !expectedPayload.SequenceEqual(reassembled.ToArray()))
        {
            int first = FirstDifference(expectedPayload, reassembled.ToArray());
            problems.Add($"TCP payloads concatenate to {reassembled.Count} bytes, the original has {expectedPayload.Length}; first difference at payload byte {first}");
        }

        return problems;
    }

    private readonly record struct Plain(bool IsIPv6, int IpHeaderLength, int TcpOffset, int TcpHeaderLength, int PayloadLength, int NextHeaderOffset);

    private static bool TryParse(ReadOnlySpan<byte> packet, out Plain plain, out string? why)
    {
        plain = default;
        why = null;
        if (packet.Length < 20)
        {
            why = $"{packet.Length} bytes, too short for an IP header";
            return false;
        }

        int version = packet[0] >> 4;
        int tcpOffset, ipHeaderLength, nextHeaderOffset;
        byte protocol;
        if (version == 4)
        {
            ipHeaderLength = (packet[0] & 0x0F) * 4;
            tcpOffset = ipHeaderLength;
            nextHeaderOffset = V4Protocol;
            protocol = packet[V4Protocol];
        }
        else if (version == 6 && packet.Length >= V6Length)
        {
            ipHeaderLength = V6Length;
            nextHeaderOffset = V6NextHeader;
            protocol = packet[V6NextHeader];
            tcpOffset = V6Length;
            // Hop-by-Hop (0) and Destination Options (60): the only extension headers the framer accepts.
            while (protocol is 0 or 60 && tcpOffset + 2 <= packet.Length)
            {
                nextHeaderOffset = tcpOffset;
                protocol = packet[tcpOffset];
                tcpOffset += (packet[tcpOffset + 1] + 1) * 8;
            }
        }
        else
        {
            why = $"IP version {version}";
            return false;
        }

        if (protocol != TcpProtocol || tcpOffset + 20 > packet.Length)
        {
            why = $"no TCP header (protocol {protocol} at 0x{tcpOffset:x2})";
            return false;
        }

        int tcpHeaderLength = (packet[tcpOffset + 12] >> 4) * 4;
        if (tcpHeaderLength < 20 || tcpOffset + tcpHeaderLength > packet.Length)
        {
            why = $"TCP data offset {tcpHeaderLength / 4} does not fit";
            return false;
        }

        plain = new Plain(version == 6, ipHeaderLength, tcpOffset, tcpHeaderLength, packet.Length - tcpOffset - tcpHeaderLength, nextHeaderOffset);
        return true;
    }

    private static byte[]? CheckSegment(SaSpec sa, Crypto crypto, in Plain plain, ReadOnlySpan<byte> original, byte[] segment, int k, int count,
        uint mss, bool lsoV2, ulong firstSequenceNumber, ISet<string> seen, List<string> problems)
    {
        string at = $"segment {k}";
        int espOffset = plain.TcpOffset;
        int ivLength = sa.IvLength;
        int dataStart = espOffset + EspFixed + ivLength;
        if (segment.Length < dataStart + 2 + sa.IcvLength)
        {
            problems.Add($"{at}: {segment.Length} bytes, too short for IP/ESP headers, IV {ivLength}, trailer and ICV {sa.IcvLength}");
            return null;
        }

        // ---- Outer (and only) IP header.
        if (plain.IsIPv6)
        {
            int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(V6PayloadLength));
            Expect(problems, at, "IPv6 Payload Length", payloadLength, segment.Length - V6Length);
        }
        else
        {
            Expect(problems, at, "IPv4 Total Length", BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(V4TotalLength)), segment.Length);
            ushort id0 = BinaryPrimitives.ReadUInt16BigEndian(original[V4Id..]);
            int expectedId = lsoV2 ? (id0 & 0x80_00) | ((id0 + k) & 0x7F_FF) : (id0 + k) & 0xFF_FF;
            Expect(problems, at, "IPv4 Identification", BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(V4Id)), expectedId);
            if (OnesComplementSum(segment.AsSpan(0, plain.IpHeaderLength), 0) != 0xFF_FF)
            {
                problems.Add($"{at}: IPv4 header checksum 0x{BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(V4Checksum)):x4} does not verify");
            }
        }

        Expect(problems, at, "IP next header before ESP", segment[plain.NextHeaderOffset], EspProtocol);
        CompareExcept(problems, at, "IP header", original[..plain.TcpOffset], segment.AsSpan(0, plain.TcpOffset),
            plain.IsIPv6 ? [V6PayloadLength, V6PayloadLength + 1, plain.NextHeaderOffset]
                : [V4TotalLength, V4TotalLength + 1, V4Id, V4Id + 1, V4Protocol, V4Checksum, V4Checksum + 1]);

        // ---- ESP header, IV, ICV.
        ulong sequenceNumber = unchecked(firstSequenceNumber + (ulong)k);
        if (!sa.Esn && sequenceNumber > uint.MaxValue)
        {
            problems.Add($"{at}: 64-bit SN 0x{sequenceNumber:x} on a non-ESN SA (the 32-bit counter wrapped)");
        }

        uint spi = BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(espOffset));
        uint snLow = BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(espOffset + SnLength));
        Expect(problems, at, "ESP SPI", spi, sa.Spi);
        if (snLow != unchecked((uint)sequenceNumber))
        {
            problems.Add($"{at}: ESP SN_low 0x{snLow:x8}, expected 0x{unchecked((uint)sequenceNumber):x8} (64-bit SN 0x{sequenceNumber:x} = first + {k})");
        }

        byte[] iv = segment.AsSpan(espOffset + EspFixed, ivLength).ToArray();
        if (ivLength > 0 && !seen.Add(Convert.ToHexStringLower(iv)))
        {
            problems.Add($"{at}: IV {Convert.ToHexStringLower(iv)} was already used on SA 0x{sa.Spi:x8}");
        }

        int dataEnd = segment.Length - sa.IcvLength;
        byte[] data = segment.AsSpan(dataStart, dataEnd - dataStart).ToArray();
        if (!crypto.VerifyAndDecrypt(segment.AsSpan(espOffset, EspFixed), iv, data, segment.AsSpan(dataEnd), (uint)(sequenceNumber >> 32), out string? cryptoProblem))
        {
            problems.Add($"{at}: {cryptoProblem}");
            return null;
        }

        // ---- Trailer: RFC 4303 §2.4 minimal default padding, Next Header 6.
        int alignment = sa.EspPadAlignment;
        int padLength = data[^2];
        Expect(problems, at, "ESP Next Header", data[^1], TcpProtocol);
        if (data.Length % alignment != 0)
        {
            problems.Add($"{at}: encrypted part is {data.Length} bytes, not a multiple of the {alignment}-byte alignment");
        }

        if (padLength + 2 > data.Length)
        {
            problems.Add($"{at}: ESP Pad Length {padLength} exceeds the {data.Length - 2} bytes before it");
            return null;
        }

        int innerLength = data.Length - 2 - padLength;
        int minimal = (alignment - ((innerLength + 2) % alignment)) % alignment;
        if (padLength != minimal)
        {
            problems.Add($"{at}: ESP Pad Length {padLength}, minimal RFC 4303 padding for {innerLength} payload bytes at alignment {alignment} is {minimal}");
        }

        for (int i = 0; i < padLength; i++)
        {
            if (data[innerLength + i] != i + 1)
            {
                problems.Add($"{at}: ESP padding byte {i} is 0x{data[innerLength + i]:x2}, RFC 4303 default padding has 0x{i + 1:x2}");
                break;
            }
        }

        // ---- Inner TCP segment.
        if (innerLength < plain.TcpHeaderLength)
        {
            problems.Add($"{at}: {innerLength} bytes of TCP, shorter than the {plain.TcpHeaderLength}-byte header");
            return null;
        }

        ReadOnlySpan<byte> tcp = data.AsSpan(0, innerLength);
        ReadOnlySpan<byte> originalTcp = original.Slice(plain.TcpOffset, plain.TcpHeaderLength);
        int payload = innerLength - plain.TcpHeaderLength;
        bool last = k == count - 1;
        if (last ? payload > mss || (payload == 0 && plain.PayloadLength > 0) : payload != mss)
        {
            problems.Add($"{at}: {payload} payload bytes; {(last ? $"the last segment carries 1..{mss}" : $"every segment but the last carries MSS = {mss}")}");
        }

        uint seq0 = BinaryPrimitives.ReadUInt32BigEndian(originalTcp[TcpSeq..]);
        Expect(problems, at, "TCP sequence number", BinaryPrimitives.ReadUInt32BigEndian(tcp[TcpSeq..]), unchecked(seq0 + (uint)(k * (long)mss)));
        byte flags = originalTcp[TcpFlags];
        if (k > 0)
        {
            flags &= unchecked((byte)~Cwr);
        }

        if (!last)
        {
            flags &= unchecked((byte)~(Fin | Psh));
        }

        if (tcp[TcpFlags] != flags)
        {
            problems.Add($"{at}: TCP flags 0x{tcp[TcpFlags]:x2}, expected 0x{flags:x2} (FIN/PSH on the last segment only, CWR on the first only)");
        }

        CompareExcept(problems, at, "TCP header", originalTcp, tcp[..plain.TcpHeaderLength], [TcpSeq, TcpSeq + 1, TcpSeq + 2, TcpSeq + 3, TcpFlags, TcpChecksum, TcpChecksum + 1]);
        uint pseudo = plain.IsIPv6
            ? OnesComplementSum(segment.AsSpan(V6Source, 32), (uint)(TcpProtocol + innerLength))
            : OnesComplementSum(segment.AsSpan(V4Source, 8), (uint)(TcpProtocol + innerLength));
        if (OnesComplementSum(tcp, pseudo) != 0xFF_FF)
        {
            problems.Add($"{at}: TCP checksum 0x{BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpChecksum..]):x4} does not verify over the plaintext segment");
        }

        return tcp[plain.TcpHeaderLength..].ToArray();
    }

    private static void Expect(List<string> problems, string at, string field, long actual, long expected)
    {
        if (actual != expected)
        {
            problems.Add($"{at}: {field} is {actual} (0x{actual:x}), expected {expected} (0x{expected:x})");
        }
    }

    private static void CompareExcept(List<string> problems, string at, string what, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, int[] skip)
    {
        if (expected.Length != actual.Length)
        {
            problems.Add($"{at}: {what} is {actual.Length} bytes, the original's is {expected.Length}");
            return;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i] && Array.IndexOf(skip, i) < 0)
            {
                problems.Add($"{at}: {what} byte 0x{i:x2} is 0x{actual[i]:x2}, the original's is 0x{expected[i]:x2} (copied unchanged to every segment)");
                return;
            }
        }
    }

    private static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }

    /// <summary>
    /// RFC 1071 ones'-complement sum of <paramref name="data"/> added to <paramref name="start"/>, folded to 16
    /// bits: the oracles' own (this one and the conformance wire oracle), not the engine's <c>InternetChecksum</c>.
    /// </summary>
    public static uint OnesComplementSum(ReadOnlySpan<byte> data, uint start)
    {
        ulong sum = start;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        while (sum > 0xFF_FF)
        {
            sum = (sum & 0xFF_FF) + (sum >> 16);
        }

        return (uint)sum;
    }

    /// <summary>BouncyCastle transforms for one SA, made from its keys.</summary>
    private sealed class Crypto : IDisposable
    {
        private readonly SaSpec _sa;
        private readonly ICipherTransform? _cipher;
        private readonly IAeadTransform? _aead;
        private readonly IIntegrityTransform? _integrity;

        public Crypto(SaSpec sa)
        {
            _sa = sa;
            BouncyCastleCryptoBackend backend = BouncyCastleCryptoBackend.Instance;
            if (sa.Encryption is { Kind: CryptoAlgorithmKind.Aead } aead)
            {
                _aead = backend.CreateAead(aead, sa.EncryptionKey, sa.IcvLength);
            }
            else if (sa.Encryption is { } cipher)
            {
                _cipher = backend.CreateCipher(cipher, sa.EncryptionKey);
            }

            if (sa.Integrity is { } integrity)
            {
                _integrity = backend.CreateIntegrity(integrity, sa.IntegrityKey);
            }
        }

        /// <summary>Checks the ICV and decrypts <paramref name="data"/> in place (RFC 4303 §3.4, RFC 4106 §5, RFC 4543 §3).</summary>
        public bool VerifyAndDecrypt(ReadOnlySpan<byte> spiSn, ReadOnlySpan<byte> iv, byte[] data, ReadOnlySpan<byte> icv, uint snHigh, out string? problem)
        {
            problem = null;
            byte[] high = new byte[SnLength];
            BinaryPrimitives.WriteUInt32BigEndian(high, snHigh);
            byte[] esn = _sa.Esn ? high : [];
            if (_aead is not null)
            {
                byte[] aad = [.. spiSn[..SnLength], .. esn, .. spiSn[SnLength..]];
                if (!_aead.TryDecrypt(iv, aad, data, icv))
                {
                    problem = $"AES-GCM ICV does not verify (BouncyCastle, SN_high 0x{snHigh:x8}{(_sa.Esn ? "" : " not used")})";
                    return false;
                }

                return true;
            }

            if (_integrity is not null)
            {
                if (_integrity.IvLength > 0)
                {
                    _integrity.Start(iv);
                    _integrity.Append(spiSn[..SnLength]);
                    _integrity.Append(esn);
                    _integrity.Append(spiSn[SnLength..]);
                    _integrity.Append(iv);
                    _integrity.Append(data);
                }
                else
                {
                    _integrity.Start([]);
                    _integrity.Append(spiSn);
                    _integrity.Append(iv);
                    _integrity.Append(data);
                    _integrity.Append(esn);
                }

                if (!_integrity.FinishAndVerify(icv))
                {
                    problem = $"{_sa.Integrity!.Name} ICV does not verify (BouncyCastle, SN_high 0x{snHigh:x8}{(_sa.Esn ? "" : " not used")})";
                    return false;
                }
            }

            if (_cipher is not null && _cipher.IvLength > 0)
            {
                if (data.Length % _cipher.BlockSize != 0)
                {
                    problem = $"ciphertext of {data.Length} bytes is not a multiple of the {_cipher.BlockSize}-byte block";
                    return false;
                }

                _cipher.Decrypt(iv, data);
            }

            return true;
        }

        public void Dispose()
        {
            _cipher?.Dispose();
            _aead?.Dispose();
            _integrity?.Dispose();
        }
    }
}
