using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Crypto.CryptoTestCases;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>
/// HMAC known answers truncated to the IPsec ICV (leftmost 12/12/16 bytes), transcribed from
/// wire-formats §6.1: RFC 2202 (HMAC-MD5, HMAC-SHA1), RFC 4231 and RFC 4868 (HMAC-SHA-256); plus
/// ESP packets whose ICV covers discontiguous pieces (§6.4 DPDK, §6.6 Scapy ESN).
/// </summary>
public sealed class HmacKnownAnswerTests
{
    public sealed record HmacVector(string Id, CryptoAlgorithm Algorithm, byte[] Key, byte[] Data, string Icv);

    private static readonly byte[] Rfc2202Case4Key = Enumerable.Range(1, 25).Select(i => (byte)i).ToArray();
    private const string LargeKeyData = "Test Using Larger Than Block-Size Key - Hash Key First";
    private const string LargeKeyLargeData = "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
    private const string Rfc4231Tc7Data =
        "This is a test using a larger than block-size key and a larger than block-size data. " +
        "The key needs to be hashed before being used by the HMAC algorithm.";

    public static IEnumerable<HmacVector> Vectors { get; } =
    [
        // RFC 2202 §2 (HMAC-MD5), first 12 bytes.
        new("rfc2202-md5-1", CryptoAlgorithm.HmacMd5, Repeat(0x0b, 16), Ascii("Hi There"), "9294727a3638bb1c13f48ef8"),
        new("rfc2202-md5-2", CryptoAlgorithm.HmacMd5, Ascii("Jefe"), Ascii("what do ya want for nothing?"), "750c783e6ab0b503eaa86e31"),
        new("rfc2202-md5-3", CryptoAlgorithm.HmacMd5, Repeat(0xaa, 16), Repeat(0xdd, 50), "56be34521d144c88dbb8c733"),
        new("rfc2202-md5-4", CryptoAlgorithm.HmacMd5, Rfc2202Case4Key, Repeat(0xcd, 50), "697eaf0aca3a3aea3a751647"),
        new("rfc2202-md5-5", CryptoAlgorithm.HmacMd5, Repeat(0x0c, 16), Ascii("Test With Truncation"), "56461ef2342edc00f9bab995"),
        new("rfc2202-md5-6", CryptoAlgorithm.HmacMd5, Repeat(0xaa, 80), Ascii(LargeKeyData), "6b1ab7fe4bd7bf8f0b62e6ce"),
        new("rfc2202-md5-7", CryptoAlgorithm.HmacMd5, Repeat(0xaa, 80), Ascii(LargeKeyLargeData), "6f630fad67cda0ee1fb1f562"),
        // RFC 2202 §3 (HMAC-SHA1), first 12 bytes.
        new("rfc2202-sha1-1", CryptoAlgorithm.HmacSha1, Repeat(0x0b, 20), Ascii("Hi There"), "b617318655057264e28bc0b6"),
        new("rfc2202-sha1-2", CryptoAlgorithm.HmacSha1, Ascii("Jefe"), Ascii("what do ya want for nothing?"), "effcdf6ae5eb2fa2d27416d5"),
        new("rfc2202-sha1-3", CryptoAlgorithm.HmacSha1, Repeat(0xaa, 20), Repeat(0xdd, 50), "125d7342b9ac11cd91a39af4"),
        new("rfc2202-sha1-4", CryptoAlgorithm.HmacSha1, Rfc2202Case4Key, Repeat(0xcd, 50), "4c9007f4026250c6bc8414f9"),
        new("rfc2202-sha1-5", CryptoAlgorithm.HmacSha1, Repeat(0x0c, 20), Ascii("Test With Truncation"), "4c1a03424b55e07fe7f27be1"),
        new("rfc2202-sha1-6", CryptoAlgorithm.HmacSha1, Repeat(0xaa, 80), Ascii(LargeKeyData), "aa4ae5e15272d00e95705637"),
        new("rfc2202-sha1-7", CryptoAlgorithm.HmacSha1, Repeat(0xaa, 80), Ascii(LargeKeyLargeData), "e8e99d0f45237d786d6bbaa7"),
        // RFC 4231 §4 (HMAC-SHA-256), first 16 bytes.
        new("rfc4231-tc1", CryptoAlgorithm.HmacSha256, Repeat(0x0b, 20), Ascii("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b"),
        new("rfc4231-tc2", CryptoAlgorithm.HmacSha256, Ascii("Jefe"), Ascii("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c7"),
        new("rfc4231-tc3", CryptoAlgorithm.HmacSha256, Repeat(0xaa, 20), Repeat(0xdd, 50), "773ea91e36800e46854db8ebd09181a7"),
        new("rfc4231-tc4", CryptoAlgorithm.HmacSha256, Rfc2202Case4Key, Repeat(0xcd, 50), "82558a389a443c0ea4cc819899f2083a"),
        new("rfc4231-tc5", CryptoAlgorithm.HmacSha256, Repeat(0x0c, 20), Ascii("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"),
        new("rfc4231-tc6", CryptoAlgorithm.HmacSha256, Repeat(0xaa, 131), Ascii(LargeKeyData), "60e431591ee0b67f0d8a26aacbf5b77f"),
        new("rfc4231-tc7", CryptoAlgorithm.HmacSha256, Repeat(0xaa, 131), Ascii(Rfc4231Tc7Data), "9b09ffa71b942fcb27635fbcd5b0e944"),
        // RFC 4868 §2.7.2.1 (IPsec-sized 32-byte keys).
        new("rfc4868-sha256-1", CryptoAlgorithm.HmacSha256, Repeat(0x0b, 32), Ascii("Hi There"), "198a607eb44bfbc69903a0f1cf2bbdc5"),
        new("rfc4868-sha256-2", CryptoAlgorithm.HmacSha256, Ascii("JefeJefeJefeJefeJefeJefeJefeJefe"), Ascii("what do ya want for nothing?"), "167f928588c5cc2eef8e3093caa0e87c"),
    ];

    private static IEnumerable<TestCaseData> Cases() => Cross(Vectors, v => v.Id);

    [TestCaseSource(nameof(Cases))]
    public void Finish_PublishedVector_GivesLeftmostIcvBytes(ICryptoBackend backend, HmacVector vector)
    {
        using IIntegrityTransform mac = backend.CreateIntegrity(vector.Algorithm, vector.Key);
        mac.Append(vector.Data);
        var icv = new byte[mac.IcvLength];
        mac.Finish(icv);
        HexAssert.AreEqual(vector.Icv, icv, $"{vector.Algorithm} ICV of {vector.Id}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Finish_DataSplitIntoPieces_GivesSameIcv(ICryptoBackend backend, HmacVector vector)
    {
        using IIntegrityTransform mac = backend.CreateIntegrity(vector.Algorithm, vector.Key);
        // Three uneven pieces, one empty: the incremental API must not care where the cuts are.
        int cut1 = vector.Data.Length / 3, cut2 = 2 * vector.Data.Length / 3 + 1;
        mac.Append(vector.Data.AsSpan(0, cut1));
        mac.Append([]);
        mac.Append(vector.Data.AsSpan(cut1, cut2 - cut1));
        mac.Append(vector.Data.AsSpan(cut2));
        var icv = new byte[mac.IcvLength];
        mac.Finish(icv);
        HexAssert.AreEqual(vector.Icv, icv, $"{vector.Algorithm} ICV of {vector.Id} fed in pieces");
    }

    [TestCaseSource(nameof(Cases))]
    public void FinishAndVerify_PublishedIcv_TrueAndOneFlippedBit_False(ICryptoBackend backend, HmacVector vector)
    {
        using IIntegrityTransform mac = backend.CreateIntegrity(vector.Algorithm, vector.Key);
        byte[] icv = H(vector.Icv);
        mac.Append(vector.Data);
        bool good = mac.FinishAndVerify(icv);
        icv[^1] ^= 0x01;
        mac.Append(vector.Data);
        bool flipped = mac.FinishAndVerify(icv);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(good, Is.True, "published ICV verifies");
            Assert.That(flipped, Is.False, "ICV with its last bit flipped is rejected");
        }
    }

    // Scapy ESN vector (wire-formats §6.6, secdev/scapy test/scapy/layers/ipsec.uts, PR #3908):
    // AES-128-CBC + HMAC-SHA-256-128, SPI 0xcf54ccdf, SN-low 1, ESN high 0x44. Layout: outer IPv4 [0,20)
    // | SPI ‖ SN [20,28) | IV [28,44) | ciphertext [44,92) | ICV [92,108).
    private const string ScapyEsnPacket =
        "4500006c000100004032745a0101010102020202cf54ccdf0000000111223344" +
        "112233441122334411223344f5bda519c9ae64f283f0fc18a8d253eca8b34c21" +
        "20c8958a97ec9d8e67756da2523fce9b5541c57fddf090afc2bfd97e87032039" +
        "53f853eb61482e4c1384d4c8";

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void Finish_EspWithEsn_SnHighAppendedAfterCiphertext_MatchesScapyVector(ICryptoBackend backend)
    {
        byte[] packet = H(ScapyEsnPacket);
        using IIntegrityTransform mac = backend.CreateIntegrity(
            CryptoAlgorithm.HmacSha256, H("6f79bf94da7dde3c86009934d9258f1b3fc2f5382aca9c9cb8e216eed235f34c"));
        mac.Start([]);
        mac.Append(packet.AsSpan(20, 8));   // SPI ‖ SN-low
        mac.Append(packet.AsSpan(28, 16));  // IV
        mac.Append(packet.AsSpan(44, 48));  // ciphertext
        mac.Append(H("00000044"));          // SN-high, never transmitted (RFC 4303 §2.2.1)
        var icv = new byte[16];
        mac.Finish(icv);
        HexAssert.AreEqual(packet.AsSpan(92, 16), icv, "HMAC-SHA-256-128 ICV with ESN");
    }

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void Finish_EspWithEsn_WithoutSnHigh_DoesNotMatchScapyVector(ICryptoBackend backend)
    {
        byte[] packet = H(ScapyEsnPacket);
        using IIntegrityTransform mac = backend.CreateIntegrity(
            CryptoAlgorithm.HmacSha256, H("6f79bf94da7dde3c86009934d9258f1b3fc2f5382aca9c9cb8e216eed235f34c"));
        mac.Append(packet.AsSpan(20, 72));
        Assert.That(mac.FinishAndVerify(packet.AsSpan(92, 16)), Is.False, "the ICV covers SN-high, so omitting it must fail");
    }

    public sealed record DpdkIcvVector(string Id, string AuthKey, string Packet);

    // DPDK app/test/test_cryptodev_security_ipsec_test_vectors.h (wire-formats §6.4): tunnel ESP with
    // HMAC-SHA-256-128; ICV over SPI ‖ SN ‖ IV ‖ ciphertext = [20, 92), ICV at [92, 108).
    public static IEnumerable<DpdkIcvVector> DpdkVectors { get; } =
    [
        new("dpdk-pkt_3des_cbc_hmac_sha256", "de34560000007800001000000000000210304000010203040a0b0c0d05060708",
            "4500006c000100004032f70bc0a80102c0a80101000000340000000134126745" +
            "ffff0000452a7de8968b6e9f8ea887f61241616e42aed4712a7dde4624a7c8d1" +
            "8a785fb8b143ec3b959c547b0c4780fbff18548716228806cffdf60102589434" +
            "c9bceab8c975f6c48b46693c"),
        new("dpdk-pkt_des_cbc_hmac_sha256", "de34560000007800001000000000000210304000010203040a0b0c0d05060708",
            "4500006c000100004032f70bc0a80102c0a801010000003a0000000134126745" +
            "ffff0000dd13103ce4b9ce12734c970028f7a45e0217e1c6092090e3b69c256d" +
            "62066090917694d85756cbdd62999998d03a997164cb790c89a2f6121f09f836" +
            "8f5e31930aa048ee6121b53d"),
    ];

    private static IEnumerable<TestCaseData> DpdkCases() => Cross(DpdkVectors, v => v.Id);

    [TestCaseSource(nameof(DpdkCases))]
    public void Finish_EspHeaderIvAndCiphertextAsSeparatePieces_MatchesDpdkIcv(ICryptoBackend backend, DpdkIcvVector vector)
    {
        byte[] packet = H(vector.Packet);
        using IIntegrityTransform mac = backend.CreateIntegrity(CryptoAlgorithm.HmacSha256, H(vector.AuthKey));
        mac.Append(packet.AsSpan(20, 8));
        mac.Append(packet.AsSpan(28, 8));
        mac.Append(packet.AsSpan(36, 56));
        var icv = new byte[16];
        mac.Finish(icv);
        HexAssert.AreEqual(packet.AsSpan(92, 16), icv, $"ICV of {vector.Id}");
    }
}
