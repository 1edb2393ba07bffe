using System.Diagnostics.CodeAnalysis;
using static IpsecOffload.Ndis.Capabilities.CapabilityBits;

namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// <c>NDIS_OFFLOAD</c> (ntddndis.h; spec digest §5.1) through revision 2 (<c>IPsecV2</c>). Every
/// member is built from <c>UCHAR</c>/<c>USHORT</c>/<c>ULONG</c>, so x86 and x64 share one layout;
/// the <see cref="NdisAbi"/> parameters exist so that all OID structure codecs look alike.
/// Later revisions (3+, NDIS 6.30) are read through <c>IPsecV2</c>; their tail is not modelled.
/// </summary>
public readonly record struct NdisOffload
{
    //  +0   NDIS_OBJECT_HEADER             Header      (4)  Type = NDIS_OBJECT_TYPE_OFFLOAD 0xA7
    //  +4   NDIS_TCP_IP_CHECKSUM_OFFLOAD   Checksum    (32)
    //  +36  NDIS_TCP_LARGE_SEND_OFFLOAD_V1 LsoV1       (16)
    //  +52  NDIS_IPSEC_OFFLOAD_V1          IPsecV1     (28)
    //  +80  NDIS_TCP_LARGE_SEND_OFFLOAD_V2 LsoV2       (28)
    //  +108 ULONG                          Flags       (4)   -> NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 = 112
    //  +112 NDIS_IPSEC_OFFLOAD_V2          IPsecV2     (32)  -> NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 = 144
    //  Computed with C layout rules, checked with gcc -m32/-m64 (tests' layout-check), and equal to
    //  the PDB-derived NDIS_OFFLOAD dump in the public code index (Checksum 0x04 … IPsecV2 0x70, Rsc 0x90).
    internal const int HeaderOffset = 0, ChecksumOffset = 4, LsoV1Offset = 36, IPsecV1Offset = 52;
    internal const int LsoV2Offset = 80, FlagsOffset = 108, IPsecV2Offset = 112;

    /// <summary><c>NDIS_OFFLOAD_REVISION_1</c> (NDIS 6.0).</summary>
    public const byte Revision1 = 1;

    /// <summary><c>NDIS_OFFLOAD_REVISION_2</c> (NDIS 6.1 / 6.20).</summary>
    public const byte Revision2 = 2;

    /// <summary><c>NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1</c>: through <c>Flags</c>, 112 bytes.</summary>
    public const int SizeRevision1 = FlagsOffset + sizeof(uint);

    /// <summary><c>NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2</c>: through <c>IPsecV2</c>, 144 bytes.</summary>
    public const int SizeRevision2 = IPsecV2Offset + NdisIPsecOffloadV2.Size;

    private const string Name = "NDIS_OFFLOAD";

    /// <summary><c>Header</c> (+0), written as given so negative tests can send malformed headers.</summary>
    public NdisObjectHeader Header { get; init; }

    /// <summary><c>Checksum</c> (+4).</summary>
    public NdisTcpIpChecksumOffload Checksum { get; init; }

    /// <summary><c>LsoV1</c> (+36).</summary>
    public NdisTcpLargeSendOffloadV1 LsoV1 { get; init; }

    /// <summary><c>IPsecV1</c> (+52).</summary>
    public NdisIPsecOffloadV1 IPsecV1 { get; init; }

    /// <summary><c>LsoV2</c> (+80).</summary>
    public NdisTcpLargeSendOffloadV2 LsoV2 { get; init; }

    /// <summary><c>Flags</c> (+108).</summary>
    public NdisOffloadFlags Flags { get; init; }

    /// <summary><c>IPsecV2</c> (+112); present from revision 2, all zero when read from revision 1.</summary>
    public NdisIPsecOffloadV2 IPsecV2 { get; init; }

    /// <summary>
    /// The bytes a revision needs: 112 for revision 1, 144 for revision 2 and later (the part
    /// modelled here). Throws <see cref="ArgumentOutOfRangeException"/> for revision 0 or an unknown ABI.
    /// </summary>
    public static int SizeOf(byte revision, NdisAbi abi)
    {
        RequireAbi(abi);
        if (revision < Revision1)
        {
            throw new ArgumentOutOfRangeException(nameof(revision), revision, $"{Name} revision {revision} is not defined; revisions start at 1.");
        }

        return revision == Revision1 ? SizeRevision1 : SizeRevision2;
    }

    /// <summary>A correct header for <paramref name="revision"/>: type 0xA7, that revision, its size.</summary>
    public static NdisObjectHeader CreateHeader(byte revision, NdisAbi abi) =>
        new(NdisObjectType.Offload, revision, checked((ushort)SizeOf(revision, abi)));

    /// <summary>
    /// Decodes an <c>NDIS_OFFLOAD</c>. Fails with <see cref="NdisStatus.InvalidLength"/> when the
    /// buffer is shorter than the header or than <c>Header.Size</c>, or <c>Header.Size</c> is below the
    /// revision's size; with <see cref="NdisStatus.InvalidData"/> when <c>Header.Type</c> is not 0xA7
    /// or <c>Header.Revision</c> is 0.
    /// </summary>
    public static bool TryRead(
        ReadOnlySpan<byte> source, NdisAbi abi, out NdisOffload value, [NotNullWhen(false)] out NdisError? error)
    {
        RequireAbi(abi);
        value = default;
        if (!NdisObjectHeader.TryRead(source, out NdisObjectHeader header))
        {
            error = new NdisError(NdisStatus.InvalidLength, Name + ".Header",
                $"buffer has {source.Length} bytes, the header needs {NdisObjectHeader.Length}");
            return false;
        }

        if (header.Type != NdisObjectType.Offload)
        {
            error = new NdisError(NdisStatus.InvalidData, Name + ".Header.Type",
                $"type 0x{header.Type:X2}, expected NDIS_OBJECT_TYPE_OFFLOAD 0x{NdisObjectType.Offload:X2}");
            return false;
        }

        if (header.Revision < Revision1)
        {
            error = new NdisError(NdisStatus.InvalidData, Name + ".Header.Revision",
                $"revision {header.Revision} is not defined; revisions start at {Revision1}");
            return false;
        }

        int needed = SizeOf(header.Revision, abi);
        if (header.Size < needed)
        {
            error = new NdisError(NdisStatus.InvalidLength, Name + ".Header.Size",
                $"size {header.Size} is below the {needed} bytes of revision {header.Revision}");
            return false;
        }

        if (source.Length < header.Size)
        {
            error = new NdisError(NdisStatus.InvalidLength, Name,
                $"Header.Size says {header.Size} bytes, buffer has {source.Length}");
            return false;
        }

        // Each sub-read below is in bounds: source.Length >= Header.Size >= needed.
        NdisTcpIpChecksumOffload.TryRead(source[ChecksumOffset..], out NdisTcpIpChecksumOffload checksum);
        NdisTcpLargeSendOffloadV1.TryRead(source[LsoV1Offset..], out NdisTcpLargeSendOffloadV1 lsoV1);
        NdisIPsecOffloadV1.TryRead(source[IPsecV1Offset..], out NdisIPsecOffloadV1 ipsecV1);
        NdisTcpLargeSendOffloadV2.TryRead(source[LsoV2Offset..], out NdisTcpLargeSendOffloadV2 lsoV2);
        NdisIPsecOffloadV2 ipsecV2 = default;
        if (needed >= SizeRevision2)
        {
            NdisIPsecOffloadV2.TryRead(source[IPsecV2Offset..], out ipsecV2);
        }

        value = new NdisOffload
        {
            Header = header,
            Checksum = checksum,
            LsoV1 = lsoV1,
            IPsecV1 = ipsecV1,
            LsoV2 = lsoV2,
            Flags = (NdisOffloadFlags)ReadULong(source, FlagsOffset),
            IPsecV2 = ipsecV2,
        };
        error = null;
        return true;
    }

    /// <summary>The encoded length: 112 bytes when <c>Header.Revision</c> is 0 or 1, else 144.</summary>
    public int EncodedLength(NdisAbi abi)
    {
        RequireAbi(abi);
        return Header.Revision <= Revision1 ? SizeRevision1 : SizeRevision2;
    }

    /// <summary>
    /// Writes <see cref="EncodedLength"/> bytes (the header as given; <c>IPsecV2</c> only from
    /// revision 2) and returns that count. Throws <see cref="ArgumentException"/> when the destination is shorter.
    /// </summary>
    public int Write(Span<byte> destination, NdisAbi abi)
    {
        int length = EncodedLength(abi);
        RequireLength(destination, length, Name);
        Header.Write(destination[HeaderOffset..]);
        Checksum.Write(destination[ChecksumOffset..]);
        LsoV1.Write(destination[LsoV1Offset..]);
        IPsecV1.Write(destination[IPsecV1Offset..]);
        LsoV2.Write(destination[LsoV2Offset..]);
        WriteULong(destination, FlagsOffset, (uint)Flags);
        if (length >= SizeRevision2)
        {
            IPsecV2.Write(destination[IPsecV2Offset..]);
        }

        return length;
    }

    /// <summary>The encoded bytes (see <see cref="Write"/>).</summary>
    public byte[] ToArray(NdisAbi abi)
    {
        var bytes = new byte[EncodedLength(abi)];
        Write(bytes, abi);
        return bytes;
    }

    private static void RequireAbi(NdisAbi abi)
    {
        if (abi is not (NdisAbi.X64 or NdisAbi.X86))
        {
            throw new ArgumentOutOfRangeException(nameof(abi), abi, $"unknown ABI {(int)abi}");
        }
    }
}
