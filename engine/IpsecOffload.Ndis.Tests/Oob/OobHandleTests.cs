using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oob;

/// <summary>
/// Pointer-sized handle slots (spec digest §2.2–§2.4): the whole 64-bit value on x64, at most
/// 2^32 − 1 on x86, where larger handles are refused.
/// </summary>
public class OobHandleTests
{
    private static readonly ulong[] Edges =
        [0, 1, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0x0102_0304_0506_0708];

    private static IEnumerable<TestCaseData> HandleTypes()
    {
        yield return new TestCaseData(new HandleType("V1.Transmit.OffloadHandle",
            (h, a) => new IPsecOffloadV1Transmit(h).ToSlot(a),
            (s, a) => IPsecOffloadV1Transmit.FromSlot(s, a).OffloadHandle,
            (h, a) => new IPsecOffloadV1Transmit(h).FitsIn(a))).SetArgDisplayNames("IPsecOffloadV1Transmit");
        yield return new TestCaseData(new HandleType("V2.Transmit.OffloadHandle",
            (h, a) => new IPsecOffloadV2Transmit(h).ToSlot(a),
            (s, a) => IPsecOffloadV2Transmit.FromSlot(s, a).OffloadHandle,
            (h, a) => new IPsecOffloadV2Transmit(h).FitsIn(a))).SetArgDisplayNames("IPsecOffloadV2Transmit");
        yield return new TestCaseData(new HandleType("V2Tunnel.Transmit.TunnelHandle",
            (h, a) => new IPsecOffloadV2TunnelTransmit(h).ToSlot(a),
            (s, a) => IPsecOffloadV2TunnelTransmit.FromSlot(s, a).TunnelHandle,
            (h, a) => new IPsecOffloadV2TunnelTransmit(h).FitsIn(a))).SetArgDisplayNames("IPsecOffloadV2TunnelTransmit");
    }

    [TestCaseSource(nameof(HandleTypes))]
    public void X64_EveryHandle_IsTheWholeSlot(HandleType t)
    {
        var random = TestSeeds.Create(301);
        IEnumerable<ulong> handles = Edges.Concat(Enumerable.Range(0, 4000).Select(_ => random.NextUInt64()));
        foreach (ulong h in handles)
        {
            ulong slot = t.Pack(h, NdisAbi.X64);
            if (slot != h || t.Unpack(slot, NdisAbi.X64) != h || !t.Fits(h, NdisAbi.X64))
            {
                Assert.Fail($"{t.Name} 0x{h:X16} on x64 packed to 0x{slot:X16} (seed {TestSeeds.Current})");
            }
        }

        Assert.Pass($"seed {TestSeeds.Current}");
    }

    [TestCaseSource(nameof(HandleTypes))]
    public void X86_HandlesBelow2Pow32_AreTheWholeSlot(HandleType t)
    {
        var random = TestSeeds.Create(302);
        IEnumerable<ulong> handles = Edges.Where(e => e <= uint.MaxValue)
            .Concat(Enumerable.Range(0, 4000).Select(_ => (ulong)random.NextUInt32()));
        foreach (ulong h in handles)
        {
            ulong slot = t.Pack(h, NdisAbi.X86);
            if (slot != h || t.Unpack(slot, NdisAbi.X86) != h || !t.Fits(h, NdisAbi.X86))
            {
                Assert.Fail($"{t.Name} 0x{h:X8} on x86 packed to 0x{slot:X16} (seed {TestSeeds.Current})");
            }
        }

        Assert.Pass($"seed {TestSeeds.Current}");
    }

    [TestCaseSource(nameof(HandleTypes))]
    public void X86_HandleOf2Pow32OrMore_IsRefused(HandleType t)
    {
        var random = TestSeeds.Create(303);
        ulong[] wide = [0x1_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, random.NextUInt64() | 0x1_0000_0000];
        using (Assert.EnterMultipleScope())
        {
            foreach (ulong h in wide)
            {
                Assert.That(t.Fits(h, NdisAbi.X86), Is.False, $"FitsIn 0x{h:X16}");
                Assert.That(() => t.Pack(h, NdisAbi.X86),
                    Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains($"0x{h:X16}"), $"pack 0x{h:X16}");
                Assert.That(() => t.Unpack(h, NdisAbi.X86), Throws.InstanceOf<ArgumentOutOfRangeException>(), $"unpack 0x{h:X16}");
            }
        }
    }

    public sealed record HandleType(
        string Name, Func<ulong, NdisAbi, ulong> Pack, Func<ulong, NdisAbi, ulong> Unpack, Func<ulong, NdisAbi, bool> Fits)
    {
        public override string ToString() => Name;
    }
}
