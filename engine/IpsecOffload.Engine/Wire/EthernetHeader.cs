using System.Buffers.Binary;
using System.Collections.Immutable;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// An Ethernet II header with zero or more 802.1Q/802.1ad tags between the source address and the
/// EtherType. <see cref="EtherType"/> is the final type, the one that names the payload.
/// </summary>
public readonly struct EthernetHeader
{
    // IEEE 802.3 clause 3 / Ethernet II, with k 802.1Q tags (each 4 bytes, see VlanTag):
    // +-------------------+-------------------+----------------+-----------+
    // | Destination (6)   | Source (6)        | k x Tag (4)    | Type (2)  |
    // +-------------------+-------------------+----------------+-----------+
    // 0                   6                   12         12 + 4k    14 + 4k
    internal const int DestinationOffset = 0, SourceOffset = 6, TagsOffset = 12, UntaggedLength = 14;

    /// <summary>EtherType for IPv4.</summary>
    public const ushort EtherTypeIPv4 = 0x0800;
    /// <summary>EtherType for IPv6.</summary>
    public const ushort EtherTypeIPv6 = 0x86DD;
    /// <summary>A bound on stacked tags, so a frame of repeated TPIDs is rejected rather than walked to its end.</summary>
    public const int MaxTags = 8;

    /// <summary>Destination MAC address, 48 bits in the low bits of the value.</summary>
    public ulong Destination { get; init; }

    /// <summary>Source MAC address, 48 bits in the low bits of the value.</summary>
    public ulong Source { get; init; }

    /// <summary>The EtherType after the last tag.</summary>
    public ushort EtherType { get; init; }

    /// <summary>The tags in wire order (outermost first); empty for an untagged frame.</summary>
    public ImmutableArray<VlanTag> Tags { get; init; }

    /// <summary>Header length in bytes: 14 + 4 per tag.</summary>
    public int Length => UntaggedLength + (VlanTag.Length * TagCount);

    private int TagCount => Tags.IsDefault ? 0 : Tags.Length;

    /// <summary>Reads the header and its tags from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EthernetHeader header) => TryRead(source, out header, out _);

    /// <summary>Reads the header and its tags; on failure <paramref name="fault"/> says what was missing.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EthernetHeader header, out WireFault fault)
    {
        header = default;
        fault = default;
        if (source.Length < UntaggedLength)
        {
            fault = WireFault.Truncated("Ethernet.EtherType", UntaggedLength, source.Length);
            return false;
        }

        // The builder exists only for tagged frames: untagged ones (the send path's usual case) allocate nothing.
        ImmutableArray<VlanTag>.Builder? tags = null;
        int typeOffset = TagsOffset;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(source[typeOffset..]);
        while (VlanTag.IsTagTpid(type))
        {
            int needed = typeOffset + VlanTag.Length + 2;
            if (source.Length < needed)
            {
                fault = WireFault.Truncated($"Vlan{tags?.Count ?? 0}.Tci", needed, source.Length);
                return false;
            }

            tags ??= ImmutableArray.CreateBuilder<VlanTag>();
            if (tags.Count == MaxTags)
            {
                fault = new WireFault(Ndis.NdisStatus.Failure, $"Vlan{tags.Count}.Tpid", $"has more than {MaxTags} 802.1Q tags");
                return false;
            }

            VlanTag.TryRead(source[typeOffset..], out VlanTag tag);
            tags.Add(tag);
            typeOffset += VlanTag.Length;
            type = BinaryPrimitives.ReadUInt16BigEndian(source[typeOffset..]);
        }

        header = new EthernetHeader
        {
            Destination = WireBits.ReadUInt48BigEndian(source[DestinationOffset..]),
            Source = WireBits.ReadUInt48BigEndian(source[SourceOffset..]),
            EtherType = type,
            Tags = tags?.ToImmutable() ?? [],
        };
        return true;
    }

    /// <summary>Writes <see cref="Length"/> bytes; throws when the destination is shorter or a tag's TPID is not a tag TPID.</summary>
    public void Write(Span<byte> destination)
    {
        WireBits.RequireLength(destination, Length, "Ethernet header");
        WireBits.WriteUInt48BigEndian(destination[DestinationOffset..], Destination, nameof(Destination));
        WireBits.WriteUInt48BigEndian(destination[SourceOffset..], Source, nameof(Source));
        int offset = TagsOffset;
        foreach (VlanTag tag in Tags.IsDefault ? [] : Tags)
        {
            if (!VlanTag.IsTagTpid(tag.Tpid))
            {
                throw new ArgumentException($"Tag TPID 0x{tag.Tpid:x4} would not be read back as a tag.", nameof(destination));
            }

            tag.Write(destination[offset..]);
            offset += VlanTag.Length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], EtherType);
    }
}
