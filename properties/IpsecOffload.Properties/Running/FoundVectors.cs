using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Properties.Generators;

namespace IpsecOffload.Properties.Running;

/// <summary>
/// Turns a shrunk counterexample into a vector file (format 1, <c>shared/design/vectors-schema.md</c>) for
/// review: a transform or LSO vector when the case is one protected packet (its <c>wirePacket</c>(s) are what
/// a fresh reference miniport sent for the same input, so <c>vectors check</c> replays the failure against any
/// adapter), a <c>scenario</c> vector otherwise. Sources read <c>found:&lt;property&gt; seed &lt;replay&gt;</c>
/// and notes say the vector is unreviewed: it moves into a reviewed folder only with independent provenance.
/// </summary>
public static class FoundVectors
{
    /// <summary>A transform vector of one protected packet.</summary>
    public static JsonObject Transform(string id, string source, SaDraw draw, SaSpec sa, BuiltNb nb, byte[]? referenceWire, string notes)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(nb);
        JsonObject o = Head(id, source, "transform", sa, draw, unchecked((uint)nb.Sequence), nb.Framed);
        o["plainPacket"] = Hex(nb.Plain);
        o["wirePacket"] = referenceWire is null ? null : Hex(referenceWire);
        o["framedPacket"] = Hex(nb.Framed.Packet);
        o["notes"] = notes;
        return o;
    }

    /// <summary>An LSO vector of one large packet.</summary>
    public static JsonObject Lso(string id, string source, LsoDraw draw, SaSpec sa, byte[] plain, byte[] iv, IReadOnlyList<byte[]> referenceWire, string notes)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(referenceWire);
        JsonObject o = Head(id, source, "lso", sa, draw.Sa, draw.Sa.FirstSequence, null, iv);
        o["lso"] = new JsonObject { ["mss"] = draw.Mss, ["version"] = draw.V1 ? 1 : 2 };
        o["plainPacket"] = Hex(plain);
        o["wirePackets"] = new JsonArray([.. referenceWire.Select(w => (JsonNode)Hex(w))]);
        o["tcpPayload"] = draw.Payload;
        o["notes"] = notes;
        return o;
    }

    /// <summary>A scenario vector: what was sent, on which handle, and the outcome the law requires.</summary>
    public static JsonObject Scenario(string id, string source, IReadOnlyList<string> requirements, JsonObject details, string notes)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var o = new JsonObject
        {
            ["id"] = id,
            ["source"] = source,
            ["kind"] = "scenario",
            ["requirement"] = new JsonArray([.. requirements.Select(r => (JsonNode)r)]),
        };
        foreach ((string key, JsonNode? value) in details.ToList())
        {
            details.Remove(key);
            o[key] = value;
        }

        o["notes"] = notes;
        return o;
    }

    /// <summary>Writes <paramref name="vector"/> to <c>&lt;folder&gt;/&lt;id&gt;.json</c> (2-space indent, LF, final newline); returns the path.</summary>
    public static string Write(string folder, JsonObject vector)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(vector);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, (string)vector["id"]! + ".json");
        File.WriteAllText(path, Engine.Vectors.VectorEmitter.ToFileText(vector));
        return path;
    }

    /// <summary>Lower-case hex.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static JsonObject Head(string id, string source, string kind, SaSpec sa, SaDraw draw, uint sequence, FramedPacket? framed, byte[]? lsoIv = null)
    {
        byte[] iv = lsoIv ?? IvOf(sa, framed);
        var o = new JsonObject
        {
            ["id"] = id,
            ["source"] = source,
            ["kind"] = kind,
            ["proto"] = sa.Protocol == IpsecProtocol.Ah ? "ah" : "esp",
            ["mode"] = draw.Mode == SaMode.Tunnel ? "tunnel" : "transport",
            ["spi"] = sa.Spi,
            ["seq"] = sequence,
            ["esn"] = sa.Esn,
            ["seqHigh"] = sa.SequenceNumberHigh,
            ["encryption"] = Encryption(sa),
            ["integrity"] = Integrity(sa),
            ["icvLength"] = sa.IcvLength,
            ["iv"] = Hex(iv),
        };
        TunnelHeader? tunnel = Materializer.Tunnel(draw);
        o["tunnel"] = tunnel is null || framed is null ? null : new JsonObject
        {
            ["src"] = tunnel.IsIPv6 ? new IPAddress(tunnel.SourceV6.Span).ToString() : new IPAddress(Be(tunnel.SourceV4)).ToString(),
            ["dst"] = tunnel.IsIPv6 ? new IPAddress(tunnel.DestinationV6.Span).ToString() : new IPAddress(Be(tunnel.DestinationV4)).ToString(),
            ["outerHeader"] = Hex(framed.Packet.AsSpan(0, tunnel.Length)),
        };
        o["udpEncap"] = Materializer.Udp(draw) is { } udp ? new JsonObject { ["sport"] = udp.SourcePort, ["dport"] = udp.DestinationPort } : null;
        return o;
    }

    private static byte[] Be(uint address)
    {
        byte[] bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return bytes;
    }

    private static byte[] IvOf(SaSpec sa, FramedPacket? framed)
    {
        if (framed is null || sa.IvLength == 0 || framed.Headers.Count == 0)
        {
            return [];
        }

        FramedHeader header = framed.Headers[^1];
        return framed.Packet.AsSpan(header.IvOffset, header.IvLength).ToArray();
    }

    private static JsonObject Encryption(SaSpec sa)
    {
        CryptoAlgorithm? cipher = sa.Encryption;
        if (cipher is null || cipher.Id == CryptoAlgorithmId.EspNull)
        {
            if (sa.Protocol == IpsecProtocol.Esp && sa.Integrity is { SaltLength: > 0 } gmac)
            {
                // ESP with AES-GMAC (ENCR_NULL_AUTH_AES_GMAC, RFC 4543): the schema names it as encryption.
                return new JsonObject { ["alg"] = "aes-gmac", ["key"] = Hex(sa.IntegrityKey.AsSpan(0, gmac.KeyLength)), ["salt"] = Hex(sa.IntegrityKey.AsSpan(gmac.KeyLength)) };
            }

            return new JsonObject { ["alg"] = "null", ["key"] = "", ["salt"] = null };
        }

        string alg = cipher.Id switch
        {
            CryptoAlgorithmId.DesCbc => "des-cbc",
            CryptoAlgorithmId.TripleDesCbc => "3des-cbc",
            CryptoAlgorithmId.AesGcm128 or CryptoAlgorithmId.AesGcm192 or CryptoAlgorithmId.AesGcm256 => "aes-gcm",
            _ => "aes-cbc",
        };
        return new JsonObject
        {
            ["alg"] = alg,
            ["key"] = Hex(sa.EncryptionKey.AsSpan(0, cipher.KeyLength)),
            ["salt"] = cipher.SaltLength > 0 ? Hex(sa.EncryptionKey.AsSpan(cipher.KeyLength)) : null,
        };
    }

    private static JsonObject? Integrity(SaSpec sa)
    {
        CryptoAlgorithm? mac = sa.Integrity;
        if (mac is null || (sa.Protocol == IpsecProtocol.Esp && mac.SaltLength > 0))
        {
            return null;
        }

        string alg = mac.Id switch
        {
            CryptoAlgorithmId.HmacMd5 => "hmac-md5-96",
            CryptoAlgorithmId.HmacSha1 => "hmac-sha1-96",
            CryptoAlgorithmId.HmacSha256 => "hmac-sha256-128",
            _ => "aes-gmac",
        };
        var o = new JsonObject { ["alg"] = alg, ["key"] = Hex(sa.IntegrityKey.AsSpan(0, mac.KeyLength)) };
        if (mac.SaltLength > 0)
        {
            o["salt"] = Hex(sa.IntegrityKey.AsSpan(mac.KeyLength));
        }

        return o;
    }

    /// <summary>The id of a found vector: <c>found-&lt;property in kebab case&gt;-&lt;seed&gt;-&lt;gamma&gt;</c>.</summary>
    public static string IdFor(string property, ulong seed, ulong gamma) =>
        string.Create(CultureInfo.InvariantCulture, $"found-{Kebab(property)}-{seed}-{gamma}");

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 && name[i - 1] != '_' ? "-" + char.ToLowerInvariant(c) : c == '_' ? "-" : char.ToLowerInvariant(c).ToString()));
}
