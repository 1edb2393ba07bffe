using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Vectors;

/// <summary>
/// Judges what an adapter sent for an LSO vector (vectors/lso/README.md, vectors-schema.md). The
/// vector is the reference: (1) the NBL completed exactly once with NDIS_STATUS_SUCCESS; (2) slot 2 at
/// completion is the vector's <c>tcpPayload</c> (LSOv1) or a valid LSOv2 completion (Reserved 0, Type
/// V2) when the vector says null; (3) as many segments as <c>expectSegments</c> (or <c>wirePackets</c>);
/// (4) <see cref="LsoOracle.Check"/> finds no problem (semantic: SN + k, unique IVs, ICV, padding, TCP
/// rules); (5) every segment, authenticated and decrypted here with BouncyCastle and put back into its
/// IP header, equals <c>expectSegments[k]</c> byte for byte; (6) segments whose bytes the profile makes
/// deterministic equal <c>wirePackets[k]</c>: every segment for AES-GCM, AES-GMAC and ESP-NULL (IV of
/// segment k = its 64-bit SN), only segment 0 for DES/3DES/AES-CBC (its IV is the transport's; later
/// CBC IVs are the device's choice).
/// </summary>
public static class LsoVectorJudge
{
    // IPv4 header (RFC 791 §3.1): Version/IHL @0 | ... | Total Length @2 (2) | ... | Protocol @9 | Header Checksum @10 (2).
    private const int V4TotalLength = 2, V4Protocol = 9, V4Checksum = 10, V4MinimumLength = 20;

    // IPv6 header (RFC 8200 §3): ... | Payload Length @4 (2) | Next Header @6 | ...; 40 bytes.
    // Extension headers (§4): Next Header @0 | Hdr Ext Len @1 (8-octet units, not counting the first 8).
    private const int V6PayloadLength = 4, V6NextHeader = 6, V6Length = 40;

    // ESP header (RFC 4303 §2): SPI @0 (4) | Sequence Number @4 (4) | IV follows.
    private const int EspFixedLength = 8, EspSnOffset = 4;

    private const byte EspProtocol = 50, HopByHop = 0, Routing = 43, DestinationOptions = 60;

    /// <summary>
    /// The verdict on <paramref name="outcome"/> (an outcome of <see cref="VectorRunner.RunLso"/>): every
    /// problem as one line naming the segment, and the full report (annotated diffs with the segment in
    /// their heading, dumps, the SA without key material).
    /// </summary>
    public static LsoJudgement Judge(VectorOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        GoldenVector vector = outcome.Vector;
        var problems = new List<string>();
        var report = new StringBuilder();
        if (outcome.SetupProblem is { } setup)
        {
            return Finish(vector, [$"could not run the vector: {setup}"], report);
        }

        if (vector.Kind != VectorKind.Lso || vector.Lso is null
            || !VectorRunner.TryPrepare(vector, out PreparedVector? prepared, out _))
        {
            return Finish(vector, ["not an LSO vector the runner can prepare"], report);
        }

        if (outcome.Completions != 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the NBL was completed {outcome.Completions} times, expected exactly once"));
        }
        else if (outcome.Status != NdisStatus.Success)
        {
            problems.Add($"the NBL completed with {outcome.Status!.Value.ToNdisName()}, expected NDIS_STATUS_SUCCESS");
        }

        if (outcome.Completions == 1)
        {
            JudgeCompletion(vector, outcome, problems);
        }

        IReadOnlyList<byte[]> segments = outcome.WirePackets;
        IReadOnlyList<byte[]>? expectSegments = vector.ExpectSegments;
        IReadOnlyList<byte[]>? wirePackets = vector.WirePackets;
        int expectedCount = expectSegments?.Count ?? wirePackets!.Count;
        if (segments.Count != expectedCount)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the adapter sent {segments.Count} segments, the vector expects {expectedCount} ({(expectSegments is null ? "wirePackets" : "expectSegments")})"));
        }

        if (segments.Count == 0)
        {
            return Finish(vector, problems, report);
        }

        SaSpec sa = prepared!.Bundle.Sas[0];
        OracleProblems(sa, vector, segments, problems);
        int compared = Math.Min(segments.Count, expectedCount);
        for (int k = 0; k < compared; k++)
        {
            ulong sequenceNumber = unchecked(vector.Sequence64 + (ulong)k); // AMB-03: segment k carries SN + k of the 64-bit counter.
            if (expectSegments is not null)
            {
                if (!TryDecrypt(sa, segments[k], sequenceNumber, out byte[]? plain, out string? why))
                {
                    problems.Add($"segment {k}: cannot decrypt it to compare with expectSegments[{k}]: {why}");
                }
                else if (VectorDiff.Compare(expectSegments[k], plain!) is { AreEqual: false } inner)
                {
                    problems.Add($"segment {k}: decrypted segment differs from expectSegments[{k}]; {inner.Summary}");
                    report.Append(VectorDiff.Render(vector, inner, $"segment {k} decrypted (expectSegments[{k}])"))
                        .Append(VectorDiff.Dumps(expectSegments[k], plain!));
                }
            }

            if (wirePackets is not null && k < wirePackets.Count && IsByteExact(sa, k))
            {
                PacketComparison wire = VectorDiff.Compare(wirePackets[k], segments[k], VectorDiff.HintsFor(vector));
                if (!wire.AreEqual)
                {
                    problems.Add($"segment {k}: wirePackets[{k}] differs; {wire.Summary}");
                    report.Append(VectorDiff.Render(vector, wire, $"segment {k} (wirePackets[{k}])"))
                        .Append(VectorDiff.Dumps(wirePackets[k], segments[k]));
                }
            }
        }

        return Finish(vector, problems, report);
    }

    /// <summary>
    /// True when segment <paramref name="k"/> of an LSO burst on <paramref name="sa"/> has bytes the
    /// profile fixes: AES-GCM/AES-GMAC (IV = 64-bit SN) and ESP-NULL (no IV) every segment; a CBC cipher
    /// only segment 0, whose IV the transport placed.
    /// </summary>
    public static bool IsByteExact(SaSpec sa, int k)
    {
        ArgumentNullException.ThrowIfNull(sa);
        bool cbc = sa.Encryption is { Kind: CryptoAlgorithmKind.Cipher, IvLength: > 0 };
        return !cbc || k == 0;
    }

    private static void JudgeCompletion(GoldenVector vector, VectorOutcome outcome, List<string> problems)
    {
        if (outcome.CompletionProblem is { } completion)
        {
            problems.Add(completion);
        }

        if (vector.Lso!.Version == 1 && outcome.TcpPayload != vector.TcpPayload)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the LSOv1 completion reports TcpPayload {outcome.TcpPayload?.ToString(CultureInfo.InvariantCulture) ?? "none"}, the vector's tcpPayload is {vector.TcpPayload?.ToString(CultureInfo.InvariantCulture) ?? "null"} (SEND-20)"));
        }
        else if (vector.Lso.Version != 1 && (vector.TcpPayload is not null || outcome.TcpPayload is not null))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"LSOv2 has no completion byte count: the vector's tcpPayload is {vector.TcpPayload?.ToString(CultureInfo.InvariantCulture) ?? "null"}, the outcome's {outcome.TcpPayload?.ToString(CultureInfo.InvariantCulture) ?? "null"} (SEND-20)"));
        }
    }

    private static void OracleProblems(SaSpec sa, GoldenVector vector, IReadOnlyList<byte[]> segments, List<string> problems)
    {
        IReadOnlyList<string> oracle = LsoOracle.Check(sa, vector.PlainPacket, (uint)vector.Lso!.Mss, VectorRunner.LsoVersion(vector.Lso),
            vector.Sequence64, segments);
        problems.AddRange(oracle.Select(p => "LSO oracle: " + p));
    }

    private static LsoJudgement Finish(GoldenVector vector, List<string> problems, StringBuilder report)
    {
        if (problems.Count == 0)
        {
            return new LsoJudgement(problems, string.Empty);
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"vector {vector.Id}, source {vector.Source}{(vector.File is null ? "" : $", file {vector.File}")}\n");
        foreach (string problem in problems)
        {
            text.Append("- ").Append(problem).Append('\n');
        }

        text.Append(VectorDiff.SaLine(vector)).Append('\n').Append(report);
        return new LsoJudgement(problems, text.ToString());
    }

    /// <summary>
    /// Authenticates and decrypts one transport-mode ESP segment with BouncyCastle (RFC 4303 §3.4; RFC
    /// 4106 §5 AAD; RFC 4543 §3; ESN high half from <paramref name="sequenceNumber"/>) and puts the inner
    /// packet back into its IP header: the Next Header field before ESP gets the trailer's Next Header,
    /// the length field the plaintext length, IPv4 a fresh header checksum.
    /// </summary>
    private static bool TryDecrypt(SaSpec sa, byte[] segment, ulong sequenceNumber, out byte[]? plain, out string? why)
    {
        plain = null;
        if (!TryLocateEsp(segment, out int espOffset, out int nextHeaderOffset, out why))
        {
            return false;
        }

        int ivLength = sa.IvLength;
        int dataStart = espOffset + EspFixedLength + ivLength;
        int dataEnd = segment.Length - sa.IcvLength;
        if (dataEnd - dataStart < 2)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"{segment.Length} bytes leave no room for IV {ivLength}, trailer and ICV {sa.IcvLength} after ESP at 0x{espOffset:x}");
            return false;
        }

        ReadOnlySpan<byte> spi = segment.AsSpan(espOffset, EspSnOffset);
        ReadOnlySpan<byte> snLow = segment.AsSpan(espOffset + EspSnOffset, EspSnOffset);
        ReadOnlySpan<byte> iv = segment.AsSpan(espOffset + EspFixedLength, ivLength);
        ReadOnlySpan<byte> icv = segment.AsSpan(dataEnd);
        byte[] snHigh = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(snHigh, (uint)(sequenceNumber >> 32));
        byte[] esn = sa.Esn ? snHigh : [];
        byte[] data = segment.AsSpan(dataStart, dataEnd - dataStart).ToArray();
        BouncyCastleCryptoBackend backend = BouncyCastleCryptoBackend.Instance;
        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Aead } aeadAlgorithm)
        {
            using IAeadTransform aead = backend.CreateAead(aeadAlgorithm, sa.EncryptionKey, sa.IcvLength);
            if (!aead.TryDecrypt(iv, [.. spi, .. esn, .. snLow], data, icv))
            {
                why = $"{aeadAlgorithm.Name} ICV does not verify (BouncyCastle)";
                return false;
            }
        }
        else
        {
            if (sa.Integrity is { } integrityAlgorithm)
            {
                using IIntegrityTransform integrity = backend.CreateIntegrity(integrityAlgorithm, sa.IntegrityKey);
                if (integrity.IvLength > 0)
                {
                    // RFC 4543 §3.3: AAD = SPI ‖ [SN_high] ‖ SN_low, then IV ‖ payload authenticated.
                    integrity.Start(iv);
                    integrity.Append(spi);
                    integrity.Append(esn);
                    integrity.Append(snLow);
                }
                else
                {
                    // RFC 4303 §2.2.1 / §3.3.2.1: ICV over SPI ‖ SN ‖ IV ‖ ciphertext ‖ [SN_high].
                    integrity.Start([]);
                    integrity.Append(spi);
                    integrity.Append(snLow);
                }

                integrity.Append(iv);
                integrity.Append(data);
                if (integrity.IvLength == 0)
                {
                    integrity.Append(esn);
                }

                if (!integrity.FinishAndVerify(icv))
                {
                    why = $"{integrityAlgorithm.Name} ICV does not verify (BouncyCastle)";
                    return false;
                }
            }

            if (sa.Encryption is { } cipherAlgorithm && cipherAlgorithm.IvLength > 0)
            {
                using ICipherTransform cipher = backend.CreateCipher(cipherAlgorithm, sa.EncryptionKey);
                if (data.Length % cipher.BlockSize != 0)
                {
                    why = string.Create(CultureInfo.InvariantCulture, $"ciphertext of {data.Length} bytes is not a multiple of the {cipher.BlockSize}-byte block");
                    return false;
                }

                cipher.Decrypt(iv, data);
            }
        }

        // RFC 4303 §2.4: ... payload | padding | Pad Length | Next Header.
        int padLength = data[^2];
        if (padLength + 2 > data.Length)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"Pad Length {padLength} exceeds the {data.Length - 2} decrypted bytes before it");
            return false;
        }

        int innerLength = data.Length - 2 - padLength;
        plain = [.. segment.AsSpan(0, espOffset), .. data.AsSpan(0, innerLength)];
        plain[nextHeaderOffset] = data[^1];
        if (plain[0] >> 4 == 4)
        {
            int headerLength = (plain[0] & 0x0F) * 4;
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(V4TotalLength), checked((ushort)plain.Length));
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(V4Checksum), 0);
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(V4Checksum), unchecked((ushort)~OnesComplementSum(plain.AsSpan(0, headerLength))));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(V6PayloadLength), checked((ushort)(plain.Length - V6Length)));
        }

        why = null;
        return true;
    }

    private static bool TryLocateEsp(byte[] segment, out int espOffset, out int nextHeaderOffset, out string? why)
    {
        espOffset = nextHeaderOffset = 0;
        why = null;
        int version = segment.Length == 0 ? 0 : segment[0] >> 4;
        if (version == 4 && segment.Length >= V4MinimumLength)
        {
            nextHeaderOffset = V4Protocol;
            espOffset = (segment[0] & 0x0F) * 4;
        }
        else if (version == 6 && segment.Length >= V6Length)
        {
            nextHeaderOffset = V6NextHeader;
            espOffset = V6Length;
            while (segment[nextHeaderOffset] is HopByHop or Routing or DestinationOptions && espOffset + 2 <= segment.Length)
            {
                nextHeaderOffset = espOffset;
                espOffset += (segment[espOffset + 1] + 1) * 8;
            }
        }
        else
        {
            why = string.Create(CultureInfo.InvariantCulture, $"{segment.Length} bytes, not an IPv4 or IPv6 packet");
            return false;
        }

        if (espOffset + EspFixedLength > segment.Length || segment[nextHeaderOffset] != EspProtocol)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"no ESP header after the IP headers (next header {segment[Math.Min(nextHeaderOffset, segment.Length - 1)]} at 0x{nextHeaderOffset:x})");
            return false;
        }

        return true;
    }

    /// <summary>RFC 1071 ones'-complement sum folded to 16 bits.</summary>
    private static ushort OnesComplementSum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        while (sum > 0xFF_FF)
        {
            sum = (sum & 0xFF_FF) + (sum >> 16);
        }

        return (ushort)sum;
    }
}

/// <summary>The verdict on one LSO vector's outcome (<see cref="LsoVectorJudge.Judge"/>).</summary>
/// <param name="Problems">One line per problem, naming the segment where there is one; empty when the adapter matched the vector.</param>
/// <param name="Report">The full report (vector, problems, SA without keys, annotated diffs and dumps); empty when passed.</param>
public sealed record LsoJudgement(IReadOnlyList<string> Problems, string Report)
{
    /// <summary>True when no problem was found.</summary>
    public bool Passed => Problems.Count == 0;
}
