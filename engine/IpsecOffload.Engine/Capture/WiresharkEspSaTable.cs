using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IpsecOffload.Engine.Crypto;

namespace IpsecOffload.Engine.Capture;

/// <summary>How <see cref="WiresharkEspSaTable"/> treats an SA that Wireshark 4.0 cannot fully check.</summary>
public enum WiresharkExportMode
{
    /// <summary>Throw <see cref="WiresharkUnsupportedSaException"/> naming what Wireshark 4.0 cannot do.</summary>
    Strict,

    /// <summary>Export what Wireshark can use (decryption, or the payload in clear) and record the ICV check as not done.</summary>
    BestEffort,
}

/// <summary>What Wireshark 4.0 does with the ICV of packets on an exported SA.</summary>
public enum WiresharkIcvCheck
{
    /// <summary>The SA has no ICV (cipher without integrity).</summary>
    NoIcv,

    /// <summary>Wireshark recomputes the ICV and reports esp.icv_good / esp.icv_bad.</summary>
    Checked,

    /// <summary>Wireshark shows the ICV but does not check it ("ANY n bit authentication [no checking]").</summary>
    NotChecked,

    /// <summary>Wireshark checks the ICV with the wrong input and reports it bad even for a correct packet (AES-GCM with ESN).</summary>
    ReportedBad,
}

/// <summary>
/// One record of Wireshark's <c>esp_sa</c> table: the eight fields of Wireshark 4.0 (protocol,
/// source, destination, SPI, encryption algorithm, encryption key, authentication algorithm,
/// authentication key), plus what Wireshark will and will not check. <see cref="ToString"/> never
/// shows keys; <see cref="ToUatRecord"/> does, because writing them is the point of the export.
/// </summary>
public sealed class WiresharkEspSaRow
{
    internal WiresharkEspSaRow(string protocol, string source, string destination, string spi, string encryptionAlgorithm,
        string encryptionKey, string authenticationAlgorithm, string authenticationKey, WiresharkIcvCheck icvCheck, IReadOnlyList<string> limitations)
    {
        Protocol = protocol;
        Source = source;
        Destination = destination;
        Spi = spi;
        EncryptionAlgorithm = encryptionAlgorithm;
        EncryptionKey = encryptionKey;
        AuthenticationAlgorithm = authenticationAlgorithm;
        AuthenticationKey = authenticationKey;
        IcvCheck = icvCheck;
        Limitations = limitations;
    }

    /// <summary>"IPv4" or "IPv6".</summary>
    public string Protocol { get; }

    /// <summary>Source address text or "*".</summary>
    public string Source { get; }

    /// <summary>Destination address text or "*".</summary>
    public string Destination { get; }

    /// <summary>SPI as "0x" and 8 hex digits.</summary>
    public string Spi { get; }

    /// <summary>Wireshark 4.0's exact encryption algorithm name, e.g. "AES-GCM with 16 octet ICV [RFC4106]".</summary>
    public string EncryptionAlgorithm { get; }

    /// <summary>Wireshark 4.0's exact authentication algorithm name, e.g. "HMAC-SHA-256-128 [RFC4868]".</summary>
    public string AuthenticationAlgorithm { get; }

    /// <summary>What Wireshark will do with the ICV.</summary>
    public WiresharkIcvCheck IcvCheck { get; }

    /// <summary>Why the row checks less than the SA defines (empty when it checks everything).</summary>
    public IReadOnlyList<string> Limitations { get; }

    private string EncryptionKey { get; }

    private string AuthenticationKey { get; }

    /// <summary>The record as one line of the <c>esp_sa</c> file (and of <c>-o uat:esp_sa:…</c>), keys included.</summary>
    public string ToUatRecord() =>
        string.Join(',', new[] { Protocol, Source, Destination, Spi, EncryptionAlgorithm, EncryptionKey, AuthenticationAlgorithm, AuthenticationKey }
            .Select(field => "\"" + field + "\""));

    /// <summary>The record without key material.</summary>
    public override string ToString() =>
        $"\"{Protocol}\",\"{Source}\",\"{Destination}\",\"{Spi}\",\"{EncryptionAlgorithm}\",<key not shown>,\"{AuthenticationAlgorithm}\",<key not shown>; ICV {IcvCheck}";
}

/// <summary>An SA Wireshark 4.0 cannot decrypt or check as defined, in <see cref="WiresharkExportMode.Strict"/> mode.</summary>
public sealed class WiresharkUnsupportedSaException : NotSupportedException
{
    /// <summary>Creates the exception with the standard message.</summary>
    public WiresharkUnsupportedSaException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WiresharkUnsupportedSaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    public WiresharkUnsupportedSaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Exports ESP SAs as the <c>esp_sa</c> user access table of Wireshark/tshark 4.0 (Debian 12 ships
/// 4.0.17), so evidence captures can be decrypted and their ICVs checked. Field order and algorithm
/// names were taken from tshark 4.0.17 itself (the strings in its dissector and experiments); see
/// docs/wireshark-interop.md. Wireshark 4.0 has no ESN field in the table and no RFC 4543 (GMAC)
/// transform: such SAs throw in <see cref="WiresharkExportMode.Strict"/> mode.
/// </summary>
public static class WiresharkEspSaTable
{
    /// <summary>The Wireshark release whose table format and algorithm names this class writes.</summary>
    public const string WiresharkVersion = "4.0";

    /// <summary>File name of the table in a Wireshark configuration or profile directory.</summary>
    public const string UatFileName = "esp_sa";

    /// <summary>File name of the preferences file in a configuration or profile directory.</summary>
    public const string PreferencesFileName = "preferences";

    /// <summary>The two ESP preferences that make Wireshark use the table (as <c>-o name:value</c> values).</summary>
    public static IReadOnlyList<string> Preferences { get; } =
        ["esp.enable_encryption_decode:TRUE", "esp.enable_authentication_check:TRUE"];

    /// <summary>What the ESP dissector of Wireshark 4.0 cannot do with this suite's SAs.</summary>
    public static IReadOnlyList<string> Wireshark40Cannot { get; } =
    [
        "AES-GMAC (RFC 4543 ENCR_NULL_AUTH_AES_GMAC): no such transform; the payload is only shown (NULL + 'ANY 128 bit authentication [no checking]')",
        "extended sequence numbers (RFC 4303 §2.2.1): the esp_sa table has no ESN field, so the high 32 bits are missing from the HMAC input and the GCM AAD",
    ];

    private const string Null = "NULL";
    private const string DesCbc = "DES-CBC [RFC2405]";
    private const string TripleDesCbc = "TripleDES-CBC [RFC2451]";
    private const string AesCbc = "AES-CBC [RFC3602]";
    private const string HmacMd5 = "HMAC-MD5-96 [RFC2403]";
    private const string HmacSha1 = "HMAC-SHA-1-96 [RFC2404]";
    private const string HmacSha256 = "HMAC-SHA-256-128 [RFC4868]";
    private const string Any96Unchecked = "ANY 96 bit authentication [no checking]";
    private const string Any128Unchecked = "ANY 128 bit authentication [no checking]";

    private static string AesGcm(int icvLength) => $"AES-GCM with {icvLength.ToString(CultureInfo.InvariantCulture)} octet ICV [RFC4106]";

    /// <summary>
    /// Maps one SA to its table record. Throws <see cref="ArgumentException"/> for an SA that is not
    /// valid (wrong key or salt length, integrity with an AEAD, bad address), and
    /// <see cref="WiresharkUnsupportedSaException"/> in strict mode for one Wireshark 4.0 cannot check.
    /// </summary>
    public static WiresharkEspSaRow ToRow(EspSaDescription sa, WiresharkExportMode mode = WiresharkExportMode.Strict)
    {
        ArgumentNullException.ThrowIfNull(sa);
        Validate(sa);
        string protocol = sa.IpVersion == EspSaIpVersion.IPv4 ? "IPv4" : "IPv6";
        string source = Address(sa.Source, sa.IpVersion, nameof(sa.Source));
        string destination = Address(sa.Destination, sa.IpVersion, nameof(sa.Destination));
        string spi = "0x" + sa.Spi.ToString("x8", CultureInfo.InvariantCulture);
        CryptoAlgorithm e = sa.Encryption;
        var limitations = new List<string>();
        string encryption;
        string encryptionKey;
        string authentication = Null;
        string authenticationKey = string.Empty;
        WiresharkIcvCheck icv;

        if (e.Kind == CryptoAlgorithmKind.Integrity)
        {
            // RFC 4543 NULL-auth GMAC: Wireshark 4.0 has no such transform.
            Unsupported(sa, mode, "AES-GMAC (RFC 4543) has no Wireshark 4.0 transform");
            encryption = Null;
            encryptionKey = string.Empty;
            authentication = Any128Unchecked;
            icv = WiresharkIcvCheck.NotChecked;
            limitations.Add("AES-GMAC ICV not checked: exported as NULL encryption with an unchecked 16-byte ICV");
        }
        else if (e.Kind == CryptoAlgorithmKind.Aead)
        {
            int icvLength = sa.IcvLength == 0 ? e.DefaultIcvLength : sa.IcvLength;
            encryption = AesGcm(icvLength);

            // RFC 4106 §8.1: the key material is the AES key followed by the 4-byte salt.
            encryptionKey = HexKey([.. sa.EncryptionKey.Span, .. sa.Salt.Span]);
            icv = WiresharkIcvCheck.Checked;
            if (sa.ExtendedSequenceNumbers)
            {
                Unsupported(sa, mode, "AES-GCM with ESN needs the 12-byte AAD of RFC 4106 §5; Wireshark 4.0 always uses 8 bytes");
                icv = WiresharkIcvCheck.ReportedBad;
                limitations.Add("ESN: Wireshark 4.0 decrypts but reports every ICV as bad (8-byte AAD without the high sequence bits)");
            }
        }
        else
        {
            encryption = e.Id switch
            {
                CryptoAlgorithmId.EspNull => Null,
                CryptoAlgorithmId.DesCbc => DesCbc,
                CryptoAlgorithmId.TripleDesCbc => TripleDesCbc,
                _ => AesCbc,
            };
            encryptionKey = e.Id == CryptoAlgorithmId.EspNull ? string.Empty : HexKey(sa.EncryptionKey.Span);
            icv = WiresharkIcvCheck.NoIcv;
            if (sa.Integrity is { } integrity)
            {
                authenticationKey = HexKey(sa.IntegrityKey.Span);
                authentication = integrity.Id switch
                {
                    CryptoAlgorithmId.HmacMd5 => HmacMd5,
                    CryptoAlgorithmId.HmacSha1 => HmacSha1,
                    _ => HmacSha256,
                };
                icv = WiresharkIcvCheck.Checked;
                if (sa.ExtendedSequenceNumbers)
                {
                    Unsupported(sa, mode, "HMAC with ESN covers the high 32 sequence bits (RFC 4303 §2.2.1); Wireshark 4.0 cannot add them");
                    authentication = integrity.DefaultIcvLength == 12 ? Any96Unchecked : Any128Unchecked;
                    authenticationKey = string.Empty;
                    icv = WiresharkIcvCheck.NotChecked;
                    limitations.Add("ESN: ICV not checked (Wireshark 4.0 cannot include the high sequence bits)");
                }
            }
        }

        return new WiresharkEspSaRow(protocol, source, destination, spi, encryption, encryptionKey, authentication, authenticationKey, icv, limitations);
    }

    /// <summary>
    /// The text of an <c>esp_sa</c> file: a comment line, then one record per SA in order (Wireshark
    /// tries records in order and uses the first whose addresses and SPI match).
    /// </summary>
    public static string ToUatFile(IEnumerable<EspSaDescription> sas, WiresharkExportMode mode = WiresharkExportMode.Strict)
    {
        ArgumentNullException.ThrowIfNull(sas);
        var text = new StringBuilder();
        text.Append("# Wireshark ").Append(WiresharkVersion).Append(" ESP SA table exported by IpsecConformance. Contains key material.\n");
        foreach (EspSaDescription sa in sas)
        {
            text.Append(ToRow(sa, mode).ToUatRecord()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The text of a <c>preferences</c> file that enables ESP decryption and ICV checking.</summary>
    public static string ToPreferencesFile() =>
        string.Concat(Preferences.Select(p => p.Replace(":", ": ", StringComparison.Ordinal) + "\n"));

    /// <summary>
    /// tshark arguments that carry the preferences and the table on the command line
    /// (<c>-o esp.enable_encryption_decode:TRUE … -o uat:esp_sa:"IPv4",…</c>), one array element per
    /// argument. Keys then appear in the process's command line; prefer <see cref="WriteConfigurationDirectory"/>.
    /// </summary>
    public static IReadOnlyList<string> ToTsharkArguments(IEnumerable<EspSaDescription> sas, WiresharkExportMode mode = WiresharkExportMode.Strict)
    {
        ArgumentNullException.ThrowIfNull(sas);
        var arguments = new List<string>();
        foreach (string preference in Preferences)
        {
            arguments.Add("-o");
            arguments.Add(preference);
        }

        foreach (EspSaDescription sa in sas)
        {
            arguments.Add("-o");
            arguments.Add("uat:" + UatFileName + ":" + ToRow(sa, mode).ToUatRecord());
        }

        return arguments;
    }

    /// <summary>
    /// Writes <c>esp_sa</c> and <c>preferences</c> into <paramref name="directory"/>, usable as a
    /// Wireshark profile folder or as <c>WIRESHARK_CONFIG_DIR</c>.
    /// </summary>
    public static void WriteConfigurationDirectory(string directory, IEnumerable<EspSaDescription> sas, WiresharkExportMode mode = WiresharkExportMode.Strict)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string table = ToUatFile(sas, mode);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, UatFileName), table);
        File.WriteAllText(Path.Combine(directory, PreferencesFileName), ToPreferencesFile());
    }

    private static void Validate(EspSaDescription sa)
    {
        CryptoAlgorithm e = sa.Encryption;
        if (e.Kind == CryptoAlgorithmKind.Integrity && e.SaltLength == 0)
        {
            throw new ArgumentException($"{e.Name} is an integrity algorithm; ESP's Encryption must be a cipher, AES-GCM or AES-GMAC", nameof(sa));
        }

        if (sa.EncryptionKey.Length != e.KeyLength)
        {
            throw new ArgumentException($"{e.Name} needs a {e.KeyLength}-byte key, SA has {sa.EncryptionKey.Length}", nameof(sa));
        }

        if (sa.Salt.Length != e.SaltLength)
        {
            throw new ArgumentException($"{e.Name} needs a {e.SaltLength}-byte salt, SA has {sa.Salt.Length}", nameof(sa));
        }

        if (e.Kind != CryptoAlgorithmKind.Cipher && sa.Integrity is not null)
        {
            throw new ArgumentException($"{e.Name} authenticates itself; the SA must not also name {sa.Integrity.Name}", nameof(sa));
        }

        if (sa.Integrity is { } integrity)
        {
            if (integrity.Kind != CryptoAlgorithmKind.Integrity || integrity.SaltLength != 0)
            {
                throw new ArgumentException($"{integrity.Name} is not an HMAC integrity algorithm", nameof(sa));
            }

            if (sa.IntegrityKey.IsEmpty)
            {
                throw new ArgumentException($"{integrity.Name} needs a key, SA has none", nameof(sa));
            }
        }
        else if (!sa.IntegrityKey.IsEmpty)
        {
            throw new ArgumentException($"SA has a {sa.IntegrityKey.Length}-byte integrity key but no integrity algorithm", nameof(sa));
        }

        int expectedIcv = e.Kind == CryptoAlgorithmKind.Cipher ? sa.Integrity?.DefaultIcvLength ?? 0 : e.DefaultIcvLength;
        bool icvOk = sa.IcvLength == 0 || (e.Kind == CryptoAlgorithmKind.Aead ? e.SupportsIcvLength(sa.IcvLength) : sa.IcvLength == expectedIcv);
        if (!icvOk)
        {
            throw new ArgumentException($"ICV length {sa.IcvLength} is not valid for {e.Name}" +
                (sa.Integrity is null ? string.Empty : $" with {sa.Integrity.Name}") + $" (expected {expectedIcv})", nameof(sa));
        }
    }

    private static void Unsupported(EspSaDescription sa, WiresharkExportMode mode, string reason)
    {
        if (mode == WiresharkExportMode.Strict)
        {
            throw new WiresharkUnsupportedSaException(
                $"Wireshark {WiresharkVersion} cannot check SA {sa}: {reason}. Wireshark {WiresharkVersion} cannot check: " +
                string.Join("; ", Wireshark40Cannot) + ". Export with WiresharkExportMode.BestEffort to write the SA without that check.");
        }
    }

    private static string Address(string text, EspSaIpVersion version, string field)
    {
        if (text == "*")
        {
            return text;
        }

        AddressFamily family = version == EspSaIpVersion.IPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(text, out IPAddress? address) || address.AddressFamily != family || (family == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            throw new ArgumentException($"{field} '{text}' is not an {version} address or '*'", field);
        }

        return address.ToString();
    }

    private static string HexKey(ReadOnlySpan<byte> key) => "0x" + Convert.ToHexStringLower(key);
}
