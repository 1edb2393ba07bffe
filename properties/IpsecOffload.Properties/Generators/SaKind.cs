using System.Globalization;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;

namespace IpsecOffload.Properties.Generators;

/// <summary>
/// One SA transform a v2 adapter can advertise: ESP with a cipher (or AEAD) and an optional MAC, or AH with a
/// MAC; its ICV length and the capability it needs.
/// </summary>
/// <param name="Name">Pascal-case name, e.g. <c>EspAesGcm128Icv16</c>.</param>
/// <param name="Protocol">ESP or AH.</param>
/// <param name="Cipher">ESP's cipher or AEAD (ESP-NULL for GMAC), null for AH.</param>
/// <param name="Mac">The integrity algorithm, or null for AES-GCM.</param>
/// <param name="IcvLength">ICV bytes on the wire.</param>
public sealed record SaKind(string Name, IpsecProtocol Protocol, CryptoAlgorithm? Cipher, CryptoAlgorithm? Mac, int IcvLength)
{
    /// <summary>The capability this transform needs.</summary>
    public Feature Feature => Protocol == IpsecProtocol.Ah ? Features.V2Ah(Mac!) : Features.V2Esp(Cipher, Mac);

    /// <summary>
    /// Every v2 transform, simplest first (shrinking moves toward the front): AES-GCM-128/16, AES-CBC-128 +
    /// HMAC-SHA1, ESP-NULL + HMAC-SHA1, then every other ESP cipher × MAC, AES-GCM with every ICV length,
    /// AES-GMAC, then AH with every MAC.
    /// </summary>
    public static IReadOnlyList<SaKind> All { get; } = Build();

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static List<SaKind> Build()
    {
        List<SaKind> list =
        [
            Esp(CryptoAlgorithm.AesGcm128, null, 16),
            Esp(CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1, 12),
            Esp(CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha1, 12),
        ];
        foreach (CryptoAlgorithm cipher in new[] { CryptoAlgorithm.AesCbc128, CryptoAlgorithm.AesCbc192, CryptoAlgorithm.AesCbc256, CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.DesCbc, CryptoAlgorithm.EspNull })
        {
            foreach (CryptoAlgorithm mac in new[] { CryptoAlgorithm.HmacMd5, CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacSha256 })
            {
                Add(list, Esp(cipher, mac, mac.DefaultIcvLength));
            }
        }

        foreach (CryptoAlgorithm gcm in new[] { CryptoAlgorithm.AesGcm128, CryptoAlgorithm.AesGcm192, CryptoAlgorithm.AesGcm256 })
        {
            foreach (int icv in gcm.IcvLengths)
            {
                Add(list, Esp(gcm, null, icv));
            }
        }

        foreach (CryptoAlgorithm gmac in new[] { CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256 })
        {
            Add(list, Esp(CryptoAlgorithm.EspNull, gmac, gmac.DefaultIcvLength));
        }

        foreach (CryptoAlgorithm mac in new[] { CryptoAlgorithm.HmacSha1, CryptoAlgorithm.HmacMd5, CryptoAlgorithm.HmacSha256, CryptoAlgorithm.AesGmac128, CryptoAlgorithm.AesGmac192, CryptoAlgorithm.AesGmac256 })
        {
            list.Add(new SaKind("Ah" + mac.Id, IpsecProtocol.Ah, null, mac, mac.DefaultIcvLength));
        }

        return list;
    }

    private static void Add(List<SaKind> list, SaKind kind)
    {
        if (!list.Any(k => k.Name == kind.Name))
        {
            list.Add(kind);
        }
    }

    private static SaKind Esp(CryptoAlgorithm cipher, CryptoAlgorithm? mac, int icv) =>
        new("Esp" + cipher.Id + (mac is null ? "Icv" + icv.ToString(CultureInfo.InvariantCulture) : mac.Id.ToString()), IpsecProtocol.Esp, cipher, mac, icv);
}
