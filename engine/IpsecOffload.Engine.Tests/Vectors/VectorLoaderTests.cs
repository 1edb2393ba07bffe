using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Vectors;

namespace IpsecOffload.Engine.Tests.Vectors;

public class VectorLoaderTests
{
    // A schema-shaped transform vector (values illustrative; the loader only parses).
    private const string Good = """
        {
          "id": "esp-tun-v4-gcm128-0001",
          "source": "test",
          "proto": "esp",
          "mode": "tunnel",
          "spi": 4294967295,
          "seq": 16909060,
          "esn": true,
          "seqHigh": 7,
          "encryption": {"alg": "aes-gcm", "key": "000102030405060708090a0b0c0d0e0f", "salt": "cafebabe"},
          "integrity": null,
          "icvLength": 16,
          "iv": "0000000701020304",
          "tunnel": {"src": "192.0.2.1", "dst": "192.0.2.2"},
          "udpEncap": null,
          "plainPacket": "4500",
          "wirePacket": "4500ff"
        }
        """;

    [Test]
    public void Parse_ReadsEveryFieldOfATransformVector()
    {
        VectorLoadResult result = VectorLoader.Parse("good.json", Good);
        Assert.That(result.Errors, Is.Empty);
        GoldenVector v = result.Vectors.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(v.Spi, Is.EqualTo(0xFFFF_FFFFu));
            Assert.That(v.Sequence64, Is.EqualTo(0x0000_0007_0102_0304UL));
            Assert.That(v.Mode, Is.EqualTo(VectorMode.Tunnel));
            Assert.That(v.Encryption.Salt, Is.EqualTo(new byte[] { 0xca, 0xfe, 0xba, 0xbe }));
            Assert.That(v.WirePacket, Is.EqualTo(new byte[] { 0x45, 0x00, 0xff }));
            Assert.That(VectorAlgorithms.TryResolve(v, out ResolvedAlgorithms algorithms, out string? error), Is.True, error);
            Assert.That(algorithms.Encryption, Is.SameAs(CryptoAlgorithm.AesGcm128));
            Assert.That(v.Encryption.ToString(), Does.Not.Contain("0001020304"), "key material never printed");
        }
    }

    [TestCase("\"spi\": 4294967295", "\"spi\": 4294967296", "spi")]
    [TestCase("\"wirePacket\": \"4500ff\"", "\"wirePacket\": \"4500FF\"", "wirePacket")]
    [TestCase("\"wirePacket\": \"4500ff\"", "\"wirePacket\": \"4500f\"", "wirePacket")]
    [TestCase("\"proto\": \"esp\"", "\"proto\": \"isakmp\"", "proto")]
    [TestCase("\"esn\": true", "\"esn\": false", "seqHigh")]
    [TestCase("\"tunnel\": {\"src\": \"192.0.2.1\", \"dst\": \"192.0.2.2\"}", "\"tunnel\": null", "tunnel")]
    public void Parse_MalformedField_IsReportedWithFileIdAndField(string from, string to, string field)
    {
        VectorLoadResult result = VectorLoader.Parse("bad.json", Good.Replace(from, to, StringComparison.Ordinal));
        VectorLoadError error = result.Errors.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Vectors, Is.Empty);
            Assert.That(error.Field, Is.EqualTo(field));
            Assert.That(error.ToString(), Does.StartWith("bad.json [esp-tun-v4-gcm128-0001]: " + field));
        }
    }

    [Test]
    public void Parse_ArrayOfVectors_KeepsGoodOnesWhenOneIsBad()
    {
        string json = "[" + Good + "," + Good.Replace("\"mode\": \"tunnel\"", "\"mode\": \"sideways\"", StringComparison.Ordinal) + "]";
        VectorLoadResult result = VectorLoader.Parse("two.json", json);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Vectors, Has.Count.EqualTo(1));
            Assert.That(result.Errors.Single().Field, Is.EqualTo("mode"));
        }
    }

    [Test]
    public void Parse_NotJson_IsOneErrorNotAnException()
    {
        VectorLoadResult result = VectorLoader.Parse("x.json", "{ nope");
        Assert.That(result.Errors.Single().Field, Is.EqualTo("json"));
    }

    [TestCase("aes-cbc", 24, null, 0, "hmac-sha1-96", 12, true)]
    [TestCase("aes-cbc", 20, null, 0, "hmac-sha1-96", 12, false)]
    [TestCase("aes-gcm", 32, "01020304", 8, null, 8, true)]
    [TestCase("aes-gcm", 32, null, 0, null, 16, false)]
    [TestCase("aes-gcm", 16, "01020304", 4, null, 4, false)]
    [TestCase("null", 0, null, 0, "hmac-sha256-128", 16, true)]
    [TestCase("null", 0, null, 0, "hmac-sha256-128", 12, false)]
    [TestCase("des-cbc", 8, null, 0, "hmac-md5-96", 12, true)]
    [TestCase("null", 0, null, 0, "hmac-sha512-256", 32, false)]
    public void TryResolve_ChecksKeyLengthsSaltAndIcv(string alg, int keyLength, string? salt, int saltLength, string? integrity, int icv, bool ok)
    {
        _ = saltLength;
        string json = Good
            .Replace("\"aes-gcm\", \"key\": \"000102030405060708090a0b0c0d0e0f\", \"salt\": \"cafebabe\"",
                $"\"{alg}\", \"key\": \"{new string('a', keyLength * 2)}\", \"salt\": {(salt is null ? "null" : $"\"{salt}\"")}", StringComparison.Ordinal)
            .Replace("\"integrity\": null", integrity is null ? "\"integrity\": null" : $"\"integrity\": {{\"alg\": \"{integrity}\", \"key\": \"0102\"}}", StringComparison.Ordinal)
            .Replace("\"icvLength\": 16", $"\"icvLength\": {icv}", StringComparison.Ordinal);
        GoldenVector v = VectorLoader.Parse("v.json", json).Vectors.Single();
        Assert.That(VectorAlgorithms.TryResolve(v, out _, out string? error), Is.EqualTo(ok), error);
    }
}
