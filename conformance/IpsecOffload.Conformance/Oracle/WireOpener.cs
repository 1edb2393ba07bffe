using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Transport;

namespace IpsecOffload.Conformance.Oracle;

/// <summary>One problem the oracle found, where it is and the requirement it breaks.</summary>
/// <param name="Offset">Where in the packet the problem sits (problems are reported in packet order).</param>
/// <param name="Requirement">The requirement it breaks.</param>
/// <param name="Text">One readable line.</param>
internal sealed record OracleProblem(int Offset, string Requirement, string Text);

/// <summary>A span of the packet the walk identified, with the requirement a difference inside it breaks.</summary>
internal sealed class PacketRegion(int start, int length, string name, string requirement)
{
    public int Start { get; } = start;

    public int Length { get; } = length;

    public int End => Start + Length;

    public string Name { get; } = name;

    public string Requirement { get; set; } = requirement;
}

/// <summary>An ESP or AH header the walk found, and the SA whose SPI it carries.</summary>
internal sealed record FoundHeader(IpsecProtocol Protocol, int Offset, SaSpec Sa);

/// <summary>
/// Opens a wire IP packet by its own parsing: IPv4 (with options) and IPv6 (with extension headers) → AH /
/// ESP / UDP-encapsulated ESP → for tunnel-mode ESP or AH the inner IP packet, and so on. ESP SAs are found
/// by SPI, their IV and ICV lengths come from the SA's algorithms, and ESP ends where the enclosing IP
/// datagram ends. Every ICV is verified and zeroed and every ciphertext replaced by its plaintext
/// (BouncyCastle), so that for a correct frame <see cref="Opened"/> equals the packet the transport framed.
/// Never throws on bad input: each defect is a <see cref="OracleProblem"/>.
/// </summary>
internal sealed class WireOpener
{
    // RFC 4303 §2: | SPI (4) | Sequence Number (4) | IV | Payload … | Padding | Pad Length | Next Header | ICV |
    private const int EspSpi = 0, EspSequence = 4, EspHeaderLength = 8, TrailerLength = 2;

    // RFC 4302 §2: | Next Header | Payload Len | Reserved (2) | SPI (4) | Sequence Number (4) | [IV] ICV [pad] |
    private const int AhNextHeader = 0, AhPayloadLength = 1, AhSpi = 4, AhFixedLength = 12;

    // RFC 768: | Source Port | Destination Port | Length | Checksum |
    private const int UdpHeaderLength = 8, UdpChecksum = 6;

    private const int V4MinimumLength = 20, V4TotalLength = 2, V4Protocol = 9;
    private const int V6Length = 40, V6PayloadLength = 4, V6NextHeader = 6, V6Source = 8, V6AddressesLength = 32;
    private const int FragmentHeaderLength = 8, SnHighLength = 4;
    private const byte HopByHop = 0, IpInIp = 4, Udp = 17, Ipv6InIp = 41, Routing = 43, Fragment = 44, Esp = 50, Ah = 51, DestinationOptions = 60;
    private const int MaxDepth = 8;

    private static readonly BouncyCastleCryptoBackend Bc = BouncyCastleCryptoBackend.Instance;

    private readonly byte[] _framed;
    private readonly IReadOnlyList<SaSpec> _sas;
    private readonly OracleOptions _options;
    private readonly string _default;

    /// <param name="wirePacket">The wire packet from the IP header on.</param>
    /// <param name="framedPacket">The framed packet (IVs are taken back from it when the device writes them).</param>
    /// <param name="sas">The SAs, found by protocol and SPI.</param>
    /// <param name="options">ESN high override, device IVs.</param>
    /// <param name="defaultRequirement">The requirement of a defect in a header the walk cannot attribute (ESP-04, or AH-02 for an AH packet).</param>
    public WireOpener(ReadOnlySpan<byte> wirePacket, byte[] framedPacket, IReadOnlyList<SaSpec> sas, OracleOptions options, string defaultRequirement)
    {
        Opened = wirePacket.ToArray();
        _framed = framedPacket;
        _sas = sas;
        _options = options;
        _default = defaultRequirement;
    }

    /// <summary>The requirement of a defect the walk cannot attribute.</summary>
    public string DefaultRequirement => _default;

    /// <summary>The wire packet with every verified ICV zeroed and every ciphertext decrypted.</summary>
    public byte[] Opened { get; }

    public List<OracleProblem> Problems { get; } = [];

    public List<PacketRegion> Regions { get; } = [];

    public List<FoundHeader> Found { get; } = [];

    /// <summary>Offsets where an ESP or AH header was read (known SPI or not).</summary>
    public HashSet<int> Attempted { get; } = [];

    /// <summary>Spans the walk could not open (unknown SPI, AEAD tag failure, undecryptable): headers framed inside them are not looked for.</summary>
    public List<(int Start, int End)> Unopened { get; } = [];

    /// <summary>Walks the whole packet.</summary>
    public WireOpener Run()
    {
        OpenIp(0, Opened.Length, 0, null);
        return this;
    }

    /// <summary>The smallest identified region holding <paramref name="offset"/>, or null.</summary>
    public PacketRegion? RegionAt(int offset) =>
        Regions.Where(r => offset >= r.Start && offset < r.End).OrderBy(r => r.Length).FirstOrDefault();

    private void Problem(int offset, string requirement, string text) => Problems.Add(new OracleProblem(offset, requirement, text));

    private PacketRegion Region(int start, int length, string name, string requirement)
    {
        var region = new PacketRegion(start, Math.Max(0, length), name, requirement);
        Regions.Add(region);
        return region;
    }

    // ------------------------------------------------------------------ IP

    /// <summary>
    /// Walks the IP packet at <paramref name="start"/>, which must end at <paramref name="available"/>.
    /// <paramref name="fixedRequirement"/> is the requirement of an inner header (ESP-05 inside an ESP tunnel).
    /// </summary>
    private void OpenIp(int start, int available, int depth, string? fixedRequirement)
    {
        string where = depth == 0 ? "header" : $"inner header (depth {depth})";
        string lengthRequirement = fixedRequirement ?? _default;
        if (depth > MaxDepth)
        {
            Problem(start, lengthRequirement, $"IP {where} at 0x{start:x4}: more than {MaxDepth} nested IP headers");
            return;
        }

        if (available - start < 1)
        {
            Problem(start, lengthRequirement, $"IP {where} at 0x{start:x4}: no bytes left for it (datagram ends at 0x{available:x4})");
            return;
        }

        int version = Opened[start] >> 4;
        if (version == 4)
        {
            OpenIPv4(start, available, depth, fixedRequirement, where, lengthRequirement);
        }
        else if (version == 6)
        {
            OpenIPv6(start, available, depth, fixedRequirement, where, lengthRequirement);
        }
        else
        {
            Problem(start, lengthRequirement, $"IP {where} at 0x{start:x4}: IP version {version}, expected 4 or 6");
        }
    }

    private void OpenIPv4(int start, int available, int depth, string? fixedRequirement, string where, string lengthRequirement)
    {
        if (available - start < V4MinimumLength)
        {
            Problem(start, lengthRequirement, $"IPv4 {where} at 0x{start:x4} needs {V4MinimumLength} bytes, {available - start} remain");
            return;
        }

        int ihl = (Opened[start] & 0x0F) * 4;
        if (ihl < V4MinimumLength || start + ihl > available)
        {
            Problem(start, lengthRequirement, $"IPv4 {where} at 0x{start:x4}: IHL {ihl / 4} gives {ihl} header bytes; at least 20 and at most the {available - start} that remain");
            return;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(Opened.AsSpan(start + V4TotalLength));
        int end = CheckedEnd(start, start + totalLength, start + ihl, available, $"IPv4 Total Length {totalLength}", $"IPv4 {where}", lengthRequirement);
        byte protocol = Opened[start + V4Protocol];
        PacketRegion header = Region(start, ihl, depth == 0 ? "IPv4 header" : "inner IPv4 header", fixedRequirement ?? _default);
        OpenNext(protocol, start + ihl, end, start, header, depth, fixedRequirement);
    }

    private void OpenIPv6(int start, int available, int depth, string? fixedRequirement, string where, string lengthRequirement)
    {
        if (available - start < V6Length)
        {
            Problem(start, lengthRequirement, $"IPv6 {where} at 0x{start:x4} needs {V6Length} bytes, {available - start} remain");
            return;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(Opened.AsSpan(start + V6PayloadLength));
        int end = CheckedEnd(start, start + V6Length + payloadLength, start + V6Length, available, $"IPv6 Payload Length {payloadLength}", $"IPv6 {where}", lengthRequirement);
        byte next = Opened[start + V6NextHeader];
        int pos = start + V6Length;
        while (next is HopByHop or Routing or Fragment or DestinationOptions)
        {
            int minimum = next == Fragment ? FragmentHeaderLength : 2;
            int length = pos + minimum > end ? -1 : next == Fragment ? FragmentHeaderLength : (Opened[pos + 1] + 1) * 8;
            if (length < 0 || pos + length > end)
            {
                Problem(pos, lengthRequirement, $"IPv6 extension header {next} at 0x{pos:x4} runs past the datagram end at 0x{end:x4}");
                Region(start, pos - start, "IPv6 header", fixedRequirement ?? _default);
                return;
            }

            next = Opened[pos];
            pos += length;
        }

        PacketRegion header = Region(start, pos - start, depth == 0 ? "IPv6 header and extension headers" : "inner IPv6 header and extension headers",
            fixedRequirement ?? _default);
        OpenNext(next, pos, end, start, header, depth, fixedRequirement);
    }

    /// <summary>The datagram end the length field gives, checked against what is there; on a mismatch a problem and the bytes there.</summary>
    private int CheckedEnd(int start, int fieldEnd, int headerEnd, int available, string field, string where, string requirement)
    {
        if (fieldEnd == available)
        {
            return fieldEnd;
        }

        Problem(start, requirement, fieldEnd < headerEnd
            ? $"{field} of the {where} at 0x{start:x4} is shorter than the header itself"
            : $"{field} of the {where} at 0x{start:x4} ends the datagram at 0x{fieldEnd:x4}, but its bytes end at 0x{available:x4}");
        return available;
    }

    private void OpenNext(byte protocol, int pos, int end, int ipStart, PacketRegion ipHeader, int depth, string? fixedRequirement)
    {
        switch (protocol)
        {
            case Esp:
                OpenEsp(pos, end, ipHeader, depth);
                break;
            case Ah:
                if (fixedRequirement is null)
                {
                    ipHeader.Requirement = "AH-02";
                }

                OpenAh(pos, end, ipStart, ipHeader, depth);
                break;
            case Udp:
                TryOpenUdpEsp(pos, end, ipStart, ipHeader, depth);
                break;
            case IpInIp or Ipv6InIp:
                // IP in IP behind AH (AH tunnel mode) or a plain tunnel: walk on.
                OpenIp(pos, end, depth + 1, fixedRequirement ?? (ipHeader.Requirement == "AH-02" ? "AH-02" : null));
                break;
            default:
                break; // the upper-layer payload: compared as framed.
        }
    }

    // ------------------------------------------------------------------ UDP-encapsulated ESP (RFC 3948)

    private void TryOpenUdpEsp(int pos, int end, int ipStart, PacketRegion ipHeader, int depth)
    {
        // RFC 3948 §2.1-2.2: after the UDP header, four zero bytes are the non-ESP marker (IKE) and a single
        // 0xFF byte is a NAT keepalive; anything else on the encapsulation port is ESP. The port is chosen by
        // the SA (4500 by default, v1 lets the SA name another), so the oracle takes a UDP datagram as ESP
        // when its first four payload bytes are a non-zero SPI of one of the ESP SAs. A user datagram whose
        // ports happen to be 4500 is then not mistaken for ESP; a garbled SPI is reported by the cross-check
        // with the headers the transport framed.
        int payload = pos + UdpHeaderLength;
        if (end - payload < EspHeaderLength)
        {
            return;
        }

        uint spi = BinaryPrimitives.ReadUInt32BigEndian(Opened.AsSpan(payload));
        if (spi == 0 || !_sas.Any(s => s.Protocol == IpsecProtocol.Esp && s.Spi == spi))
        {
            return;
        }

        Region(pos, UdpHeaderLength, "UDP encapsulation header", "UDPESP-01");
        if (Opened[ipStart] >> 4 == 6)
        {
            CheckIPv6UdpChecksum(pos, end, ipStart);
        }

        OpenEsp(payload, end, ipHeader, depth);
    }

    /// <summary>
    /// IPv6 UDP-ESP (wire-formats §4.1, AMB-32): the transport leaves the checksum 0 and the NIC completes it
    /// over the ESP bytes as sent. A checksum that verifies is set back to 0 (the framed value); one that does
    /// not is a UDPESP-01 problem and stays, so the diff shows it.
    /// </summary>
    private void CheckIPv6UdpChecksum(int pos, int end, int ipStart)
    {
        int length = end - pos;
        uint pseudo = LsoOracle.OnesComplementSum(Opened.AsSpan(ipStart + V6Source, V6AddressesLength), 0);
        // RFC 8200 §8.1 pseudo-header: addresses, upper-layer length (32 bits), three zero bytes, Next Header 17.
        byte[] lengthAndNext = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(lengthAndNext, length);
        lengthAndNext[7] = Udp;
        pseudo = LsoOracle.OnesComplementSum(lengthAndNext, pseudo);
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(Opened.AsSpan(pos + UdpChecksum));
        if (checksum == 0 || LsoOracle.OnesComplementSum(Opened.AsSpan(pos, length), pseudo) != 0xFF_FF)
        {
            Problem(pos + UdpChecksum, "UDPESP-01", $"IPv6 UDP checksum 0x{checksum:x4} at 0x{pos + UdpChecksum:x4} does not verify over the {length} bytes of UDP-encapsulated ESP as sent " +
                "(IPv6 forbids a zero UDP checksum; the NIC completes it after encryption, AMB-32)");
            return;
        }

        Opened.AsSpan(pos + UdpChecksum, 2).Clear();
    }

    // ------------------------------------------------------------------ ESP (RFC 4303)

    private void OpenEsp(int pos, int end, PacketRegion ipHeader, int depth)
    {
        Attempted.Add(pos);
        if (end - pos < EspHeaderLength)
        {
            Problem(pos, "ESP-04", $"ESP header at 0x{pos:x4} needs {EspHeaderLength} bytes, the datagram has {end - pos} left");
            return;
        }

        uint spi = BinaryPrimitives.ReadUInt32BigEndian(Opened.AsSpan(pos + EspSpi));
        SaSpec? sa = _sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Esp && s.Spi == spi);
        if (sa is null)
        {
            Problem(pos, "ESP-03", $"ESP SPI 0x{spi:x8} at 0x{pos:x4} is not the SPI of any ESP SA given ({SpiList(IpsecProtocol.Esp)})");
            Region(pos, EspHeaderLength, "ESP SPI and sequence number", "ESP-03");
            Unopened.Add((pos, end));
            return;
        }

        Found.Add(new FoundHeader(IpsecProtocol.Esp, pos, sa));
        Region(pos, EspHeaderLength, "ESP SPI and sequence number", "ESP-03");
        int ivLength = sa.IvLength, icvLength = sa.IcvLength;
        string at = $"ESP SPI 0x{spi:x8} at 0x{pos:x4}";
        if (end - pos < EspHeaderLength + ivLength + TrailerLength + icvLength)
        {
            Problem(pos, "ESP-04", $"{at}: {end - pos} bytes to the datagram end at 0x{end:x4}, fewer than header {EspHeaderLength} + IV {ivLength} + trailer {TrailerLength} + ICV {icvLength}");
            Unopened.Add((pos, end));
            return;
        }

        int ivOffset = pos + EspHeaderLength, dataOffset = ivOffset + ivLength, icvOffset = end - icvLength;
        Region(ivOffset, ivLength, "ESP IV", "ESP-04");
        Region(dataOffset, icvOffset - dataOffset, "ESP payload", "ESP-02");
        Region(icvOffset, icvLength, "ESP ICV", "ESP-01");
        CheckDeviceIv(sa, ivOffset, ivLength, at);

        uint high = _options.SequenceHigh?.Invoke(sa) ?? sa.SequenceNumberHigh;
        string icvRequirement = sa.Esn ? "ESN-01" : "ESP-01";
        bool opened;
        try
        {
            opened = VerifyAndDecrypt(sa, pos, ivOffset, dataOffset, icvOffset, high, at, icvRequirement);
        }
        catch (ArgumentException e)
        {
            // A transform refused the SA itself (key or ICV length): the caller's SA is unusable.
            Problem(pos, icvRequirement, $"{at}: BouncyCastle cannot use the SA ({sa}): {e.Message}");
            Unopened.Add((pos, end));
            return;
        }

        Opened.AsSpan(icvOffset, icvLength).Clear();
        if (_options.EspIv == EspIvSource.Device && ivLength > 0 && ivOffset + ivLength <= _framed.Length)
        {
            // ESP-06 mode: the device chose the IV; the opened packet takes the transport's bytes back.
            _framed.AsSpan(ivOffset, ivLength).CopyTo(Opened.AsSpan(ivOffset));
        }

        if (!opened)
        {
            Unopened.Add((dataOffset, icvOffset));
            return; // no plaintext: no trailer checks, no walk into it.
        }

        int padLength = Opened[icvOffset - 2];
        byte nextHeader = Opened[icvOffset - 1];
        int dataLength = icvOffset - dataOffset;
        if (padLength + TrailerLength > dataLength)
        {
            Problem(icvOffset - 2, "ESP-02", $"{at}: Pad Length {padLength} at 0x{icvOffset - 2:x4} needs {padLength + TrailerLength} trailer bytes, the decrypted payload has {dataLength}");
            return;
        }

        int payloadEnd = icvOffset - TrailerLength - padLength;
        Region(payloadEnd, padLength, "ESP padding", "ESP-02");
        Region(icvOffset - 2, 1, "ESP Pad Length", "ESP-02");
        Region(icvOffset - 1, 1, "ESP Next Header", "ESP-02");
        if (nextHeader is IpInIp or Ipv6InIp)
        {
            // Tunnel mode (RFC 4303 §3.1.2): the enclosing header is the outer one; the payload is the inner packet.
            ipHeader.Requirement = "ESP-05";
            OpenIp(dataOffset, payloadEnd, depth + 1, "ESP-05");
        }
    }

    private void CheckDeviceIv(SaSpec sa, int ivOffset, int ivLength, string at)
    {
        if (_options.EspIv != EspIvSource.Device || ivLength == 0 || _options.IvsSeen is not { } seen)
        {
            return;
        }

        if (!seen.TryGetValue(sa.Spi, out HashSet<string>? ivs))
        {
            ivs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            seen[sa.Spi] = ivs;
        }

        string iv = Convert.ToHexStringLower(Opened.AsSpan(ivOffset, ivLength));
        if (!ivs.Add(iv))
        {
            Problem(ivOffset, "ESP-06", $"{at}: IV {iv} was already used on the SA (the device writes IVs; they must not repeat)");
        }
    }

    /// <summary>
    /// Verifies the ICV and decrypts in place (RFC 4303 §3.4.4, RFC 4106 §5, RFC 4543 §3). A failing HMAC/GMAC ICV is
    /// a problem, but the payload is still decrypted and walked, so a frame whose only fault is its ICV shows no
    /// other difference. False when there is no plaintext: the AES-GCM tag failed or the ciphertext is not a block multiple.
    /// </summary>
    private bool VerifyAndDecrypt(SaSpec sa, int pos, int ivOffset, int dataOffset, int icvOffset, uint high, string at, string icvRequirement)
    {
        Span<byte> spi = Opened.AsSpan(pos + EspSpi, 4), sequence = Opened.AsSpan(pos + EspSequence, 4);
        Span<byte> iv = Opened.AsSpan(ivOffset, dataOffset - ivOffset);
        Span<byte> data = Opened.AsSpan(dataOffset, icvOffset - dataOffset);
        byte[] icv = Opened.AsSpan(icvOffset, sa.IcvLength).ToArray();
        byte[] esn = EsnBytes(sa, high);
        string esnText = sa.Esn ? $", ESN high 0x{high:x8}" : "";

        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Aead } aeadAlgorithm)
        {
            // RFC 4106 §5: AAD = SPI ‖ [SN_high] ‖ SN_low; nonce = salt ‖ IV; the ICV is the truncated tag.
            using IAeadTransform aead = Bc.CreateAead(aeadAlgorithm, sa.EncryptionKey, sa.IcvLength);
            byte[] aad = [.. spi, .. esn, .. sequence];
            byte[] ciphertext = data.ToArray();
            if (aead.TryDecrypt(iv, aad, data, icv))
            {
                return true;
            }

            Problem(pos, icvRequirement, $"{at}: {aeadAlgorithm.Name} ICV does not verify (BouncyCastle{esnText}); the payload is not decrypted");
            // The plaintext is unknown: the framed bytes stand in so the diff shows only what lies outside the ciphertext.
            if (icvOffset <= _framed.Length)
            {
                _framed.AsSpan(dataOffset, data.Length).CopyTo(data);
            }
            else
            {
                ciphertext.CopyTo(data);
            }

            return false;
        }

        if (sa.Integrity is { } integrityAlgorithm)
        {
            using IIntegrityTransform mac = Bc.CreateIntegrity(integrityAlgorithm, sa.IntegrityKey);
            if (mac.IvLength > 0)
            {
                // RFC 4543 §3.3 (ESP NULL_AUTH_AES_GMAC): AAD = SPI ‖ [SN_high] ‖ SN_low ‖ IV ‖ payload ‖ trailer, empty plaintext.
                mac.Start(iv);
                mac.Append(spi);
                mac.Append(esn);
                mac.Append(sequence);
                mac.Append(iv);
                mac.Append(data);
            }
            else
            {
                // RFC 4303 §3.3.2.1, §2.2.1: HMAC over SPI ‖ SN ‖ IV ‖ ciphertext, then SN_high appended (ESN).
                mac.Start([]);
                mac.Append(Opened.AsSpan(pos, icvOffset - pos));
                mac.Append(esn);
            }

            byte[] expected = new byte[mac.IcvLength];
            mac.Finish(expected);
            if (expected.Length != icv.Length || !expected.AsSpan().SequenceEqual(icv))
            {
                Problem(pos, icvRequirement, $"{at}: {integrityAlgorithm.Name} ICV does not verify: BouncyCastle computes {Convert.ToHexStringLower(expected)}, " +
                    $"the wire has {Convert.ToHexStringLower(icv)}{esnText}");
            }
        }

        if (sa.Encryption is { Kind: CryptoAlgorithmKind.Cipher, IvLength: > 0 } cipherAlgorithm)
        {
            using ICipherTransform cipher = Bc.CreateCipher(cipherAlgorithm, sa.EncryptionKey);
            if (data.Length % cipher.BlockSize != 0)
            {
                Problem(dataOffset, "ESP-02", $"{at}: ciphertext of {data.Length} bytes at 0x{dataOffset:x4} is not a multiple of the {cipher.BlockSize}-byte {cipherAlgorithm.Name} block");
                return false;
            }

            // Decrypted even after an ICV failure, so the diff can show which plaintext bytes are wrong.
            cipher.Decrypt(iv, data);
        }

        return true;
    }

    // ------------------------------------------------------------------ AH (RFC 4302)

    private void OpenAh(int pos, int end, int ipStart, PacketRegion ipHeader, int depth)
    {
        Attempted.Add(pos);
        if (end - pos < AhFixedLength)
        {
            Problem(pos, "AH-02", $"AH at 0x{pos:x4} needs {AhFixedLength} bytes, the datagram has {end - pos} left");
            return;
        }

        int ahLength = (Opened[pos + AhPayloadLength] + 2) * 4;
        uint spi = BinaryPrimitives.ReadUInt32BigEndian(Opened.AsSpan(pos + AhSpi));
        Region(pos, AhFixedLength, "AH header", "AH-02");
        SaSpec? sa = _sas.FirstOrDefault(s => s.Protocol == IpsecProtocol.Ah && s.Spi == spi);
        if (sa is null)
        {
            Problem(pos, "AH-02", $"AH SPI 0x{spi:x8} at 0x{pos:x4} is not the SPI of any AH SA given ({SpiList(IpsecProtocol.Ah)})");
            Unopened.Add((pos, end));
            return;
        }

        string at = $"AH SPI 0x{spi:x8} at 0x{pos:x4}";
        if (sa.Integrity is not { } integrityAlgorithm)
        {
            Problem(pos, "AH-01", $"{at}: the AH SA has no integrity algorithm");
            return;
        }

        int ivLength = integrityAlgorithm.IvLength, icvLength = sa.IcvLength;
        if (pos + ahLength > end || AhFixedLength + ivLength + icvLength > ahLength)
        {
            Problem(pos, "AH-02", $"{at}: Payload Length {Opened[pos + AhPayloadLength]} gives {ahLength} AH bytes; the SA needs {AhFixedLength} + IV {ivLength} + ICV {icvLength}, the datagram has {end - pos} left");
            return;
        }

        Found.Add(new FoundHeader(IpsecProtocol.Ah, pos, sa));
        int ivOffset = pos + AhFixedLength, icvOffset = ivOffset + ivLength;
        Region(ipStart, end - ipStart, "AH-protected datagram", "AH-02");
        Region(ivOffset, ivLength, "AH IV", "AH-02");
        Region(icvOffset, icvLength, "AH ICV", "AH-01");
        Region(icvOffset + icvLength, ahLength - AhFixedLength - ivLength - icvLength, "AH ICV padding", "AH-02");

        // RFC 4302 §3.3.3.1: the ICV covers the datagram from the IP header in front of the AH to its end, mutable
        // fields zeroed and the ICV zeroed (only the ICV bytes, as Linux ah4/ah6 do; the padding is hashed as sent),
        // the IV of AES-GMAC in place (RFC 4543 §3.5), then SN_high with ESN (RFC 4302 §2.5.1).
        byte[] input = Opened.AsSpan(ipStart, end - ipStart).ToArray();
        input.AsSpan(icvOffset - ipStart, icvLength).Clear();
        string? normalise = AhIcvInput.Normalise(input, pos - ipStart);
        string icvRequirement = sa.Esn ? "ESN-01" : "AH-01";
        if (normalise is not null)
        {
            Problem(pos, "AH-02", $"{at}: the datagram cannot be normalised for the ICV: {normalise}");
        }
        else
        {
            uint high = _options.SequenceHigh?.Invoke(sa) ?? sa.SequenceNumberHigh;
            try
            {
                using IIntegrityTransform mac = Bc.CreateIntegrity(integrityAlgorithm, sa.IntegrityKey);
                mac.Start(ivLength > 0 ? Opened.AsSpan(ivOffset, ivLength) : []);
                mac.Append(input);
                mac.Append(EsnBytes(sa, high));
                byte[] expected = new byte[mac.IcvLength];
                mac.Finish(expected);
                ReadOnlySpan<byte> actual = Opened.AsSpan(icvOffset, icvLength);
                if (expected.Length != icvLength || !actual.SequenceEqual(expected))
                {
                    Problem(pos, icvRequirement, $"{at}: {integrityAlgorithm.Name} ICV does not verify: BouncyCastle computes {Convert.ToHexStringLower(expected)} " +
                        $"over the datagram with the mutable fields zeroed, the wire has {Convert.ToHexStringLower(actual)}{(sa.Esn ? $", ESN high 0x{high:x8}" : "")}");
                }
            }
            catch (ArgumentException e)
            {
                Problem(pos, icvRequirement, $"{at}: BouncyCastle cannot use the SA ({sa}): {e.Message}");
            }
        }

        Opened.AsSpan(icvOffset, icvLength).Clear();

        // AH protects; it hides nothing: walk on behind it (ESP of an AH+ESP bundle, the inner packet of AH tunnel mode).
        OpenNext(Opened[pos + AhNextHeader], pos + ahLength, end, ipStart, ipHeader, depth, null);
    }

    private static byte[] EsnBytes(SaSpec sa, uint high)
    {
        if (!sa.Esn)
        {
            return [];
        }

        byte[] bytes = new byte[SnHighLength];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, high);
        return bytes;
    }

    /// <summary>ESP or AH, as the RFCs write them.</summary>
    public static string Name(IpsecProtocol protocol) => protocol == IpsecProtocol.Ah ? "AH" : "ESP";

    private string SpiList(IpsecProtocol protocol)
    {
        string[] spis = [.. _sas.Where(s => s.Protocol == protocol).Select(s => $"0x{s.Spi:x8}")];
        return spis.Length == 0 ? $"no {Name(protocol)} SA" : string.Join(", ", spis);
    }
}
