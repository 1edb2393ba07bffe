using System.Buffers.Binary;
using System.Globalization;

namespace IpsecOffload.Ndis.Oids;

/// <summary>
/// Pointer-sized reads and writes, little-endian native ULONG/USHORT and network-order (AMB-19) ULONG/USHORT
/// reads and writes, alignment, and error construction shared by the codecs.
/// </summary>
internal static class NativeFields
{
    public static ulong ReadPointer(ReadOnlySpan<byte> source, NdisAbi abi) =>
        abi == NdisAbi.X64 ? BinaryPrimitives.ReadUInt64LittleEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);

    /// <summary>Writes a HANDLE / pointer; a value wider than an x86 pointer is a caller bug.</summary>
    public static void WritePointer(Span<byte> destination, NdisAbi abi, ulong value, string field)
    {
        if (abi == NdisAbi.X64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, value);
            return;
        }

        if (value > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                field, value, $"{field} 0x{value:X} does not fit a 4-byte x86 pointer");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)value);
    }

    public static uint ReadULong(ReadOnlySpan<byte> source, int offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(source[offset..]);

    public static void WriteULong(Span<byte> destination, int offset, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], value);

    public static ushort ReadUShort(ReadOnlySpan<byte> source, int offset) =>
        BinaryPrimitives.ReadUInt16LittleEndian(source[offset..]);

    public static void WriteUShort(Span<byte> destination, int offset, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(destination[offset..], value);

    /// <summary>
    /// Reads a ULONG kept in network byte order (AMB-19: SPIs, <c>IPAddr</c>/<c>IPMask</c>): the four
    /// bytes are the wire bytes, so the value is read big-endian.
    /// </summary>
    public static uint ReadNetworkULong(ReadOnlySpan<byte> source, int offset) =>
        BinaryPrimitives.ReadUInt32BigEndian(source[offset..]);

    /// <summary>Writes a ULONG in network byte order (AMB-19): the wire bytes, most significant first.</summary>
    public static void WriteNetworkULong(Span<byte> destination, int offset, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], value);

    /// <summary>Reads a USHORT port kept in network byte order (AMB-19): read big-endian.</summary>
    public static ushort ReadNetworkUShort(ReadOnlySpan<byte> source, int offset) =>
        BinaryPrimitives.ReadUInt16BigEndian(source[offset..]);

    /// <summary>Writes a USHORT port in network byte order (AMB-19): the wire bytes, most significant first.</summary>
    public static void WriteNetworkUShort(Span<byte> destination, int offset, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], value);

    public static int AlignUp(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    public static NdisError InvalidData(string field, string message) => new(NdisStatus.InvalidData, field, message);

    public static NdisError InvalidLength(string field, string message) => new(NdisStatus.InvalidLength, field, message);

    public static string Hex(uint value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks the buffer is long enough for the fixed part of one structure at <paramref name="offset"/>;
    /// the error is <c>NDIS_STATUS_INVALID_LENGTH</c> with the bytes needed.
    /// </summary>
    public static NdisError? CheckFixedLength(int bufferLength, int offset, int fixedLength, string structure, out int bytesNeeded)
    {
        bytesNeeded = 0;
        if (bufferLength - offset >= fixedLength)
        {
            return null;
        }

        bytesNeeded = offset + fixedLength;
        return InvalidLength(structure,
            $"{structure} at offset {offset} needs {fixedLength} bytes for its fixed part; the information buffer has {bufferLength} bytes (needs {bytesNeeded})");
    }

    /// <summary>
    /// Validates an <c>NDIS_OBJECT_HEADER</c>: Type must be <c>NDIS_OBJECT_TYPE_DEFAULT</c>, Revision at
    /// least 1 and Size at least <paramref name="minimumSize"/> (AMB-38: accept ≥ NDIS_SIZEOF_…_REVISION_1).
    /// </summary>
    public static NdisError? CheckHeader(ReadOnlySpan<byte> structure, string name, byte minimumRevision, int minimumSize, out NdisObjectHeader header)
    {
        NdisObjectHeader.TryRead(structure, out header);
        if (header.Type != NdisObjectType.Default)
        {
            return InvalidData($"{name}.Header.Type",
                $"Header.Type 0x{header.Type:X2} is not NDIS_OBJECT_TYPE_DEFAULT 0x{NdisObjectType.Default:X2}");
        }

        if (header.Revision < minimumRevision)
        {
            return InvalidData($"{name}.Header.Revision",
                $"Header.Revision {header.Revision} is below revision {minimumRevision}");
        }

        if (header.Size < minimumSize)
        {
            return InvalidData($"{name}.Header.Size",
                $"Header.Size {header.Size} is below NDIS_SIZEOF_…_REVISION_{minimumRevision} = {minimumSize}");
        }

        return null;
    }

    /// <summary>
    /// Checks that one algorithm's key (<c>KeyOffsetBytes</c> + <c>KeyLength</c>) lies inside a key
    /// array of <paramref name="arrayLength"/> bytes; INVALID_DATA otherwise.
    /// </summary>
    public static NdisError? CheckKeyRange(uint keyOffsetBytes, uint keyLength, uint arrayLength, string field, string arrayName)
    {
        ulong end = (ulong)keyOffsetBytes + keyLength;
        if (keyLength == 0 || end <= arrayLength)
        {
            return null;
        }

        return InvalidData(field,
            $"KeyOffsetBytes {keyOffsetBytes} + KeyLength {keyLength} = {end} runs past the {arrayLength}-byte {arrayName}");
    }
}
