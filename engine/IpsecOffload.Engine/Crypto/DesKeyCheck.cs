using System.Security.Cryptography;

namespace IpsecOffload.Engine.Crypto;

/// <summary>
/// DES keys that .NET refuses: the 4 weak and 12 semi-weak DES keys (FIPS 74 §3.6, parity bits
/// ignored) and 3DES keys whose thirds degenerate to single DES (K1 = K2 or K2 = K3, RFC 2451 §2.3).
/// </summary>
/// <remarks>
/// Decision: both backends ACCEPT such keys, as a NIC given them by the transport would; nothing in
/// NDIS lets a miniport refuse them. <see cref="DotNetCryptoBackend"/> cannot key .NET's DES/TripleDES
/// with them (they throw <see cref="CryptographicException"/>), so for those SAs it falls back to the
/// BouncyCastle engine and says so in <see cref="IPacketTransform.Implementation"/>; for those SAs the
/// two backends are then not independent. Code that wants to reject such keys calls <see cref="IsWeak"/>.
/// </remarks>
public static class DesKeyCheck
{
    /// <summary>
    /// True when <paramref name="key"/> is a weak or semi-weak DES key (DES-CBC) or a degenerate 3DES key
    /// (3DES-CBC), i.e. exactly when .NET would refuse it. False for every other algorithm or key length.
    /// </summary>
    public static bool IsWeak(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (key.Length != algorithm.KeyLength)
        {
            return false;
        }

        // CA5350/CA5351: DES and 3DES are NDIS IPsec offload algorithms; this only classifies keys.
#pragma warning disable CA5350, CA5351
        byte[] copy = key.ToArray();
        try
        {
            return algorithm.Id switch
            {
                CryptoAlgorithmId.DesCbc => DES.IsWeakKey(copy) || DES.IsSemiWeakKey(copy),
                CryptoAlgorithmId.TripleDesCbc => TripleDES.IsWeakKey(copy),
                _ => false,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
#pragma warning restore CA5350, CA5351
    }
}
