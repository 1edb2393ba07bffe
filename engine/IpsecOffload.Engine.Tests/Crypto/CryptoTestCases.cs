using System.Text;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Crypto;

/// <summary>Both backends, and the product of backends × vectors as named NUnit cases.</summary>
internal static class CryptoTestCases
{
    public static IReadOnlyList<ICryptoBackend> Backends { get; } =
        [DotNetCryptoBackend.Instance, BouncyCastleCryptoBackend.Instance];

    public static string ShortName(ICryptoBackend backend) =>
        backend is DotNetCryptoBackend ? "dotnet" : "bouncycastle";

    public static IEnumerable<TestCaseData> BackendCases() =>
        Backends.Select(b => new TestCaseData(b).SetArgDisplayNames(ShortName(b)));

    /// <summary>One case per backend and vector, displayed as <c>(backend, vector-id)</c>.</summary>
    public static IEnumerable<TestCaseData> Cross<TVector>(IEnumerable<TVector> vectors, Func<TVector, string> id) =>
        from backend in Backends
        from vector in vectors
        select new TestCaseData(backend, vector).SetArgDisplayNames(ShortName(backend), id(vector));

    /// <summary>One case per backend, vector and ICV length.</summary>
    public static IEnumerable<TestCaseData> Cross<TVector>(IEnumerable<TVector> vectors, Func<TVector, string> id, int[] icvLengths) =>
        from backend in Backends
        from vector in vectors
        from icvLength in icvLengths
        select new TestCaseData(backend, vector, icvLength).SetArgDisplayNames(ShortName(backend), id(vector), $"icv{icvLength}");

    public static byte[] H(string hex) => Hex.Parse(hex);

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Repeat(byte value, int count) => Enumerable.Repeat(value, count).ToArray();

    /// <summary>ESP trailer for minimal padding (wire-formats §1.3): 01 02 … PadLen ‖ PadLen ‖ NextHeader.</summary>
    public static byte[] EspTrailer(int padLength, byte nextHeader)
    {
        var trailer = new byte[padLength + 2];
        for (int i = 0; i < padLength; i++)
        {
            trailer[i] = (byte)(i + 1);
        }

        trailer[padLength] = (byte)padLength;
        trailer[padLength + 1] = nextHeader;
        return trailer;
    }
}
