using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Crypto.CryptoTestCases;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>
/// AES-GMAC (RFC 4543, ENCR_NULL_AUTH_AES_GMAC) known answers: draft-mcgrew-gcm-test-01 case 15 as
/// carried by OpenDataPlane (wire-formats §6.3) and the Linux rfc4543 packets, with and without ESN
/// (§6.6). The ICV covers SPI ‖ [SN_high ‖] SN_low ‖ IV ‖ payload ‖ trailer, fed here as separate pieces.
/// </summary>
public sealed class GmacKnownAnswerTests
{
    /// <param name="Id">Vector name.</param>
    /// <param name="KeyMaterial">AES key ‖ 4-byte salt.</param>
    /// <param name="Spi">SPI, 4 bytes.</param>
    /// <param name="SnHigh">ESN high word, 4 bytes, or empty without ESN.</param>
    /// <param name="SnLow">Sequence number on the wire, 4 bytes.</param>
    /// <param name="EspData">IV (8) ‖ payload ‖ trailer ‖ ICV (16), as in the packet.</param>
    public sealed record GmacVector(string Id, string KeyMaterial, string Spi, string SnHigh, string SnLow, string EspData);

    public static IEnumerable<GmacVector> Vectors { get; } =
    [
        // ODP pkt_mcgrew_gcm_test_15_esp: SPI 0x4321, SN 7, IV 0; packet bytes [28, 104).
        new("draft-mcgrew-case15", "4c80cdefbb5d10da906ac73c3613a634" + "22433c64", "00004321", "", "00000007",
            "0000000000000000" +
            "45000030da3a00008001df3bc0a80005c0a800010800c6cd02000700" +
            "6162636465666768696a6b6c6d6e6f707172737401020204" +
            "594f4055428d399a9d66c15e77023a98"),
        new("linux-rfc4543-sn22", "3136627974656b65792b34627974656e6f6e6365", "00000222", "", "00000016",
            "54706c6a9fbaa61845000054bc5300004001a9590a7d00010a7d00020000ad53" +
            "a883000102e6096400000000d90a060000000000101112131415161718191a1b" +
            "1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363701020204" +
            "9b763230f64992a88f6a20872c740c18"),
        new("linux-rfc4543-sn5-esn-high1", "3136627974656b65792b34627974656e6f6e6365", "00000222", "00000001", "00000005",
            "43e6a1ce709d67f4450000542e4a40004001f7620a7d00020a7d00010800d332" +
            "8f4c00028dec0964000000003c5b030000000000101112131415161718191a1b" +
            "1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363701020204" +
            "76d4939075ee3fa3f3cfcc27f55b12b6"),
    ];

    private static IEnumerable<TestCaseData> Cases() => Cross(Vectors, v => v.Id);

    private static IIntegrityTransform StartAndFeed(ICryptoBackend backend, GmacVector vector, out byte[] publishedIcv)
    {
        byte[] esp = H(vector.EspData);
        byte[] keyMaterial = H(vector.KeyMaterial);
        CryptoAlgorithm algorithm = CryptoAlgorithm.AesGmac128;
        IIntegrityTransform gmac = backend.CreateIntegrity(algorithm, keyMaterial);
        gmac.Start(esp.AsSpan(0, 8));
        gmac.Append(H(vector.Spi));
        gmac.Append(H(vector.SnHigh));
        gmac.Append(H(vector.SnLow));
        gmac.Append(esp.AsSpan(0, esp.Length - 16)); // IV ‖ payload ‖ trailer
        publishedIcv = esp[^16..];
        return gmac;
    }

    [TestCaseSource(nameof(Cases))]
    public void Finish_PublishedGmacPacket_GivesPublishedIcv(ICryptoBackend backend, GmacVector vector)
    {
        using IIntegrityTransform gmac = StartAndFeed(backend, vector, out byte[] published);
        var icv = new byte[16];
        gmac.Finish(icv);
        HexAssert.AreEqual(published, icv, $"GMAC ICV of {vector.Id}");
    }

    [TestCaseSource(nameof(Cases))]
    public void FinishAndVerify_OneFlippedIcvBit_False(ICryptoBackend backend, GmacVector vector)
    {
        using IIntegrityTransform gmac = StartAndFeed(backend, vector, out byte[] published);
        published[0] ^= 0x01;
        Assert.That(gmac.FinishAndVerify(published), Is.False);
    }

    [TestCaseSource(typeof(CryptoTestCases), nameof(BackendCases))]
    public void Finish_EsnHighAppendedAtEndInsteadOfAfterSpi_DoesNotMatchLinuxVector(ICryptoBackend backend)
    {
        GmacVector vector = Vectors.Single(v => v.Id == "linux-rfc4543-sn5-esn-high1");
        byte[] esp = H(vector.EspData);
        using IIntegrityTransform gmac = backend.CreateIntegrity(CryptoAlgorithm.AesGmac128, H(vector.KeyMaterial));
        gmac.Start(esp.AsSpan(0, 8));
        gmac.Append(H(vector.Spi));
        gmac.Append(H(vector.SnLow));
        gmac.Append(esp.AsSpan(0, esp.Length - 16));
        gmac.Append(H(vector.SnHigh));
        Assert.That(gmac.FinishAndVerify(esp.AsSpan(esp.Length - 16)), Is.False, "RFC 4543 puts SN_high right after the SPI");
    }
}
