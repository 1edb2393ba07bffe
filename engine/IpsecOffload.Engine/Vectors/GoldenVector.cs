namespace IpsecOffload.Engine.Vectors;

/// <summary>Kinds of golden vector (vectors-schema.md).</summary>
public enum VectorKind
{
    /// <summary>One plaintext packet, one outbound SA, one expected wire packet (the default).</summary>
    Transform,
    /// <summary>One large TCP packet segmented under LSO, with every segment expected.</summary>
    Lso,
    /// <summary>NDIS-level behaviour (OID sequences, handles, bad input); fields defined beside the vectors.</summary>
    Scenario,
}

/// <summary>
/// One golden vector as the file states it (format 1, <c>../shared/design/vectors-schema.md</c>).
/// Hex fields are decoded; names and meanings are the schema's. Nothing here is computed: a vector is
/// reviewed data with its provenance in <see cref="Source"/>.
/// </summary>
public sealed record GoldenVector
{
    /// <summary>Unique, stable, file-name friendly id.</summary>
    public required string Id { get; init; }

    /// <summary>Provenance: an RFC section, an independent implementation and version, or <c>reviewed:…</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The file the vector came from (for messages).</summary>
    public string? File { get; init; }

    /// <summary>Transform (default), LSO or scenario.</summary>
    public VectorKind Kind { get; init; } = VectorKind.Transform;

    /// <summary>ESP or AH.</summary>
    public VectorProtocol Proto { get; init; }

    /// <summary>Transport or tunnel.</summary>
    public VectorMode Mode { get; init; }

    /// <summary>32-bit SPI.</summary>
    public uint Spi { get; init; }

    /// <summary>Low 32 bits of this packet's sequence number, as on the wire.</summary>
    public uint Seq { get; init; }

    /// <summary>Extended sequence numbers on.</summary>
    public bool Esn { get; init; }

    /// <summary>High 32 bits of the sequence number (0 unless <see cref="Esn"/>).</summary>
    public uint SeqHigh { get; init; }

    /// <summary>The 64-bit sequence number (<see cref="SeqHigh"/> ‖ <see cref="Seq"/>).</summary>
    public ulong Sequence64 => ((ulong)SeqHigh << 32) | Seq;

    /// <summary>The encryption object: algorithm name, key (without salt), salt.</summary>
    public required VectorEncryption Encryption { get; init; }

    /// <summary>The integrity object, or null for AEAD.</summary>
    public VectorIntegrity? Integrity { get; init; }

    /// <summary>ICV bytes on the wire.</summary>
    public int IcvLength { get; init; }

    /// <summary>The IV the transport placed in the packet (empty for AH and ESP-NULL).</summary>
    public byte[] Iv { get; init; } = [];

    /// <summary>Tunnel endpoints (tunnel mode only).</summary>
    public VectorTunnel? Tunnel { get; init; }

    /// <summary>UDP encapsulation ports (RFC 3948), or null.</summary>
    public VectorUdpEncap? UdpEncap { get; init; }

    /// <summary>The IP packet before IPsec (for LSO: the large TCP packet).</summary>
    public required byte[] PlainPacket { get; init; }

    /// <summary>The IP packet exactly as it must leave the NIC (transform vectors).</summary>
    public byte[]? WirePacket { get; init; }

    /// <summary>Every segment in transmit order (LSO vectors).</summary>
    public IReadOnlyList<byte[]>? WirePackets { get; init; }

    /// <summary>Optional exact pad bytes when not the RFC 4303 default.</summary>
    public byte[]? Padding { get; init; }

    /// <summary>Optional: the packet as the transport hands it to the NIC.</summary>
    public byte[]? FramedPacket { get; init; }

    /// <summary>LSO parameters (LSO vectors).</summary>
    public VectorLso? Lso { get; init; }

    /// <summary>What the LSO completion must report (LSO vectors).</summary>
    public long? TcpPayload { get; init; }

    /// <summary>Plaintext IP packet of every segment (LSO vectors judged semantically).</summary>
    public IReadOnlyList<byte[]>? ExpectSegments { get; init; }

    /// <summary>
    /// The AH SA of an AH+ESP bundle (SEND-11): applied in transport mode over the result of this
    /// vector's ESP SA. A project extension of format 1 (optional field).
    /// </summary>
    public VectorAhSa? AhSa { get; init; }

    /// <summary>Requirement ids a scenario vector serves.</summary>
    public IReadOnlyList<string> Requirements { get; init; } = [];

    /// <summary>Free-form notes.</summary>
    public string? Notes { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Id;
}

/// <summary><c>proto</c>.</summary>
public enum VectorProtocol
{
    /// <summary><c>"esp"</c>.</summary>
    Esp,
    /// <summary><c>"ah"</c>.</summary>
    Ah,
}

/// <summary><c>mode</c>.</summary>
public enum VectorMode
{
    /// <summary><c>"transport"</c>.</summary>
    Transport,
    /// <summary><c>"tunnel"</c>.</summary>
    Tunnel,
}

/// <summary><c>encryption</c>: <c>{"alg", "key", "salt"}</c>; the key length selects AES-128/192/256.</summary>
/// <param name="Alg">One of <c>null</c>, <c>des-cbc</c>, <c>3des-cbc</c>, <c>aes-cbc</c>, <c>aes-gcm</c>, <c>aes-gmac</c>.</param>
/// <param name="Key">Key bytes without the salt.</param>
/// <param name="Salt">The 4-byte RFC 4106/4543 salt, or null.</param>
public sealed record VectorEncryption(string Alg, byte[] Key, byte[]? Salt)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Alg} (key {Key.Length} bytes, not shown)";
}

/// <summary><c>integrity</c>: <c>{"alg", "key"}</c>, plus <c>salt</c> for AH's AES-GMAC.</summary>
/// <param name="Alg">One of <c>hmac-md5-96</c>, <c>hmac-sha1-96</c>, <c>hmac-sha256-128</c>, <c>aes-gmac</c>.</param>
/// <param name="Key">Key bytes (without the salt).</param>
/// <param name="Salt">The 4-byte RFC 4543 salt for <c>aes-gmac</c>, else null.</param>
public sealed record VectorIntegrity(string Alg, byte[] Key, byte[]? Salt = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Alg} (key {Key.Length} bytes, not shown)";
}

/// <summary><c>ahSa</c>: the AH half of an AH+ESP bundle.</summary>
/// <param name="Spi">AH SPI.</param>
/// <param name="Seq">AH sequence number (low half).</param>
/// <param name="Esn">Extended sequence numbers on.</param>
/// <param name="SeqHigh">High half of the AH sequence number.</param>
/// <param name="Integrity">The AH integrity algorithm and key.</param>
/// <param name="IcvLength">AH ICV bytes.</param>
/// <param name="Iv">AH IV (AES-GMAC only), else empty.</param>
public sealed record VectorAhSa(uint Spi, uint Seq, bool Esn, uint SeqHigh, VectorIntegrity Integrity, int IcvLength, byte[] Iv);

/// <summary><c>tunnel</c>: outer addresses and an optional outer header.</summary>
/// <param name="Src">Outer source address (text form).</param>
/// <param name="Dst">Outer destination address (text form).</param>
/// <param name="OuterHeader">The outer IP header the transport chose, or null (then take it from the wire packet).</param>
public sealed record VectorTunnel(string Src, string Dst, byte[]? OuterHeader);

/// <summary><c>udpEncap</c>: RFC 3948 ports.</summary>
/// <param name="Sport">UDP source port.</param>
/// <param name="Dport">UDP destination port.</param>
public sealed record VectorUdpEncap(ushort Sport, ushort Dport);

/// <summary><c>lso</c>: MSS and LSO version.</summary>
/// <param name="Mss">Maximum segment size.</param>
/// <param name="Version">1 or 2.</param>
public sealed record VectorLso(int Mss, int Version);
