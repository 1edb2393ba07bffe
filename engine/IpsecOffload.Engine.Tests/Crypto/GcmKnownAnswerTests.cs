using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;
using static IpsecOffload.Engine.Tests.Crypto.CryptoTestCases;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>
/// AES-GCM known answers: McGrew–Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B test
/// cases (as transcribed in bcgit/bc-csharp GCMTest.cs), and the draft-mcgrew-gcm-test-01 ESP cases
/// 1–14 (wire-formats §6.3) with 8/12/16-byte ICVs, plus the Linux rfc4106 ESN pair (§6.6).
/// </summary>
public sealed class GcmKnownAnswerTests
{
    private static readonly int[] IcvLengths = [8, 12, 16];

    public sealed record GcmSpecVector(string Id, string Key, string Plaintext, string Aad, string Nonce, string Ciphertext, string Tag)
    {
        public CryptoAlgorithm Algorithm => (Key.Length / 2) switch
        {
            16 => CryptoAlgorithm.AesGcm128,
            24 => CryptoAlgorithm.AesGcm192,
            _ => CryptoAlgorithm.AesGcm256,
        };
    }

    private const string K1 = "feffe9928665731c6d6a8f9467308308";
    private const string P64 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
                               "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private const string P60 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
                               "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
    private const string A20 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
    private const string N96 = "cafebabefacedbaddecaf888";

    // Test cases 5, 6, 11, 12, 17 and 18 use 8- and 60-byte IVs. The IPsec API takes a 96-bit nonce
    // (4-byte salt ‖ 8-byte IV, RFC 4106 §4), so those cases cannot be expressed and are left out.
    public static IEnumerable<GcmSpecVector> SpecVectors { get; } =
    [
        new("mcgrew-viega-tc1", "00000000000000000000000000000000", "", "", "000000000000000000000000", "", "58e2fccefa7e3061367f1d57a4e7455a"),
        new("mcgrew-viega-tc2", "00000000000000000000000000000000", "00000000000000000000000000000000", "", "000000000000000000000000",
            "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"),
        new("mcgrew-viega-tc3", K1, P64, "", N96,
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
            "4d5c2af327cd64a62cf35abd2ba6fab4"),
        new("mcgrew-viega-tc4", K1, P60, A20, N96,
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            "5bc94fbc3221a5db94fae95ae7121a47"),
        new("mcgrew-viega-tc7", "000000000000000000000000000000000000000000000000", "", "", "000000000000000000000000", "", "cd33b28ac773f74ba00ed1f312572435"),
        new("mcgrew-viega-tc8", "000000000000000000000000000000000000000000000000", "00000000000000000000000000000000", "", "000000000000000000000000",
            "98e7247c07f0fe411c267e4384b0f600", "2ff58d80033927ab8ef4d4587514f0fb"),
        new("mcgrew-viega-tc9", K1 + "feffe9928665731c", P64, "", N96,
            "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
            "9924a7c8587336bfb118024db8674a14"),
        new("mcgrew-viega-tc10", K1 + "feffe9928665731c", P60, A20, N96,
            "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
            "2519498e80f1478f37ba55bd6d27618c"),
        new("mcgrew-viega-tc13", "0000000000000000000000000000000000000000000000000000000000000000", "", "", "000000000000000000000000", "",
            "530f8afbc74536b9a963b4f1c4cb738b"),
        new("mcgrew-viega-tc14", "0000000000000000000000000000000000000000000000000000000000000000", "00000000000000000000000000000000", "",
            "000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
        new("mcgrew-viega-tc15", K1 + K1, P64, "", N96,
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            "b094dac5d93471bdec1a502270e3cc6c"),
        new("mcgrew-viega-tc16", K1 + K1, P60, A20, N96,
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            "76fc6ece0f4e1768cddf8853bb2d551b"),
    ];

    private static IEnumerable<TestCaseData> SpecCases() => Cross(SpecVectors, v => v.Id, IcvLengths);

    private static IAeadTransform Create(ICryptoBackend backend, GcmSpecVector vector, int icvLength)
    {
        // The 96-bit nonce is split as RFC 4106 does: the first 4 bytes are the salt (keying material).
        byte[] nonce = H(vector.Nonce);
        return backend.CreateAead(vector.Algorithm, [.. H(vector.Key), .. nonce.AsSpan(0, 4)], icvLength);
    }

    [TestCaseSource(nameof(SpecCases))]
    public void Encrypt_GcmSpecVector_GivesCiphertextAndLeftmostTagBytes(ICryptoBackend backend, GcmSpecVector vector, int icvLength)
    {
        using IAeadTransform gcm = Create(backend, vector, icvLength);
        byte[] data = H(vector.Plaintext);
        var icv = new byte[icvLength];
        gcm.Encrypt(H(vector.Nonce).AsSpan(4), H(vector.Aad), data, icv);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(vector.Ciphertext, data, $"ciphertext of {vector.Id}");
            HexAssert.AreEqual(H(vector.Tag).AsSpan(0, icvLength), icv, $"{icvLength}-byte ICV of {vector.Id}");
        }
    }

    [TestCaseSource(nameof(SpecCases))]
    public void TryDecrypt_GcmSpecVector_VerifiesAndOneFlippedTagBitFails(ICryptoBackend backend, GcmSpecVector vector, int icvLength)
    {
        using IAeadTransform gcm = Create(backend, vector, icvLength);
        byte[] iv = H(vector.Nonce)[4..];
        byte[] icv = H(vector.Tag)[..icvLength];
        byte[] data = H(vector.Ciphertext);
        bool good = gcm.TryDecrypt(iv, H(vector.Aad), data, icv);
        HexAssert.AreEqual(vector.Plaintext, data, $"plaintext of {vector.Id}");

        icv[icvLength - 1] ^= 0x80;
        byte[] tampered = H(vector.Ciphertext);
        bool flipped = gcm.TryDecrypt(iv, H(vector.Aad), tampered, icv);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(good, Is.True, "published tag verifies");
            Assert.That(flipped, Is.False, "tag with one flipped bit is rejected");
            Assert.That(tampered, Is.All.EqualTo(0), "no unauthenticated plaintext is released");
        }
    }

    public sealed record EspGcmVector(string Id, CryptoAlgorithm Algorithm, string Key, string Salt, string Iv, string Aad, string Plaintext, string EspPacket);

    // draft-mcgrew-gcm-test-01 cases 1–14 (wire-formats §6.3). ESP packet = SPI ‖ SN-low ‖ IV ‖ ciphertext ‖ 16-byte ICV.
    public static IEnumerable<EspGcmVector> EspVectors { get; } =
    [
        new("draft-mcgrew-case1-esn", CryptoAlgorithm.AesGcm128, "4c80cdefbb5d10da906ac73c3613a634", "2e443b68", "4956ed7e3b244cfe", "000043218765432100000000",
            "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b000021000101020201",
            "00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe722fd04796562dfdb4"),
        new("draft-mcgrew-case2", CryptoAlgorithm.AesGcm128, "feffe9928665731c6d6a8f9467308308", "cafebabe", "facedbaddecaf888", "0000a5f80000000a",
            "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d001000001000000000000037369700963796265726369747902646b00000100010001",
            "0000a5f80000000afacedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a"),
        new("draft-mcgrew-case3", CryptoAlgorithm.AesGcm256, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344", "0102030405060708", "4a2cbfe300000002",
            "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201",
            "4a2cbfe3000000020102030405060708ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c4915956c96"),
        new("draft-mcgrew-case4", CryptoAlgorithm.AesGcm128, "00000000000000000000000000000000", "00000000", "0000000000000000", "0000000000000001",
            "4500003c99c500008001cb7a40679318010101010800075c020044006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
            "000000000000000100000000000000004688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3f821d496eeb096e98ad2b69e4799c71d"),
        new("draft-mcgrew-case5-esn", CryptoAlgorithm.AesGcm128, "3de09874b388e6491988d0c3607eae1f", "57690e43", "4e280000a2fca1a3", "42f67e3f1010101010101010",
            "4500003c99c300008001cb7c40679318010101010800085c020043006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
            "42f67e3f101010104e280000a2fca1a3fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320ae0d731cc978ecafaeae88f00e80d6e48"),
        new("draft-mcgrew-case6-esn", CryptoAlgorithm.AesGcm128, "3de09874b388e6491988d0c3607eae1f", "57690e43", "4e280000a2fca1a3", "42f67e3f1010101010101010",
            "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
            "42f67e3f101010104e280000a2fca1a3fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed369f071f35e034be95f112e4e7d05d35"),
        new("draft-mcgrew-case7", CryptoAlgorithm.AesGcm192, "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabe", "facedbaddecaf888", "0000a5f80000000a",
            "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001",
            "0000a5f80000000afacedbaddecaf888a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc7795457b9652037f5318027b5b4cd7a636"),
        new("draft-mcgrew-case8-esn", CryptoAlgorithm.AesGcm128, "abbccddef00112233445566778899aab", "decaf888", "cafedebaceface74", "000001000000000000000001",
            "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d500004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec959b6266c04722b14923010101",
            "0000010000000001cafedebaceface7418a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c226f2127b27db35724e7845d68651f57e65f354f75ff17015769623436"),
        new("draft-mcgrew-case9-esn", CryptoAlgorithm.AesGcm256, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74", "616e640169766563", "17405e67156f3126dd0db99b",
            "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb71260250101f646d540001",
            "17405e67dd0db99b616e640169766563f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e451626c2415771e3b7eebca614c89b35"),
        new("draft-mcgrew-case10-esn", CryptoAlgorithm.AesGcm128, "3de09874b388e6491988d0c3607eae1f", "57690e43", "4e280000a2fca1a3", "42f67e3f1010101010101010",
            "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b325ae270c03899493915010101",
            "42f67e3f101010104e280000a2fca1a3fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d54182800cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39ab533163aad4550ee5160975cdb608c5769189609763b8e18caa81e2"),
        new("draft-mcgrew-case11-esn", CryptoAlgorithm.AesGcm256, "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74", "616e640169766563", "17405e67156f3126dd0db99b",
            "636973636f0172756c657301746865016e6574776501646566696e6501746865746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f72726f7701020201",
            "17405e67dd0db99b616e640169766563d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b012a49363412364f8c0cac587f249e56b11e24f30e44ccc76"),
        new("draft-mcgrew-case12", CryptoAlgorithm.AesGcm128, "7d773d00c144c525ac619d18c84a3f47", "d9664267", "43457e9182443bc6", "335467aeffffffff",
            "01020201",
            "335467aeffffffff43457e9182443bc6437f866bcb3f699fe9b0822bac961c4504bef270"),
        new("draft-mcgrew-case13-esn", CryptoAlgorithm.AesGcm128, "abbccddef00112233445566778899aab", "decaf888", "cafedebaceface74", "000001000000000000000001",
            "746f016265016f72016e6f7401746f0162650001",
            "0000010000000001cafedebaceface7429c9fc69a197d038ccdd14e2ddfcaa0543332164412503524303ed3c6c5f283843af8c3e"),
        new("draft-mcgrew-case14-esn", CryptoAlgorithm.AesGcm256, "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961", "7475726e", "333021696765746d", "796b6963ffffffffffffffff",
            "45000030da3a00008001df3bc0a80005c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
            "796b6963ffffffff333021696765746df97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a329fb4c053"),
    ];

    private static IEnumerable<TestCaseData> EspCases() => Cross(EspVectors, v => v.Id, IcvLengths);

    [TestCaseSource(nameof(EspCases))]
    public void Encrypt_DraftMcgrewEspCase_GivesPacketCiphertextAndLeftmostIcvBytes(ICryptoBackend backend, EspGcmVector vector, int icvLength)
    {
        byte[] packet = H(vector.EspPacket);
        byte[] data = H(vector.Plaintext);
        using IAeadTransform gcm = backend.CreateAead(vector.Algorithm, [.. H(vector.Key), .. H(vector.Salt)], icvLength);
        var icv = new byte[icvLength];
        gcm.Encrypt(H(vector.Iv), H(vector.Aad), data, icv);
        using (Assert.EnterMultipleScope())
        {
            HexAssert.AreEqual(packet.AsSpan(16, data.Length), data, $"ciphertext of {vector.Id}");
            // Only 16-byte ICVs are published; 8 and 12 are its leftmost bytes (RFC 4106 §3, SP 800-38D §7.1).
            HexAssert.AreEqual(packet.AsSpan(packet.Length - 16, icvLength), icv, $"{icvLength}-byte ICV of {vector.Id}");
        }
    }

    [TestCaseSource(nameof(EspCases))]
    public void TryDecrypt_DraftMcgrewEspCase_VerifiesAndFlippedAadBitFails(ICryptoBackend backend, EspGcmVector vector, int icvLength)
    {
        byte[] packet = H(vector.EspPacket);
        int length = packet.Length - 32;
        byte[] icv = packet.AsSpan(packet.Length - 16, icvLength).ToArray();
        using IAeadTransform gcm = backend.CreateAead(vector.Algorithm, [.. H(vector.Key), .. H(vector.Salt)], icvLength);
        byte[] data = packet.AsSpan(16, length).ToArray();
        bool good = gcm.TryDecrypt(H(vector.Iv), H(vector.Aad), data, icv);
        HexAssert.AreEqual(vector.Plaintext, data, $"plaintext of {vector.Id}");

        byte[] aad = H(vector.Aad);
        aad[^1] ^= 0x01;
        bool flipped = gcm.TryDecrypt(H(vector.Iv), aad, packet.AsSpan(16, length).ToArray(), icv);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(good, Is.True, "published ICV verifies");
            Assert.That(flipped, Is.False, "AAD (sequence number) with one flipped bit is rejected");
        }
    }

    public sealed record LinuxGcmVector(string Id, string Aad, string EspData);

    // Linux rfc4106 packets via Scapy's test-suite (wire-formats §6.6): key "16bytekey+4bytenonce", SPI 0x222,
    // SN 1; ESP data = IV (8) ‖ ciphertext (88) ‖ ICV (16). The same ciphertext carries a different ICV when
    // ESN high = 1 (AAD = SPI ‖ SN_high ‖ SN_low).
    private const string LinuxKeyMaterial = "3136627974656b65792b34627974656e6f6e6365";
    private const string LinuxIvAndCiphertext =
        "66002886e9dfc524b0bdfd62617ed3767b48288e76aaea48b840308ace5071bb" +
        "c0b24771d7a4a0cb0368d3165a7c378487c71959b47c76e348c0904bd23695c1" +
        "b7a4b67b89e64f10aedb84474600b444e66d16555f8236a549f7528165904d28";

    public static IEnumerable<LinuxGcmVector> LinuxVectors { get; } =
    [
        new("linux-rfc4106-sn1", "0000022200000001", LinuxIvAndCiphertext + "92b2e3f1a402d237ac0b7a10cf6446b9"),
        new("linux-rfc4106-sn1-esn-high1", "000002220000000100000001", LinuxIvAndCiphertext + "fe4d22836a810d6094db45220392f694"),
    ];

    private static IEnumerable<TestCaseData> LinuxCases() => Cross(LinuxVectors, v => v.Id);

    [TestCaseSource(nameof(LinuxCases))]
    public void TryDecrypt_LinuxRfc4106Packet_VerifiesAndReencryptsIdentically(ICryptoBackend backend, LinuxGcmVector vector)
    {
        byte[] esp = H(vector.EspData);
        byte[] iv = esp[..8];
        byte[] ciphertext = esp[8..^16];
        byte[] published = esp[^16..];
        using IAeadTransform gcm = backend.CreateAead(CryptoAlgorithm.AesGcm128, H(LinuxKeyMaterial), 16);
        byte[] data = ciphertext.ToArray();
        bool verified = gcm.TryDecrypt(iv, H(vector.Aad), data, published);
        var icv = new byte[16];
        gcm.Encrypt(iv, H(vector.Aad), data, icv);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(verified, Is.True, "published ICV verifies");
            HexAssert.AreEqual(ciphertext, data, "re-encrypted ciphertext");
            HexAssert.AreEqual(published, icv, "re-computed ICV");
        }
    }
}
