using IpsecOffload.Engine.Capture;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Capture;

public sealed class WiresharkEspSaTableTests
{
    // Distinct, all-non-zero key bytes so a swapped or truncated key shows in the expected text.
    private static byte[] Key(int length, byte first) => Enumerable.Range(0, length).Select(i => unchecked((byte)(first + (i * 17)))).ToArray();

    private static string HexOf(byte[] bytes) => "0x" + Hex.Format(bytes);

    private static readonly byte[] Salt = Hex.Parse("c0ffee42");

    private static EspSaDescription Sa(CryptoAlgorithm encryption, CryptoAlgorithm? integrity = null, int icv = 0, bool esn = false) => new()
    {
        IpVersion = EspSaIpVersion.IPv4,
        Source = "192.0.2.1",
        Destination = "198.51.100.254",
        Spi = 0xF1E2_D3C4,
        Encryption = encryption,
        EncryptionKey = Key(encryption.KeyLength, 0x11),
        Salt = encryption.SaltLength == 0 ? ReadOnlyMemory<byte>.Empty : Salt,
        IcvLength = icv,
        Integrity = integrity,
        IntegrityKey = integrity is null ? ReadOnlyMemory<byte>.Empty : Key(integrity.KeyLength, 0xA3),
        ExtendedSequenceNumbers = esn,
        SequenceHigh = esn ? 0x8765_4321 : 0,
    };

    private static IEnumerable<TestCaseData> Rows()
    {
        TestCaseData Row(string name, EspSaDescription sa, string encryption, string encryptionKey, string authentication, string authenticationKey, WiresharkIcvCheck icv) =>
            new TestCaseData(sa, encryption, encryptionKey, authentication, authenticationKey, icv).SetArgDisplayNames(name);

        string aes128 = HexOf(Key(16, 0x11)), aes192 = HexOf(Key(24, 0x11)), aes256 = HexOf(Key(32, 0x11));
        string salt = Hex.Format(Salt);
        yield return Row("esp-null+hmac-sha256-128", Sa(CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha256), "NULL", "", "HMAC-SHA-256-128 [RFC4868]", HexOf(Key(32, 0xA3)), WiresharkIcvCheck.Checked);
        yield return Row("des-cbc+hmac-md5-96", Sa(CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacMd5), "DES-CBC [RFC2405]", HexOf(Key(8, 0x11)), "HMAC-MD5-96 [RFC2403]", HexOf(Key(16, 0xA3)), WiresharkIcvCheck.Checked);
        yield return Row("3des-cbc+hmac-sha1-96", Sa(CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1), "TripleDES-CBC [RFC2451]", HexOf(Key(24, 0x11)), "HMAC-SHA-1-96 [RFC2404]", HexOf(Key(20, 0xA3)), WiresharkIcvCheck.Checked);
        yield return Row("aes-cbc-128+none", Sa(CryptoAlgorithm.AesCbc128), "AES-CBC [RFC3602]", aes128, "NULL", "", WiresharkIcvCheck.NoIcv);
        yield return Row("aes-cbc-192+hmac-sha256-128", Sa(CryptoAlgorithm.AesCbc192, CryptoAlgorithm.HmacSha256), "AES-CBC [RFC3602]", aes192, "HMAC-SHA-256-128 [RFC4868]", HexOf(Key(32, 0xA3)), WiresharkIcvCheck.Checked);
        yield return Row("aes-cbc-256+hmac-sha1-96", Sa(CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha1), "AES-CBC [RFC3602]", aes256, "HMAC-SHA-1-96 [RFC2404]", HexOf(Key(20, 0xA3)), WiresharkIcvCheck.Checked);
        yield return Row("aes-gcm-128 icv 8", Sa(CryptoAlgorithm.AesGcm128, icv: 8), "AES-GCM with 8 octet ICV [RFC4106]", aes128 + salt, "NULL", "", WiresharkIcvCheck.Checked);
        yield return Row("aes-gcm-192 icv 12", Sa(CryptoAlgorithm.AesGcm192, icv: 12), "AES-GCM with 12 octet ICV [RFC4106]", aes192 + salt, "NULL", "", WiresharkIcvCheck.Checked);
        yield return Row("aes-gcm-256 icv 16", Sa(CryptoAlgorithm.AesGcm256, icv: 16), "AES-GCM with 16 octet ICV [RFC4106]", aes256 + salt, "NULL", "", WiresharkIcvCheck.Checked);
        yield return Row("aes-gcm-128 icv default", Sa(CryptoAlgorithm.AesGcm128), "AES-GCM with 16 octet ICV [RFC4106]", aes128 + salt, "NULL", "", WiresharkIcvCheck.Checked);
        yield return Row("aes-cbc-128 esn no integrity", Sa(CryptoAlgorithm.AesCbc128, esn: true), "AES-CBC [RFC3602]", aes128, "NULL", "", WiresharkIcvCheck.NoIcv);
    }

    [TestCaseSource(nameof(Rows))]
    public void Row_SupportedAlgorithm_UsesWireshark40NamesAndKeys(EspSaDescription sa, string encryption, string encryptionKey, string authentication, string authenticationKey, WiresharkIcvCheck icv)
    {
        WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(sa);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(row.ToUatRecord(), Is.EqualTo(
                $"\"IPv4\",\"192.0.2.1\",\"198.51.100.254\",\"0xf1e2d3c4\",\"{encryption}\",\"{encryptionKey}\",\"{authentication}\",\"{authenticationKey}\""));
            Assert.That(row.IcvCheck, Is.EqualTo(icv));
            Assert.That(row.Limitations, Is.Empty);
        }
    }

    private static IEnumerable<TestCaseData> Unsupported()
    {
        yield return new TestCaseData(Sa(CryptoAlgorithm.AesGmac128), "AES-GMAC").SetArgDisplayNames("aes-gmac-128");
        yield return new TestCaseData(Sa(CryptoAlgorithm.AesGmac256), "AES-GMAC").SetArgDisplayNames("aes-gmac-256");
        yield return new TestCaseData(Sa(CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha256, esn: true), "ESN").SetArgDisplayNames("aes-cbc+hmac-sha256 esn");
        yield return new TestCaseData(Sa(CryptoAlgorithm.AesGcm128, esn: true), "ESN").SetArgDisplayNames("aes-gcm-128 esn");
    }

    [TestCaseSource(nameof(Unsupported))]
    public void Row_Strict_SaWireshark40CannotCheck_ThrowsListingLimitations(EspSaDescription sa, string reason)
    {
        Assert.That(() => WiresharkEspSaTable.ToRow(sa), Throws.TypeOf<WiresharkUnsupportedSaException>()
            .With.Message.Contains(reason)
            .And.Message.Contains("cannot check: AES-GMAC (RFC 4543")
            .And.Message.Contains("extended sequence numbers")
            .And.Message.Not.Contains(Hex.Format(Key(16, 0x11))));
    }

    [Test]
    public void Row_BestEffort_Gmac_ExportsNullWithUncheckedIcv()
    {
        WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(Sa(CryptoAlgorithm.AesGmac128), WiresharkExportMode.BestEffort);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(row.ToUatRecord(), Does.EndWith("\"NULL\",\"\",\"ANY 128 bit authentication [no checking]\",\"\""));
            Assert.That(row.IcvCheck, Is.EqualTo(WiresharkIcvCheck.NotChecked));
            Assert.That(row.Limitations, Has.Count.EqualTo(1));
        }
    }

    [TestCase(12, "ANY 96 bit authentication [no checking]")]
    [TestCase(16, "ANY 128 bit authentication [no checking]")]
    public void Row_BestEffort_HmacWithEsn_ExportsUncheckedIcvOfSameLength(int icvLength, string expected)
    {
        CryptoAlgorithm integrity = icvLength == 12 ? CryptoAlgorithm.HmacSha1 : CryptoAlgorithm.HmacSha256;
        WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(Sa(CryptoAlgorithm.AesCbc128, integrity, esn: true), WiresharkExportMode.BestEffort);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(row.AuthenticationAlgorithm, Is.EqualTo(expected));
            Assert.That(row.ToUatRecord(), Does.Contain($"\"{HexOf(Key(16, 0x11))}\"").And.EndWith("\"\""));
            Assert.That(row.IcvCheck, Is.EqualTo(WiresharkIcvCheck.NotChecked));
        }
    }

    [Test]
    public void Row_BestEffort_GcmWithEsn_IsMarkedReportedBad()
    {
        WiresharkEspSaRow row = WiresharkEspSaTable.ToRow(Sa(CryptoAlgorithm.AesGcm128, esn: true), WiresharkExportMode.BestEffort);

        Assert.That(row.IcvCheck, Is.EqualTo(WiresharkIcvCheck.ReportedBad));
    }

    [Test]
    public void ToString_RowAndDescription_NeverShowKeys()
    {
        EspSaDescription sa = Sa(CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256);
        string keyHex = Hex.Format(Key(32, 0x11)), integrityHex = Hex.Format(Key(32, 0xA3));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(WiresharkEspSaTable.ToRow(sa).ToString(), Does.Not.Contain(keyHex).And.Not.Contain(integrityHex).And.Contain("not shown"));
            Assert.That(sa.ToString(), Does.Not.Contain(keyHex).And.Not.Contain(integrityHex).And.Contain("32 bytes"));
        }
    }

    [Test]
    public void Row_Ipv6AndWildcard_WritesNormalisedAddresses()
    {
        EspSaDescription sa = new()
        {
            IpVersion = EspSaIpVersion.IPv6,
            Source = "2001:DB8:0:0:0:0:0:1",
            Destination = "*",
            Spi = 0x0000_0001,
            Encryption = CryptoAlgorithm.EspNull,
        };

        Assert.That(WiresharkEspSaTable.ToRow(sa).ToUatRecord(),
            Is.EqualTo("\"IPv6\",\"2001:db8::1\",\"*\",\"0x00000001\",\"NULL\",\"\",\"NULL\",\"\""));
    }

    [TestCase(EspSaIpVersion.IPv4, "2001:db8::1")]
    [TestCase(EspSaIpVersion.IPv6, "192.0.2.1")]
    [TestCase(EspSaIpVersion.IPv4, "host\",\"x")]
    public void Row_AddressNotOfSaFamily_ThrowsArgumentException(EspSaIpVersion version, string source)
    {
        EspSaDescription sa = new()
        {
            IpVersion = version,
            Source = source,
            Destination = "*",
            Spi = 1,
            Encryption = CryptoAlgorithm.EspNull,
        };

        Assert.That(() => WiresharkEspSaTable.ToRow(sa), Throws.ArgumentException.With.Message.Contains("Source"));
    }

    [Test]
    public void Row_KeyOfWrongLength_ThrowsNamingLengths()
    {
        EspSaDescription sa = new()
        {
            IpVersion = EspSaIpVersion.IPv4,
            Source = "*",
            Destination = "*",
            Spi = 1,
            Encryption = CryptoAlgorithm.AesCbc256,
            EncryptionKey = Key(16, 1),
        };

        Assert.That(() => WiresharkEspSaTable.ToRow(sa), Throws.ArgumentException.With.Message.Contains("32-byte key, SA has 16"));
    }

    [Test]
    public void Row_GcmWithHmac_ThrowsArgumentException()
    {
        EspSaDescription sa = Sa(CryptoAlgorithm.AesGcm128);
        EspSaDescription both = new()
        {
            IpVersion = sa.IpVersion, Source = sa.Source, Destination = sa.Destination, Spi = sa.Spi, Encryption = sa.Encryption,
            EncryptionKey = sa.EncryptionKey, Salt = sa.Salt, Integrity = CryptoAlgorithm.HmacSha256, IntegrityKey = Key(32, 1),
        };

        Assert.That(() => WiresharkEspSaTable.ToRow(both), Throws.ArgumentException.With.Message.Contains("authenticates itself"));
    }

    [Test]
    public void UatFileAndTsharkArguments_CarryEveryRowInOrder()
    {
        EspSaDescription[] sas = [Sa(CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1), Sa(CryptoAlgorithm.AesGcm256)];

        string file = WiresharkEspSaTable.ToUatFile(sas);
        IReadOnlyList<string> arguments = WiresharkEspSaTable.ToTsharkArguments(sas);

        string[] lines = file.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines, Has.Length.EqualTo(3));
            Assert.That(lines[0], Does.StartWith("#"));
            Assert.That(lines[1], Is.EqualTo(WiresharkEspSaTable.ToRow(sas[0]).ToUatRecord()));
            Assert.That(lines[2], Is.EqualTo(WiresharkEspSaTable.ToRow(sas[1]).ToUatRecord()));
            Assert.That(arguments, Is.EqualTo(new[]
            {
                "-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE",
                "-o", "uat:esp_sa:" + lines[1], "-o", "uat:esp_sa:" + lines[2],
            }));
            Assert.That(WiresharkEspSaTable.ToPreferencesFile(),
                Is.EqualTo("esp.enable_encryption_decode: TRUE\nesp.enable_authentication_check: TRUE\n"));
        }
    }
}
