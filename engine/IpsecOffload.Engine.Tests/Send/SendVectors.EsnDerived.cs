using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Wire;
using static IpsecOffload.Engine.Sa.IpsecProtocol;
using static IpsecOffload.Engine.Tests.Send.VectorBuild;

namespace IpsecOffload.Engine.Tests.Send;

// wire-formats §6.6 (Linux/Scapy ESN interop packets, secdev/scapy test/scapy/layers/ipsec.uts, snapshot
// ac38b273) and §6.7 (derived vectors D1–D7, regression data, not published authority).
internal static partial class SendVectors
{
    public static IEnumerable<SendVector> EsnCases() =>
    [
        // Linux rfc4106 packets: only IV ‖ ciphertext ‖ ICV are published, so the inner packet is
        // recovered by decrypting with BouncyCastle (tag checked), then framed in tunnel mode behind a
        // synthetic outer header; the output is compared from the IV (offset 28).
        new("linux-rfc4106-gcm-sn1", GcmInner("3136627974656b65792b34627974656e6f6e6365", "0000022200000001", "66002886e9dfc524b0bdfd62617ed3767b48288e76aaea48b840308ace5071bbc0b24771d7a4a0cb0368d3165a7c378487c71959b47c76e348c0904bd23695c1" +
            "b7a4b67b89e64f10aedb84474600b444e66d16555f8236a549f7528165904d2892b2e3f1a402d237ac0b7a10cf6446b9"),
            "66002886e9dfc524b0bdfd62617ed3767b48288e76aaea48b840308ace5071bbc0b24771d7a4a0cb0368d3165a7c378487c71959b47c76e348c0904bd23695c1" +
            "b7a4b67b89e64f10aedb84474600b444e66d16555f8236a549f7528165904d2892b2e3f1a402d237ac0b7a10cf6446b9",
            [new VectorSa(Esp, 0x222, 1, "66002886e9dfc524", 16) { Aead = CryptoAlgorithm.AesGcm128, AeadKey = "3136627974656b65792b34627974656e6f6e6365", Tunnel = V4(0x0a7d0001, 0x0a7d0002, 0, 64) }], CompareFrom: 28),
        new("linux-rfc4106-gcm-sn1-esn-high1", GcmInner("3136627974656b65792b34627974656e6f6e6365", "000002220000000100000001", "66002886e9dfc524b0bdfd62617ed3767b48288e76aaea48b840308ace5071bbc0b24771d7a4a0cb0368d3165a7c378487c71959b47c76e348c0904bd23695c1" +
            "b7a4b67b89e64f10aedb84474600b444e66d16555f8236a549f7528165904d28fe4d22836a810d6094db45220392f694"),
            "66002886e9dfc524b0bdfd62617ed3767b48288e76aaea48b840308ace5071bbc0b24771d7a4a0cb0368d3165a7c378487c71959b47c76e348c0904bd23695c1" +
            "b7a4b67b89e64f10aedb84474600b444e66d16555f8236a549f7528165904d28fe4d22836a810d6094db45220392f694",
            [new VectorSa(Esp, 0x222, 0x1_0000_0001, "66002886e9dfc524", 16) { Aead = CryptoAlgorithm.AesGcm128, AeadKey = "3136627974656b65792b34627974656e6f6e6365", Esn = true, Tunnel = V4(0x0a7d0001, 0x0a7d0002, 0, 64) }], CompareFrom: 28),
        new("linux-rfc4543-gmac-sn22", ClearInner("54706c6a9fbaa61845000054bc5300004001a9590a7d00010a7d00020000ad53a883000102e6096400000000d90a060000000000101112131415161718191a1b" +
            "1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637010202049b763230f64992a88f6a20872c740c18"),
            "54706c6a9fbaa61845000054bc5300004001a9590a7d00010a7d00020000ad53a883000102e6096400000000d90a060000000000101112131415161718191a1b" +
            "1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637010202049b763230f64992a88f6a20872c740c18",
            [new VectorSa(Esp, 0x222, 22, "54706c6a9fbaa618", 16) { Integrity = CryptoAlgorithm.AesGmac128, IntegrityKey = "3136627974656b65792b34627974656e6f6e6365", Tunnel = V4(0x0a7d0001, 0x0a7d0002, 0, 64) }], CompareFrom: 28),
        new("linux-rfc4543-gmac-sn5-esn-high1", ClearInner("43e6a1ce709d67f4450000542e4a40004001f7620a7d00020a7d00010800d3328f4c00028dec0964000000003c5b030000000000101112131415161718191a1b" +
            "1c1d1e1f202122232425262728292a2b2c2d2e2f30313233343536370102020476d4939075ee3fa3f3cfcc27f55b12b6"),
            "43e6a1ce709d67f4450000542e4a40004001f7620a7d00020a7d00010800d3328f4c00028dec0964000000003c5b030000000000101112131415161718191a1b" +
            "1c1d1e1f202122232425262728292a2b2c2d2e2f30313233343536370102020476d4939075ee3fa3f3cfcc27f55b12b6",
            [new VectorSa(Esp, 0x222, 0x1_0000_0005, "43e6a1ce709d67f4", 16) { Integrity = CryptoAlgorithm.AesGmac128, IntegrityKey = "3136627974656b65792b34627974656e6f6e6365", Esn = true, Tunnel = V4(0x0a7d0001, 0x0a7d0002, 0, 64) }], CompareFrom: 28),

        // Scapy PR #3908: transport, AES-128-CBC + HMAC-SHA-256-128, ESN high 0x44. The TCP segment is
        // recovered by decrypting the published ciphertext with BouncyCastle.
        new("scapy-cbc-sha256-esn-high68", ScapyInput("4500006c000100004032745a0101010102020202cf54ccdf0000000111223344112233441122334411223344f5bda519c9ae64f283f0fc18a8d253eca8b34c21" +
            "20c8958a97ec9d8e67756da2523fce9b5541c57fddf090afc2bfd97e8703203953f853eb61482e4c1384d4c8"),
            "4500006c000100004032745a0101010102020202cf54ccdf0000000111223344112233441122334411223344f5bda519c9ae64f283f0fc18a8d253eca8b34c21" +
            "20c8958a97ec9d8e67756da2523fce9b5541c57fddf090afc2bfd97e8703203953f853eb61482e4c1384d4c8",
            [new VectorSa(Esp, 0xcf54ccdf, 0x44_0000_0001, "11223344112233441122334411223344", 16)
            {
                Cipher = CryptoAlgorithm.AesCbc128, CipherKey = "85ee354b4675a9c5d16e3d6f4118043b",
                Integrity = CryptoAlgorithm.HmacSha256, IntegrityKey = "6f79bf94da7dde3c86009934d9258f1b3fc2f5382aca9c9cb8e216eed235f34c", Esn = true,
            }]),
    ];

    public static IEnumerable<SendVector> DerivedCases() =>
    [
        new("derived-d1-ah-sha256-esn", OdpIcmp4,
            "4500009c000000004033abd9c0a86f02c0a8de02010500000000007b00000001eeca23cd63992e414468725161a5f1de0800fb3712340000babe01234567cafe" +
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
            "404142434445464748494a4b4c4d4e4f505152535455565758595a5b",
            [new VectorSa(Ah, 0x7b, 0x1_0000_0001, "", 16) { Integrity = CryptoAlgorithm.HmacSha256, IntegrityKey = Rep("5a", 32), Esn = true }]),
        new("derived-d2-esp-cbc-sha1-esn", OdpIcmp4,
            "450000a8000000004032abcec0a86f02c0a8de020000007b0000000117c3faaf1deb94064ef862b41fa01762baf3fb1086ee806f44ff947feed85062403f7c76" +
            "b465ca32910ebaf2c19d3bcb0fc9c9ae33421636d3c86c23acbf98f2da1095bce838bf4b19d05867d9abd0f559c9dcbb46cc3426e6d6ee5cc8e246c914e998e4" +
            "b9ecf0a71294544e56fde807d883f9785fa61acebbdabc7cd8b67b4f39515676fb1a55ec06755a96",
            [new VectorSa(Esp, 0x7b, 0x1_0000_0001, "17c3faaf1deb94064ef862b41fa01762", 12) { Cipher = CryptoAlgorithm.AesCbc128, CipherKey = Rep("a5", 16), Integrity = CryptoAlgorithm.HmacSha1, IntegrityKey = Rep("5a", 20), Esn = true }]),
        new("derived-d3-ah-sha1-ipv4-options", H("49b8003c123440004001b565c0a86f02c0a8de0294040000070b040a00000100000000000800ad8a12340001000102030405060708090a0b0c0d0e0f"),
            "49b80054123440004033b51bc0a86f02c0a8de0294040000070b040a0000010000000000010400000000100000000001202ef2fa7492438141c0a3bd0800ad8a" +
            "12340001000102030405060708090a0b0c0d0e0f",
            [new VectorSa(Ah, 0x1000, 1, "", 12) { Integrity = CryptoAlgorithm.HmacSha1, IntegrityKey = "0102030405060708090a0b0c0d0e0f1011121314" }]),
        new("derived-d5-ah-over-esp", OdpIcmp4,
            "450000c4000000004033abb1c0a86f02c0a8de02320500000000007c0000000129694c123df2f24f398ddb13a7b9c8030000007b0000000117c3faaf1deb9406" +
            "4ef862b41fa01762baf3fb1086ee806f44ff947feed85062403f7c76b465ca32910ebaf2c19d3bcb0fc9c9ae33421636d3c86c23acbf98f2da1095bce838bf4b" +
            "19d05867d9abd0f559c9dcbb46cc3426e6d6ee5cc8e246c914e998e4b9ecf0a71294544e56fde807d883f9785fa61acebbdabc7cd8b67b4f784efebd427f4296" +
            "65e7602f",
            [new VectorSa(Esp, 0x7b, 1, "17c3faaf1deb94064ef862b41fa01762", 12) { Cipher = CryptoAlgorithm.AesCbc128, CipherKey = Rep("a5", 16), Integrity = CryptoAlgorithm.HmacSha1, IntegrityKey = Rep("5a", 20) },
             new VectorSa(Ah, 0x7c, 1, "", 16) { Integrity = CryptoAlgorithm.HmacSha256, IntegrityKey = Rep("5a", 32) }]),
        new("derived-d6-natt-tunnel-gcm", OdpIcmp4,
            "450000c0000140004011d3efc6336401cb0071071194119400ac00000000a5f800000007000000000000000752b47facf8d49ff7a1ad4454afaac65ab53a4a12" +
            "e3dc664572c7caa1fc6e63694892133067c8465a42f72489f0862feb2d71dc262955d0bd29a1df6fff5fea4cac545ec992af3169d97a8ed041c561d8013d2dd5" +
            "3fb114c533ccaf25c71b2cdf11d49d9289da00587ba02b5fa8c8e34b3ae1979064c5e3c427c203afb079102bf19ab5421546c0c3f7adaf1afdcbb8aa76f08341",
            [new VectorSa(Esp, 0xa5f8, 7, "0000000000000007", 16)
            {
                Aead = CryptoAlgorithm.AesGcm128, AeadKey = "feffe9928665731c6d6a8f9467308308" + "cafebabe",
                Tunnel = V4(0xc6336401, 0xcb007107, 1, 64, IPv4Flags.DontFragment), Udp = UdpEspPorts.NatTraversal,
            }]),

        new("derived-d7-tso-frame0-gcm", H(
            "450000a8100040004006a6fcc0a80102c0a801019c40138901000000020000005090200088a70000000102030405060708090a0b0c0d0e0f1011121314151617" +
            "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f5051525354555657" +
            "58595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"),
            "450000cc100040004032a6acc0a80102c0a80101000010000000000100000000000000011004b910f54e7cb906bab16ab2114142d775d497d1c00135f607bdb3" +
            "7851f0f25e79d3d2640148fffbebbd3f8780da8c1ab4b555a609e9aabda5b56f70bd7beb188135b3bf4ede9da4f6312fe04137fca64c2a43fc21f1668ff9c7ab" +
            "8788a4510a2035d38ae33c4f8dbff733dc300773a1751119a26eb0de2a04bd2b102e777a8e1c4affc25f8367904a79af2e03a1a470cbca846daf07cf9102258f" +
            "9fd8cb89f784ef621dea57ae",
            [new VectorSa(Esp, 0x1000, 1, "0000000000000001", 16) { Aead = CryptoAlgorithm.AesGcm128, AeadKey = "feffe9928665731c6d6a8f9467308308" + "cafebabe" }]),
        new("derived-d7-tso-frame1-gcm", H(
            "450000a8100140004006a6fbc0a80102c0a801019c40138901000080020000005010200068870000808182838485868788898a8b8c8d8e8f9091929394959697" +
            "98999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7" +
            "d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
            "450000cc100140004032a6abc0a80102c0a8010100001000000000020000000000000002de51ee01649214e6a37aeb72c1634ece7a153b5df197ed331a5ceace" +
            "02f8c39c3ba2b5217981c0ffb098d62c3cdc4b5e03aef48e2094b9a4703e0bab7e1f81df85227e5f57f5da3c727abbcbc01ff6183bf781a8e5647f8bd06d65b3" +
            "1bbe75bd912c22cb172250f5dbab5866c4daad01a4ef45b39deb6ba8c77bfc55f1588229f11c99602f8f8cd2d062d9ca684f388df221687b5905a7f49b8cbd0f" +
            "8cc56ee62833def31b726c7e",
            [new VectorSa(Esp, 0x1000, 2, "0000000000000002", 16) { Aead = CryptoAlgorithm.AesGcm128, AeadKey = "feffe9928665731c6d6a8f9467308308" + "cafebabe" }]),
        new("derived-d7-tso-frame2-gcm", H(
            "45000054100240004006a74ec0a80102c0a801019c401389010001000200000050192000889c0000000102030405060708090a0b0c0d0e0f1011121314151617" +
            "18191a1b1c1d1e1f202122232425262728292a2b"),
            "45000078100240004032a6fec0a80102c0a80101000010000000000300000000000000033a131fbb85e0d8656d38ccf294e3a9acd599a532e0c624ea21965e9b" +
            "186febb1c20c1dbf6d0f0d27db5f2c7343bd67cc6d4f8cecd914f595b481ddd7cb1619bbdb62217458f8c069cfb3614e2a75dd8658bcfd08",
            [new VectorSa(Esp, 0x1000, 3, "0000000000000003", 16) { Aead = CryptoAlgorithm.AesGcm128, AeadKey = "feffe9928665731c6d6a8f9467308308" + "cafebabe" }]),
    ];

    private static byte[] GcmInner(string keyMaterial, string aad, string espData)
    {
        byte[] esp = H(espData);
        byte[] data = esp[8..^16];
        using IAeadTransform gcm = BouncyCastleCryptoBackend.Instance.CreateAead(CryptoAlgorithm.AesGcm128, H(keyMaterial), 16);
        return gcm.TryDecrypt(esp.AsSpan(0, 8), H(aad), data, esp.AsSpan(esp.Length - 16))
            ? StripTrailer(data)
            : throw new InvalidOperationException("published GCM tag does not verify");
    }

    private static byte[] ClearInner(string espData) => StripTrailer(H(espData)[8..^16]);

    private static byte[] ScapyInput(string packetHex)
    {
        byte[] packet = H(packetHex);
        byte[] data = packet[44..^16];
        using ICipherTransform cbc = BouncyCastleCryptoBackend.Instance.CreateCipher(CryptoAlgorithm.AesCbc128, H("85ee354b4675a9c5d16e3d6f4118043b"));
        cbc.Decrypt(packet.AsSpan(28, 16), data);
        return IPv4("4500000000010000400000000101010102020202", data[^1], StripTrailer(data));
    }
}
