using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Crypto.CryptoTestCases;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>
/// CBC known answers: RFC 3602 §4 AES-CBC cases 1–8 (cases 5–8 as ESP packets, wire-formats §6.2),
/// FIPS 81 Appendix B DES-CBC, the DES-EDE3-CBC self-test vector shared by Crypto++ (fipstest.cpp),
/// Botan and wolfSSL (fips_test.c), and the DPDK DES/3DES ESP packets of wire-formats §6.4.
/// </summary>
public sealed class CipherKnownAnswerTests
{
    public sealed record CbcVector(string Id, CryptoAlgorithm Algorithm, string Key, string Iv, byte[] Plaintext, string Ciphertext);

    public static IEnumerable<CbcVector> Vectors { get; } =
    [
        // RFC 3602 §4 cases 1–4 (raw AES-128-CBC; as transcribed in libreswan ike_alg_aes.c).
        new("rfc3602-case1", CryptoAlgorithm.AesCbc128, "06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
            Ascii("Single block msg"), "e353779c1079aeb82708942dbe77181a"),
        new("rfc3602-case2", CryptoAlgorithm.AesCbc128, "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
            H("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
            "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"),
        new("rfc3602-case3", CryptoAlgorithm.AesCbc128, "6c3ea0477630ce21a2ce334aa746c2cd", "c782dc4c098c66cbd9cd27d825682c81",
            Ascii("This is a 48-byte message (exactly 3 AES blocks)"),
            "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5021c19216bad525c8579695d83ba2684"),
        new("rfc3602-case4", CryptoAlgorithm.AesCbc128, "56e47a38c5598974bc46903dba290349", "8ce82eefbea0da3c44699ed7db51b7d9",
            H("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +
              "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"),
            "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e" +
            "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55"),
        // FIPS 81 Appendix B, Table B1 (CBC): "Now is the time for all ".
        new("fips81-des-cbc", CryptoAlgorithm.DesCbc, "0123456789abcdef", "1234567890abcdef",
            Ascii("Now is the time for all "), "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6"),
        // DES-EDE3-CBC power-up self-test vector (Crypto++ fipstest.cpp; also Botan and wolfSSL fips_test.c).
        new("cryptopp-fips-des-ede3-cbc", CryptoAlgorithm.TripleDesCbc, "385d7189a5c3d485e1370aa5d408082b5ccccb5e19f2d90e",
            "c141b5fccd28dc8a", H("6e1bd7c6120947a464a6aab293a0f89a563d8d40d3461b68"),
            "6235a461afd312973e3b4f7aa7d23e34e03371f8e8c376c9"),
    ];

    private static IEnumerable<TestCaseData> Cases() => Cross(Vectors, v => v.Id);

    [TestCaseSource(nameof(Cases))]
    public void Encrypt_PublishedVector_GivesPublishedCiphertext(ICryptoBackend backend, CbcVector vector)
    {
        using ICipherTransform cipher = backend.CreateCipher(vector.Algorithm, H(vector.Key));
        byte[] data = vector.Plaintext.ToArray();
        cipher.Encrypt(H(vector.Iv), data);
        HexAssert.AreEqual(vector.Ciphertext, data, $"{vector.Algorithm} ciphertext of {vector.Id}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Decrypt_PublishedCiphertext_GivesPlaintext(ICryptoBackend backend, CbcVector vector)
    {
        using ICipherTransform cipher = backend.CreateCipher(vector.Algorithm, H(vector.Key));
        byte[] data = H(vector.Ciphertext);
        cipher.Decrypt(H(vector.Iv), data);
        HexAssert.AreEqual(vector.Plaintext, data, $"{vector.Algorithm} plaintext of {vector.Id}");
    }

    /// <summary>
    /// An ESP packet whose encrypted part is Payload ‖ 1,2,3… padding ‖ PadLen ‖ NextHeader.
    /// <paramref name="PayloadOffset"/> is where the payload starts in <paramref name="Inner"/> (20 for
    /// transport mode: the inner IPv4 header stays outside ESP; 0 for tunnel mode).
    /// </summary>
    public sealed record EspCbcVector(
        string Id, CryptoAlgorithm Algorithm, string Key, string Inner, int PayloadOffset, int PadLength, byte NextHeader,
        string Protected, int IvOffset);

    public static IEnumerable<EspCbcVector> EspVectors { get; } =
    [
        // RFC 3602 §4 cases 5–8, packets as in wire-formats §6.2 (OpenDataPlane test_vectors.h).
        new("rfc3602-case5", CryptoAlgorithm.AesCbc128, "90d382b410eeba7ad938c46cec1a82bf",
            "4500005408f200004001f9fec0a87b03c0a87b6408000ebda70a00008e9c083d" +
            "b95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223" +
            "2425262728292a2b2c2d2e2f3031323334353637", 20, 14, 1,
            "4500007c08f200004032f9a5c0a87b03c0a87b640000432100000001e96e8c08" +
            "ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66" +
            "cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1" +
            "db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6", 28),
        new("rfc3602-case6", CryptoAlgorithm.AesCbc128, "90d382b410eeba7ad938c46cec1a82bf",
            "4500003008fe00004001fa16c0a87b03c0a87b640800b5e8a80a0500a69c083d" +
            "0b660e00777777777777777777777777", 20, 2, 1,
            "4500004c08fe00004032f9c9c0a87b03c0a87b64000043210000000869d08df7" +
            "d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379" +
            "d2d750c0d915dca346a89f75", 28),
        new("rfc3602-case7", CryptoAlgorithm.AesCbc128, "0123456789abcdef0123456789abcdef",
            "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d" +
            "02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223" +
            "2425262728292a2b2c2d2e2f3031323334353637", 0, 10, 4,
            "4500008c090500004032f91ec0a87b03c0a87bc80000876500000002f4e76524" +
            "4f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96c" +
            "f74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94" +
            "a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1" +
            "e4dfe9d5a100b842f1c22f0d", 28),
        new("rfc3602-case8", CryptoAlgorithm.AesCbc128, "0123456789abcdef0123456789abcdef",
            "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083d" +
            "a3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffff" +
            "ffffffff", 0, 10, 4,
            "4500007c090d00004032f926c0a87b03c0a87bc8000087650000000585d47224" +
            "b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e1" +
            "1f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb" +
            "3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892", 28),
        // DPDK pkt_3des_cbc_hmac_sha256 / pkt_des_cbc_hmac_sha256 (wire-formats §6.4): tunnel mode, inner
        // IPv4 (next header 4), 50-byte packet + 4 padding bytes; IV at 28, ciphertext [36, 92), ICV after.
        new("dpdk-pkt_3des_cbc_hmac_sha256", CryptoAlgorithm.TripleDesCbc, "e423338a356461e24903ddc6b8ca557a0004050123000000",
            "45000032000100001f11178bc0a8016fc0a8017000090009001e0000be9be955000000210000000000000000000000000000",
            0, 4, 4,
            "4500006c000100004032f70bc0a80102c0a80101000000340000000134126745" +
            "ffff0000452a7de8968b6e9f8ea887f61241616e42aed4712a7dde4624a7c8d1" +
            "8a785fb8b143ec3b959c547b0c4780fbff18548716228806cffdf60102589434" +
            "c9bceab8c975f6c48b46693c", 28),
        new("dpdk-pkt_des_cbc_hmac_sha256", CryptoAlgorithm.DesCbc, "4903ddc6b8ca557a",
            "45000032000100001f11178bc0a8016fc0a8017000090009001e0000be9be955000000210000000000000000000000000000",
            0, 4, 4,
            "4500006c000100004032f70bc0a80102c0a801010000003a0000000134126745" +
            "ffff0000dd13103ce4b9ce12734c970028f7a45e0217e1c6092090e3b69c256d" +
            "62066090917694d85756cbdd62999998d03a997164cb790c89a2f6121f09f836" +
            "8f5e31930aa048ee6121b53d", 28),
    ];

    private static IEnumerable<TestCaseData> EspCases() => Cross(EspVectors, v => v.Id);

    private static (byte[] Plaintext, byte[] Iv, byte[] Ciphertext) Split(EspCbcVector vector)
    {
        byte[] inner = H(vector.Inner);
        byte[] plaintext = [.. inner.AsSpan(vector.PayloadOffset), .. EspTrailer(vector.PadLength, vector.NextHeader)];
        byte[] packet = H(vector.Protected);
        int ivLength = vector.Algorithm.IvLength;
        byte[] iv = packet.AsSpan(vector.IvOffset, ivLength).ToArray();
        byte[] ciphertext = packet.AsSpan(vector.IvOffset + ivLength, plaintext.Length).ToArray();
        return (plaintext, iv, ciphertext);
    }

    [TestCaseSource(nameof(EspCases))]
    public void Encrypt_EspPayloadAndTrailer_GivesPublishedPacketCiphertext(ICryptoBackend backend, EspCbcVector vector)
    {
        (byte[] plaintext, byte[] iv, byte[] ciphertext) = Split(vector);
        using ICipherTransform cipher = backend.CreateCipher(vector.Algorithm, H(vector.Key));
        cipher.Encrypt(iv, plaintext);
        HexAssert.AreEqual(ciphertext, plaintext, $"{vector.Algorithm} ESP ciphertext of {vector.Id}");
    }

    [TestCaseSource(nameof(EspCases))]
    public void Decrypt_PublishedPacketCiphertext_GivesPayloadAndTrailer(ICryptoBackend backend, EspCbcVector vector)
    {
        (byte[] plaintext, byte[] iv, byte[] ciphertext) = Split(vector);
        using ICipherTransform cipher = backend.CreateCipher(vector.Algorithm, H(vector.Key));
        cipher.Decrypt(iv, ciphertext);
        HexAssert.AreEqual(plaintext, ciphertext, $"{vector.Algorithm} ESP plaintext of {vector.Id}");
    }
}
