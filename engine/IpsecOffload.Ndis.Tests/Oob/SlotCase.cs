using System.Buffers.Binary;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Ndis.Tests.Oob;

/// <summary>One typed OOB value and the exact slot it must pack to, for one ABI.</summary>
public sealed class SlotCase
{
    private SlotCase(string name, NdisAbi abi, object value, ulong slot, Func<NdisAbi, ulong> pack, Func<ulong, NdisAbi, object> unpack)
    {
        Name = name;
        Abi = abi;
        Value = value;
        Slot = slot;
        Pack = pack;
        Unpack = unpack;
    }

    public string Name { get; }
    public NdisAbi Abi { get; }
    public object Value { get; }
    public ulong Slot { get; }
    public Func<NdisAbi, ulong> Pack { get; }
    public Func<ulong, NdisAbi, object> Unpack { get; }

    public static IEnumerable<TestCaseData> ForBothAbis<T>(string name, T value, ulong slot)
        where T : struct, INetBufferListInfo<T>
    {
        foreach (NdisAbi abi in new[] { NdisAbi.X64, NdisAbi.X86 })
        {
            var c = new SlotCase(name, abi, value, slot, a => value.ToSlot(a), (s, a) => T.FromSlot(s, a));
            yield return new TestCaseData(c).SetArgDisplayNames($"{typeof(T).Name}.{name}@{abi}");
        }
    }

    public override string ToString() => $"{Name}@{Abi}";
}

/// <summary>Full-range random values from a recorded seed (TestSeeds).</summary>
public static class RandomBits
{
    public static uint NextUInt32(this Random random)
    {
        Span<byte> b = stackalloc byte[4];
        random.NextBytes(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public static ulong NextUInt64(this Random random)
    {
        Span<byte> b = stackalloc byte[8];
        random.NextBytes(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>A value spread over exactly <paramref name="width"/> bits (all values equally likely).</summary>
    public static uint NextBits(this Random random, int width) =>
        width >= 32 ? random.NextUInt32() : random.NextUInt32() & ((1u << width) - 1);

    public static bool NextBool(this Random random) => random.Next(2) == 1;
}
