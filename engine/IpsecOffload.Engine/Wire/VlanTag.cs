using System.Buffers.Binary;

namespace IpsecOffload.Engine.Wire;

/// <summary>
/// One IEEE 802.1Q tag (C-tag 0x8100, or an 802.1ad S-tag 0x88A8 / legacy 0x9100 in a QinQ stack).
/// </summary>
public readonly struct VlanTag : IEquatable<VlanTag>
{
    // IEEE 802.1Q-2018 §9.6, one tag as it sits between the source MAC and the EtherType:
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |   Tag Protocol Identifier     | PCP |D|        VLAN ID        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal const int TpidOffset = 0, TciOffset = 2, Length = 4;
    private const int PcpShift = 13, PcpWidth = 3, DeiShift = 12, VidShift = 0, VidWidth = 12;

    /// <summary>IEEE 802.1Q customer tag TPID.</summary>
    public const ushort CustomerTpid = 0x8100;
    /// <summary>IEEE 802.1ad service tag TPID.</summary>
    public const ushort ServiceTpid = 0x88A8;
    /// <summary>Pre-standard QinQ TPID still seen on switches.</summary>
    public const ushort LegacyQinQTpid = 0x9100;

    /// <summary>The Tag Protocol Identifier (the EtherType position value that announced this tag).</summary>
    public ushort Tpid { get; init; }

    /// <summary>Priority Code Point, 3 bits.</summary>
    public byte Priority { get; init; }

    /// <summary>Drop Eligible Indicator (formerly CFI), 1 bit.</summary>
    public bool DropEligible { get; init; }

    /// <summary>VLAN identifier, 12 bits.</summary>
    public ushort VlanId { get; init; }

    /// <summary>True for the TPIDs that announce a tag.</summary>
    public static bool IsTagTpid(ushort etherType) =>
        etherType is CustomerTpid or ServiceTpid or LegacyQinQTpid;

    /// <summary>Reads one tag (4 bytes) from the start of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out VlanTag tag)
    {
        if (source.Length < Length)
        {
            tag = default;
            return false;
        }

        uint tci = BinaryPrimitives.ReadUInt16BigEndian(source[TciOffset..]);
        tag = new VlanTag
        {
            Tpid = BinaryPrimitives.ReadUInt16BigEndian(source[TpidOffset..]),
            Priority = (byte)WireBits.Get(tci, PcpShift, PcpWidth),
            DropEligible = WireBits.Get(tci, DeiShift, 1) != 0,
            VlanId = (ushort)WireBits.Get(tci, VidShift, VidWidth),
        };
        return true;
    }

    /// <summary>Writes the 4 tag bytes; throws when a field does not fit its width.</summary>
    public void Write(Span<byte> destination)
    {
        WireBits.RequireLength(destination, Length, "802.1Q tag");
        uint tci = WireBits.Set(0, PcpShift, PcpWidth, Priority, nameof(Priority));
        tci = WireBits.Set(tci, DeiShift, 1, DropEligible ? 1u : 0u, nameof(DropEligible));
        tci = WireBits.Set(tci, VidShift, VidWidth, VlanId, nameof(VlanId));
        BinaryPrimitives.WriteUInt16BigEndian(destination[TpidOffset..], Tpid);
        BinaryPrimitives.WriteUInt16BigEndian(destination[TciOffset..], (ushort)tci);
    }

    /// <inheritdoc/>
    public bool Equals(VlanTag other) =>
        Tpid == other.Tpid && Priority == other.Priority && DropEligible == other.DropEligible && VlanId == other.VlanId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is VlanTag other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Tpid, Priority, DropEligible, VlanId);

    /// <summary>Field-wise equality.</summary>
    public static bool operator ==(VlanTag left, VlanTag right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(VlanTag left, VlanTag right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => $"802.1Q tpid 0x{Tpid:x4} pcp {Priority} dei {(DropEligible ? 1 : 0)} vid {VlanId}";
}
