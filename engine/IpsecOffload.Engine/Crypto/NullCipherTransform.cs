namespace IpsecOffload.Engine.Crypto;

/// <summary>ENCR_NULL (RFC 2410): no IV, any length, data unchanged. Shared by both backends.</summary>
internal sealed class NullCipherTransform : ICipherTransform
{
    public CryptoAlgorithm Algorithm => CryptoAlgorithm.EspNull;

    public string Implementation => "identity (RFC 2410)";

    public int IvLength => 0;

    public int BlockSize => 1;

    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data) => CryptoChecks.Iv(Algorithm, iv);

    public void Decrypt(ReadOnlySpan<byte> iv, Span<byte> data) => CryptoChecks.Iv(Algorithm, iv);

    public void Dispose()
    {
    }
}
