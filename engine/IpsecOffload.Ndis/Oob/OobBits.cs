namespace IpsecOffload.Ndis.Oob;

/// <summary>
/// The one place that moves bitfields in and out of a 32-bit OOB word and slot values in and out
/// of the pointer-sized slot. MSVC allocates same-type bitfields from bit 0 upward (spec digest,
/// conventions), so a field is (lo, width) within the little-endian dword.
/// </summary>
internal static class OobBits
{
    private const ulong LowDwordMask = 0xFFFF_FFFF;

    /// <summary>The low 32 bits of a slot; the whole slot must fit on x86.</summary>
    public static uint LowDword(ulong slot, NdisAbi abi, string structure)
    {
        RequireFits(slot, abi, structure, "slot");
        return (uint)(slot & LowDwordMask);
    }

    /// <summary>A handle unpacked from a slot; the whole slot must fit on x86.</summary>
    public static ulong Handle(ulong slot, NdisAbi abi, string structure)
    {
        RequireFits(slot, abi, structure, "slot");
        return slot;
    }

    /// <summary>The slot value of a handle; refuses a handle wider than an x86 pointer.</summary>
    public static ulong HandleSlot(ulong handle, NdisAbi abi, string member)
    {
        RequireFits(handle, abi, member, "handle");
        return handle;
    }

    /// <summary>True when <paramref name="value"/> fits in a pointer of <paramref name="abi"/>.</summary>
    public static bool Fits(ulong value, NdisAbi abi) => abi == NdisAbi.X64 || value <= uint.MaxValue;

    /// <summary>Field value at bits <paramref name="lo"/>..lo+width-1.</summary>
    public static uint Get(uint word, int lo, int width) => (word >> lo) & Mask(width);

    /// <summary>The single bit at <paramref name="bit"/>.</summary>
    public static bool GetFlag(uint word, int bit) => ((word >> bit) & 1u) != 0;

    /// <summary>A range-checked field value already shifted into place.</summary>
    public static uint Put(uint value, int lo, int width) => (value & Mask(width)) << lo;

    /// <summary>The single bit at <paramref name="bit"/>, set when <paramref name="flag"/>.</summary>
    public static uint PutFlag(bool flag, int bit) => flag ? 1u << bit : 0u;

    /// <summary>Returns <paramref name="value"/> or throws when it needs more than <paramref name="width"/> bits.</summary>
    public static uint CheckWidth(uint value, int width, string member)
    {
        uint max = Mask(width);
        if (value > max)
        {
            throw new ArgumentOutOfRangeException(
                member, value, $"{member} is {value} (0x{value:X}); the {width}-bit field holds at most {max} (0x{max:X}).");
        }

        return value;
    }

    private static uint Mask(int width) => width >= 32 ? uint.MaxValue : (1u << width) - 1;

    private static void RequireFits(ulong value, NdisAbi abi, string what, string kind)
    {
        if (!Fits(value, abi))
        {
            throw new ArgumentOutOfRangeException(
                kind, value, $"{what}: {kind} 0x{value:X16} does not fit an x86 pointer-sized slot (at most 0x{uint.MaxValue:X8}).");
        }
    }
}
