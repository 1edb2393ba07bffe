namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// A crypto implementation that creates per-SA transforms. Two exist:
/// <see cref="DotNetCryptoBackend"/> (the engine's fast path) and
/// <see cref="BouncyCastleCryptoBackend"/> (the independent implementation the conformance oracle uses).
/// Backends are stateless and thread-safe; the transforms they return are not thread-safe (one per SA
/// and thread). Every key check happens in the <c>Create*</c> methods, never per packet: a wrong key
/// length, a wrong algorithm kind or an unsupported ICV length throws <see cref="ArgumentException"/>
/// with the numbers in its message. The caller's key buffer is copied and may be cleared afterwards.
/// </summary>
public interface ICryptoBackend
{
    /// <summary>Human-readable name, e.g. <c>.NET System.Security.Cryptography</c>.</summary>
    string Name { get; }

    /// <summary>Creates the cipher of a <see cref="CryptoAlgorithmKind.Cipher"/> algorithm (key: exactly <see cref="CryptoAlgorithm.KeyLength"/> bytes; empty for ESP-NULL).</summary>
    ICipherTransform CreateCipher(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key);

    /// <summary>
    /// Creates the AEAD of a <see cref="CryptoAlgorithmKind.Aead"/> algorithm. <paramref name="keyMaterial"/>
    /// is key ‖ 4-byte salt (RFC 4106 §8.1: 20, 28 or 36 bytes); <paramref name="icvLength"/> is 8, 12 or 16.
    /// </summary>
    IAeadTransform CreateAead(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength);

    /// <summary>
    /// Creates the MAC of a <see cref="CryptoAlgorithmKind.Integrity"/> algorithm. HMAC takes any non-empty
    /// key; AES-GMAC takes key ‖ 4-byte salt (RFC 4543 §3.2: 20, 28 or 36 bytes).
    /// </summary>
    IIntegrityTransform CreateIntegrity(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key);
}

/// <summary>Members every per-SA transform shares.</summary>
public interface IPacketTransform : IDisposable
{
    /// <summary>The algorithm this transform implements.</summary>
    CryptoAlgorithm Algorithm { get; }

    /// <summary>
    /// What actually computes the bytes, for reports: e.g. <c>.NET AesGcm</c>, or
    /// <c>BouncyCastle DesEngine (fallback: .NET refuses weak DES keys)</c>.
    /// </summary>
    string Implementation { get; }
}

/// <summary>
/// A confidentiality transform with an explicit per-packet IV and no padding of its own (ESP pads,
/// wire-formats §1.3). Encrypts and decrypts in place; reusable for any number of packets.
/// Dispose clears the key copies this library owns (see each backend's remarks).
/// </summary>
public interface ICipherTransform : IPacketTransform
{
    /// <summary>IV bytes each call takes: 0 (ESP-NULL), 8 (DES, 3DES) or 16 (AES-CBC).</summary>
    int IvLength { get; }

    /// <summary>The length of <c>data</c> must be a multiple of this: 1, 8 or 16.</summary>
    int BlockSize { get; }

    /// <summary>Encrypts <paramref name="data"/> in place (CBC with <paramref name="iv"/>; identity for ESP-NULL).</summary>
    /// <exception cref="ArgumentException">The IV is not <see cref="IvLength"/> bytes or the data length is not a multiple of <see cref="BlockSize"/>.</exception>
    void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data);

    /// <summary>Decrypts <paramref name="data"/> in place.</summary>
    /// <exception cref="ArgumentException">The IV is not <see cref="IvLength"/> bytes or the data length is not a multiple of <see cref="BlockSize"/>.</exception>
    void Decrypt(ReadOnlySpan<byte> iv, Span<byte> data);
}

/// <summary>
/// AES-GCM for ESP (RFC 4106): nonce = salt ‖ 8-byte IV, the ICV is the leftmost
/// <see cref="IcvLength"/> bytes of the GCM tag, the AAD is given by the caller (SPI ‖ SN, or
/// SPI ‖ SN_high ‖ SN_low with ESN). Encrypts and decrypts in place; reusable per packet. Nonce
/// uniqueness is the caller's duty: the transform does not refuse a repeated IV.
/// </summary>
public interface IAeadTransform : IPacketTransform
{
    /// <summary>Explicit IV bytes per packet (8).</summary>
    int IvLength { get; }

    /// <summary>ICV bytes produced and checked: 8, 12 or 16.</summary>
    int IcvLength { get; }

    /// <summary>Encrypts <paramref name="data"/> in place and writes exactly <see cref="IcvLength"/> bytes to <paramref name="icv"/>.</summary>
    /// <exception cref="ArgumentException">The IV is not 8 bytes or <paramref name="icv"/> is not <see cref="IcvLength"/> bytes.</exception>
    void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> icv);

    /// <summary>
    /// Checks <paramref name="icv"/> and decrypts <paramref name="data"/> in place. Returns false when the
    /// ICV does not verify; <paramref name="data"/> is then all zero (no unauthenticated plaintext escapes).
    /// </summary>
    /// <exception cref="ArgumentException">The IV is not 8 bytes or <paramref name="icv"/> is not <see cref="IcvLength"/> bytes.</exception>
    bool TryDecrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> icv);
}

/// <summary>
/// An integrity transform fed incrementally, so discontiguous pieces can be covered without copying
/// them together (ESP with ESN appends SN_high after the ciphertext; AH feeds several pieces).
/// A computation is: <see cref="Start"/> (required for GMAC, whose nonce is salt ‖ IV; optional for
/// HMAC), any number of <see cref="Append"/>, then <see cref="Finish"/> or <see cref="FinishAndVerify"/>,
/// after which the transform is ready for the next packet. For GMAC the IV is only the nonce: RFC 4543
/// also covers the IV bytes, which the caller appends in their packet position.
/// </summary>
public interface IIntegrityTransform : IPacketTransform
{
    /// <summary>Bytes <see cref="Start"/> takes: 8 for GMAC, 0 for HMAC.</summary>
    int IvLength { get; }

    /// <summary>ICV bytes produced and checked (leftmost bytes of the MAC): 12, 12, 16, or 16 for GMAC.</summary>
    int IcvLength { get; }

    /// <summary>Begins a computation, discarding any partial one.</summary>
    /// <exception cref="ArgumentException">The IV is not <see cref="IvLength"/> bytes.</exception>
    void Start(ReadOnlySpan<byte> iv);

    /// <summary>Feeds the next piece of covered data.</summary>
    /// <exception cref="InvalidOperationException">GMAC without <see cref="Start"/>.</exception>
    void Append(ReadOnlySpan<byte> data);

    /// <summary>Writes the ICV (exactly <see cref="IcvLength"/> bytes) and ends the computation.</summary>
    /// <exception cref="ArgumentException"><paramref name="icv"/> is not <see cref="IcvLength"/> bytes.</exception>
    void Finish(Span<byte> icv);

    /// <summary>Ends the computation and compares its ICV with <paramref name="icv"/> in constant time.</summary>
    /// <exception cref="ArgumentException"><paramref name="icv"/> is not <see cref="IcvLength"/> bytes.</exception>
    bool FinishAndVerify(ReadOnlySpan<byte> icv);
}
