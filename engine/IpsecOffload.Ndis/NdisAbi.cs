namespace IpsecOffload.Ndis;

/// <summary>
/// The Windows ABI whose structure layout a codec reads or writes: x86 (ILP32) or x64 (LLP64).
/// <c>ULONG</c> is 32 bits on both; pointers, <c>HANDLE</c>, <c>NDIS_HANDLE</c> and <c>PVOID</c>
/// are 4 or 8 bytes. All layouts are little-endian.
/// </summary>
public enum NdisAbi
{
    /// <summary>64-bit Windows (LLP64): pointer-sized members are 8 bytes, 8-byte aligned.</summary>
    X64,
    /// <summary>32-bit Windows (ILP32): pointer-sized members are 4 bytes, 4-byte aligned.</summary>
    X86,
}

/// <summary>Sizes that depend on the <see cref="NdisAbi"/>.</summary>
public static class NdisAbiExtensions
{
    /// <summary>Bytes in a pointer, <c>HANDLE</c> or <c>NDIS_HANDLE</c>: 8 on x64, 4 on x86.</summary>
    public static int PointerSize(this NdisAbi abi) => abi == NdisAbi.X64 ? 8 : 4;

    /// <summary>The lower-case ABI name used by the adapter protocol (<c>"x64"</c>, <c>"x86"</c>).</summary>
    public static string ToProtocolName(this NdisAbi abi) => abi == NdisAbi.X64 ? "x64" : "x86";

    /// <summary>Parses <c>"x64"</c> or <c>"x86"</c>.</summary>
    public static bool TryParse(string? text, out NdisAbi abi)
    {
        switch (text)
        {
            case "x64": abi = NdisAbi.X64; return true;
            case "x86": abi = NdisAbi.X86; return true;
            default: abi = NdisAbi.X64; return false;
        }
    }
}
