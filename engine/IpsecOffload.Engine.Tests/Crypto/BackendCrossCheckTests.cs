using IpsecOffload.Engine.Crypto;

namespace IpsecOffload.Engine.Tests.Crypto;

public sealed class BackendCrossCheckTests
{
    private static IEnumerable<TestCaseData> Algorithms() =>
        CryptoAlgorithm.All.Select(a => new TestCaseData(a).SetArgDisplayNames(a.Name));

    [TestCaseSource(nameof(Algorithms))]
    public void CrossCheck_DotNetAgainstBouncyCastle_Passes(CryptoAlgorithm algorithm)
    {
        CrossCheckResult result = BackendCrossCheck.Run(
            algorithm, DotNetCryptoBackend.Instance, BouncyCastleCryptoBackend.Instance, cases: 20, seed: 1);
        Assert.That(result.Failure, Is.Null);
    }

    [TestCaseSource(nameof(Algorithms))]
    public void CrossCheck_AgainstABrokenBackend_ReportsTheFirstDisagreement(CryptoAlgorithm algorithm)
    {
        CrossCheckResult result = BackendCrossCheck.Run(
            algorithm, DotNetCryptoBackend.Instance, new OneBitOffBackend(BouncyCastleCryptoBackend.Instance), cases: 20, seed: 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Passed, Is.False);
            Assert.That(result.Failure, Does.Contain("seed 1"));
        }
    }

    /// <summary>Flips the lowest bit of the first ciphertext byte or ICV byte it produces.</summary>
    private sealed class OneBitOffBackend(ICryptoBackend inner) : ICryptoBackend
    {
        public string Name => "one-bit-off";

        public ICipherTransform CreateCipher(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key) =>
            new Cipher(inner.CreateCipher(algorithm, key));

        public IAeadTransform CreateAead(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength) =>
            new Aead(inner.CreateAead(algorithm, keyMaterial, icvLength));

        public IIntegrityTransform CreateIntegrity(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key) =>
            new Integrity(inner.CreateIntegrity(algorithm, key));

        private sealed class Cipher(ICipherTransform t) : ICipherTransform
        {
            public CryptoAlgorithm Algorithm => t.Algorithm;
            public string Implementation => t.Implementation;
            public int IvLength => t.IvLength;
            public int BlockSize => t.BlockSize;

            public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data)
            {
                t.Encrypt(iv, data);
                if (data.Length > 0)
                {
                    data[0] ^= 1;
                }
                else
                {
                    throw new InvalidOperationException("empty input: nothing to break");
                }
            }

            public void Decrypt(ReadOnlySpan<byte> iv, Span<byte> data) => t.Decrypt(iv, data);
            public void Dispose() => t.Dispose();
        }

        private sealed class Aead(IAeadTransform t) : IAeadTransform
        {
            public CryptoAlgorithm Algorithm => t.Algorithm;
            public string Implementation => t.Implementation;
            public int IvLength => t.IvLength;
            public int IcvLength => t.IcvLength;

            public void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> icv)
            {
                t.Encrypt(iv, associatedData, data, icv);
                icv[0] ^= 1;
            }

            public bool TryDecrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> icv) =>
                t.TryDecrypt(iv, associatedData, data, icv);

            public void Dispose() => t.Dispose();
        }

        private sealed class Integrity(IIntegrityTransform t) : IIntegrityTransform
        {
            public CryptoAlgorithm Algorithm => t.Algorithm;
            public string Implementation => t.Implementation;
            public int IvLength => t.IvLength;
            public int IcvLength => t.IcvLength;
            public void Start(ReadOnlySpan<byte> iv) => t.Start(iv);
            public void Append(ReadOnlySpan<byte> data) => t.Append(data);

            public void Finish(Span<byte> icv)
            {
                t.Finish(icv);
                icv[0] ^= 1;
            }

            public bool FinishAndVerify(ReadOnlySpan<byte> icv) => t.FinishAndVerify(icv);
            public void Dispose() => t.Dispose();
        }
    }
}
