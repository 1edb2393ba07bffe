using IpsecOffload.Engine.Crypto;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>Descriptor facts (wire-formats §1.2, §3.1) and NDIS identifier mappings (ntddndis.h, spec digest §3.2/§4.3).</summary>
public sealed class CryptoAlgorithmTests
{
    [TestCase(CryptoAlgorithmId.EspNull, CryptoAlgorithmKind.Cipher, 0, 0, 0, 1, 4, new int[0])]
    [TestCase(CryptoAlgorithmId.DesCbc, CryptoAlgorithmKind.Cipher, 8, 0, 8, 8, 8, new int[0])]
    [TestCase(CryptoAlgorithmId.TripleDesCbc, CryptoAlgorithmKind.Cipher, 24, 0, 8, 8, 8, new int[0])]
    [TestCase(CryptoAlgorithmId.AesCbc128, CryptoAlgorithmKind.Cipher, 16, 0, 16, 16, 16, new int[0])]
    [TestCase(CryptoAlgorithmId.AesCbc192, CryptoAlgorithmKind.Cipher, 24, 0, 16, 16, 16, new int[0])]
    [TestCase(CryptoAlgorithmId.AesCbc256, CryptoAlgorithmKind.Cipher, 32, 0, 16, 16, 16, new int[0])]
    [TestCase(CryptoAlgorithmId.AesGcm128, CryptoAlgorithmKind.Aead, 16, 4, 8, 1, 4, new[] { 8, 12, 16 })]
    [TestCase(CryptoAlgorithmId.AesGcm192, CryptoAlgorithmKind.Aead, 24, 4, 8, 1, 4, new[] { 8, 12, 16 })]
    [TestCase(CryptoAlgorithmId.AesGcm256, CryptoAlgorithmKind.Aead, 32, 4, 8, 1, 4, new[] { 8, 12, 16 })]
    [TestCase(CryptoAlgorithmId.AesGmac128, CryptoAlgorithmKind.Integrity, 16, 4, 8, 1, 4, new[] { 16 })]
    [TestCase(CryptoAlgorithmId.AesGmac192, CryptoAlgorithmKind.Integrity, 24, 4, 8, 1, 4, new[] { 16 })]
    [TestCase(CryptoAlgorithmId.AesGmac256, CryptoAlgorithmKind.Integrity, 32, 4, 8, 1, 4, new[] { 16 })]
    [TestCase(CryptoAlgorithmId.HmacMd5, CryptoAlgorithmKind.Integrity, 16, 0, 0, 1, 0, new[] { 12 })]
    [TestCase(CryptoAlgorithmId.HmacSha1, CryptoAlgorithmKind.Integrity, 20, 0, 0, 1, 0, new[] { 12 })]
    [TestCase(CryptoAlgorithmId.HmacSha256, CryptoAlgorithmKind.Integrity, 32, 0, 0, 1, 0, new[] { 16 })]
    public void Descriptor_MatchesWireFormatsParameterTable(
        CryptoAlgorithmId id, CryptoAlgorithmKind kind, int keyLength, int saltLength, int ivLength, int blockSize, int alignment, int[] icvLengths)
    {
        CryptoAlgorithm algorithm = CryptoAlgorithm.Get(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(algorithm.Id, Is.EqualTo(id));
            Assert.That(algorithm.Kind, Is.EqualTo(kind));
            Assert.That(algorithm.KeyLength, Is.EqualTo(keyLength), "key bytes");
            Assert.That(algorithm.SaltLength, Is.EqualTo(saltLength), "salt bytes");
            Assert.That(algorithm.KeyMaterialLength, Is.EqualTo(keyLength + saltLength), "keying material");
            Assert.That(algorithm.IvLength, Is.EqualTo(ivLength), "IV bytes");
            Assert.That(algorithm.BlockSize, Is.EqualTo(blockSize), "block");
            Assert.That(algorithm.EspPadAlignment, Is.EqualTo(alignment), "ESP alignment");
            Assert.That(algorithm.IcvLengths, Is.EqualTo(icvLengths), "ICV lengths");
        }
    }

    [Test]
    public void All_IsInIdOrder_AndGetReturnsTheSameInstance()
    {
        Assert.That(CryptoAlgorithm.All.Select(a => a.Id), Is.EqualTo(Enum.GetValues<CryptoAlgorithmId>()));
        Assert.That(CryptoAlgorithm.All.Select(a => CryptoAlgorithm.Get(a.Id)), Is.EqualTo(CryptoAlgorithm.All).Using<CryptoAlgorithm>(ReferenceEquals));
    }

    [Test]
    public void Get_UndefinedId_ThrowsWithTheValue()
    {
        Assert.That(() => CryptoAlgorithm.Get((CryptoAlgorithmId)99), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("99"));
    }

    [TestCase(IPsecV2Encryption.None, CryptoAlgorithmId.EspNull)]
    [TestCase(IPsecV2Encryption.DesCbc, CryptoAlgorithmId.DesCbc)]
    [TestCase(IPsecV2Encryption.TripleDesCbc, CryptoAlgorithmId.TripleDesCbc)]
    [TestCase(IPsecV2Encryption.AesGcm128, CryptoAlgorithmId.AesGcm128)]
    [TestCase(IPsecV2Encryption.AesGcm192, CryptoAlgorithmId.AesGcm192)]
    [TestCase(IPsecV2Encryption.AesGcm256, CryptoAlgorithmId.AesGcm256)]
    [TestCase(IPsecV2Encryption.AesCbc128, CryptoAlgorithmId.AesCbc128)]
    [TestCase(IPsecV2Encryption.AesCbc192, CryptoAlgorithmId.AesCbc192)]
    [TestCase(IPsecV2Encryption.AesCbc256, CryptoAlgorithmId.AesCbc256)]
    public void TryFromV2Encryption_HeaderConstant_MapsToAlgorithm(IPsecV2Encryption identifier, CryptoAlgorithmId expected)
    {
        Assert.That(CryptoAlgorithm.TryFromV2Encryption(identifier, out CryptoAlgorithm? algorithm), Is.True);
        Assert.That(algorithm!.Id, Is.EqualTo(expected));
        Assert.That(algorithm.V2Encryption, Is.EqualTo(identifier), "reverse mapping");
    }

    [TestCase(IPsecV2Authentication.Md5, CryptoAlgorithmId.HmacMd5)]
    [TestCase(IPsecV2Authentication.Sha1, CryptoAlgorithmId.HmacSha1)]
    [TestCase(IPsecV2Authentication.Sha256, CryptoAlgorithmId.HmacSha256)]
    [TestCase(IPsecV2Authentication.AesGcm128, CryptoAlgorithmId.AesGmac128)]
    [TestCase(IPsecV2Authentication.AesGcm192, CryptoAlgorithmId.AesGmac192)]
    [TestCase(IPsecV2Authentication.AesGcm256, CryptoAlgorithmId.AesGmac256)]
    public void TryFromV2Authentication_HeaderConstant_MapsToAlgorithm(IPsecV2Authentication identifier, CryptoAlgorithmId expected)
    {
        Assert.That(CryptoAlgorithm.TryFromV2Authentication(identifier, out CryptoAlgorithm? algorithm), Is.True);
        Assert.That(algorithm!.Id, Is.EqualTo(expected));
        Assert.That(algorithm.V2Authentication, Is.EqualTo(identifier), "reverse mapping");
    }

    [TestCase(0x0000_0000u, TestName = "TryFromV2Encryption_Absent_False")]
    [TestCase(0x0000_0003u, TestName = "TryFromV2Encryption_TwoBits_False")]
    [TestCase(0x0000_0200u, TestName = "TryFromV2Encryption_UndefinedBit_False")]
    [TestCase(0x8000_0000u, TestName = "TryFromV2Encryption_TopBit_False")]
    public void TryFromV2Encryption_NotOneKnownBit_False(uint raw)
    {
        Assert.That(CryptoAlgorithm.TryFromV2Encryption((IPsecV2Encryption)raw, out CryptoAlgorithm? algorithm), Is.False);
        Assert.That(algorithm, Is.Null);
    }

    [TestCase(0x0000_0000u, TestName = "TryFromV2Authentication_Absent_False")]
    [TestCase(0x0000_0006u, TestName = "TryFromV2Authentication_TwoBits_False")]
    [TestCase(0x0000_0040u, TestName = "TryFromV2Authentication_UndefinedBit_False")]
    public void TryFromV2Authentication_NotOneKnownBit_False(uint raw)
    {
        Assert.That(CryptoAlgorithm.TryFromV2Authentication((IPsecV2Authentication)raw, out _), Is.False);
    }

    [TestCase(OffloadConfAlgo.None, CryptoAlgorithmId.EspNull)]
    [TestCase(OffloadConfAlgo.Des, CryptoAlgorithmId.DesCbc)]
    [TestCase(OffloadConfAlgo.TripleDes, CryptoAlgorithmId.TripleDesCbc)]
    public void TryFromV1Confidentiality_HeaderConstant_MapsToAlgorithm(OffloadConfAlgo value, CryptoAlgorithmId expected)
    {
        Assert.That(CryptoAlgorithm.TryFromV1Confidentiality(value, out CryptoAlgorithm? algorithm), Is.True);
        Assert.That(algorithm!.Id, Is.EqualTo(expected));
    }

    [TestCase(OffloadConfAlgo.Reserved)]
    [TestCase(OffloadConfAlgo.Max)]
    [TestCase((OffloadConfAlgo)0xFFFF_FFFF)]
    public void TryFromV1Confidentiality_ReservedMaxOrUndefined_False(OffloadConfAlgo value)
    {
        Assert.That(CryptoAlgorithm.TryFromV1Confidentiality(value, out _), Is.False);
    }

    [TestCase(OffloadIntegrityAlgo.Md5, CryptoAlgorithmId.HmacMd5)]
    [TestCase(OffloadIntegrityAlgo.Sha, CryptoAlgorithmId.HmacSha1)]
    public void TryFromV1Integrity_HeaderConstant_MapsToAlgorithm(OffloadIntegrityAlgo value, CryptoAlgorithmId expected)
    {
        Assert.That(CryptoAlgorithm.TryFromV1Integrity(value, out CryptoAlgorithm? algorithm), Is.True);
        Assert.That(algorithm!.Id, Is.EqualTo(expected));
    }

    [TestCase(OffloadIntegrityAlgo.None)]
    [TestCase(OffloadIntegrityAlgo.Max)]
    [TestCase((OffloadIntegrityAlgo)0x0102_0304)]
    public void TryFromV1Integrity_NoneMaxOrUndefined_False(OffloadIntegrityAlgo value)
    {
        Assert.That(CryptoAlgorithm.TryFromV1Integrity(value, out _), Is.False);
    }
}
