using System.Buffers.Binary;

namespace IpsecOffload.Ndis;

/// <summary>
/// <c>NDIS_OBJECT_HEADER</c> = <c>{ UCHAR Type; UCHAR Revision; USHORT Size; }</c>, 4 bytes,
/// little-endian, the same on x86 and x64 (ndis.h / ntddndis.h).
/// </summary>
/// <param name="Type">Object type, e.g. <see cref="NdisObjectType.Default"/> (0x80).</param>
/// <param name="Revision">Structure revision.</param>
/// <param name="Size">Structure size in bytes as the caller declares it.</param>
public readonly record struct NdisObjectHeader(byte Type, byte Revision, ushort Size)
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 4;

    private const int TypeOffset = 0, RevisionOffset = 1, SizeOffset = 2;

    /// <summary>Reads the header from the first 4 bytes; false when fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NdisObjectHeader header)
    {
        if (source.Length < Length)
        {
            header = default;
            return false;
        }

        header = new NdisObjectHeader(
            source[TypeOffset], source[RevisionOffset], BinaryPrimitives.ReadUInt16LittleEndian(source[SizeOffset..]));
        return true;
    }

    /// <summary>Writes the header into the first 4 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        destination[TypeOffset] = Type;
        destination[RevisionOffset] = Revision;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[SizeOffset..], Size);
    }
}

/// <summary><c>NDIS_OBJECT_TYPE_*</c> values used by the IPsec offload structures (spec digest §9.3).</summary>
public static class NdisObjectType
{
    /// <summary><c>NDIS_OBJECT_TYPE_DEFAULT</c>: the v2 SA structures and <c>NDIS_OFFLOAD_PARAMETERS</c>.</summary>
    public const byte Default = 0x80;
    /// <summary><c>NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES</c>.</summary>
    public const byte MiniportAdapterOffloadAttributes = 0xA0;
    /// <summary><c>NDIS_OBJECT_TYPE_OFFLOAD</c>: <c>NDIS_OFFLOAD</c>.</summary>
    public const byte Offload = 0xA7;
    /// <summary><c>NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION</c>.</summary>
    public const byte OffloadEncapsulation = 0xA8;
}
