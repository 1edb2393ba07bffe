using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>
/// Decoders never throw for bad input: valid buffers with random bytes overwritten, truncated or
/// extended, from a recorded seed. Each decoder either succeeds or returns an NdisError.
/// </summary>
public class NeverThrowsTests
{
    private const int Mutations = 300;

    public static IEnumerable<TestCaseData> Decoders()
    {
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            string a = abi.ToProtocolName();
            var sa = new IPsecV2SecurityAssociation(0, IPsecV2Operation.Esp, 1, default, IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.AesGcm128, 20, 0, 16), 0);
            var v2 = new IPsecV2AddSa(0, IPsecV2Endpoints.IPv4(1, 2), 0, 0, new[] { sa }, new byte[20]);
            var v1 = new OffloadIpsecAddSa(default, OffloadSaFlags.Inbound, new OffloadSecurityAssociation[] { new(OffloadOperation.Encrypt, 1, default, default) }, 0, new byte[8]);
            yield return D(a, "ADD_SA chain", IPsecV2Codec.EncodeAddSaChain([v2, v2, v2], abi), b => IPsecV2Codec.DecodeAddSaChain(b, abi).Succeeded);
            yield return D(a, "ADD_SA handles", IPsecV2Codec.EncodeAddSaChain([v2, v2], abi), b => IPsecV2Codec.ReadAddSaOffloadHandles(b, abi).Succeeded);
            yield return D(a, "ADD_SA_EX", IPsecV2Codec.EncodeAddSaEx(new(0, IPsecV2Endpoints.IPv4(1, 2), 0, 0, new[] { sa }, new byte[20]), abi), b => IPsecV2Codec.DecodeAddSaEx(b, abi).Succeeded);
            yield return D(a, "DELETE_SA chain", IPsecV2Codec.EncodeDeleteSaChain([new(1), new(2), new(3)], abi), b => IPsecV2Codec.DecodeDeleteSaChain(b, abi).Succeeded);
            yield return D(a, "UPDATE_SA", IPsecV2Codec.EncodeUpdateSa(new(1, IPsecV2Operation.Ah, 2, 3), abi), b => IPsecV2Codec.DecodeUpdateSa(b, abi).Succeeded);
            yield return D(a, "v1 ADD_SA", OffloadIpsecV1Codec.EncodeAddSa(v1, abi), b => OffloadIpsecV1Codec.DecodeAddSa(b, abi).Succeeded);
            yield return D(a, "v1 ADD_UDPESP_SA", OffloadIpsecV1Codec.EncodeAddUdpEspSa(new(v1.Filter, v1.Flags, v1.SecAssoc, 0, default, 0, v1.KeyMat), abi),
                b => OffloadIpsecV1Codec.DecodeAddUdpEspSa(b, abi).Succeeded);
        }

        yield return D("any", "NDIS_OFFLOAD_PARAMETERS", NdisOffloadParametersCodec.Encode(new NdisOffloadParameters()), b => NdisOffloadParametersCodec.Decode(b).Succeeded);
    }

    // A stable salt per case (string hash codes are randomized per process, so not replayable).
    private static TestCaseData D(string abi, string name, byte[] valid, Func<byte[], bool> decode) =>
        new TestCaseData(9000 + valid.Length * 7 + name.Length + (abi == "x86" ? 1 : 0), valid, decode).SetArgDisplayNames(abi, name);

    [TestCaseSource(nameof(Decoders))]
    public void Decoder_RandomlyMutatedBuffers_NeverThrows(int salt, byte[] valid, Func<byte[], bool> decode)
    {
        Assert.That(decode(valid), Is.True, "the unmutated buffer decodes");
        var random = TestSeeds.Create(salt);
        for (int i = 0; i < Mutations; i++)
        {
            byte[] b = random.Next(4) switch
            {
                0 => valid.AsSpan(0, random.Next(valid.Length)).ToArray(),
                1 => valid.Concat(new byte[random.Next(1, 40)]).ToArray(),
                _ => (byte[])valid.Clone(),
            };
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips && b.Length > 0; f++)
            {
                b[random.Next(b.Length)] = (byte)random.Next(256);
            }

            Assert.That(() => decode(b), Throws.Nothing, $"mutation {i} (seed {TestSeeds.Current}, salt {salt}): {Hex.Format(b)}");
        }
    }
}
