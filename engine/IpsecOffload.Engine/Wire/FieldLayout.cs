using System.Collections.Immutable;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>One named field of a frame.</summary>
/// <param name="Offset">Offset of the first byte in the frame.</param>
/// <param name="Length">Field length in bytes (at least 1).</param>
/// <param name="Name">Stable <c>Layer.Field</c> name: <c>IPv4.HeaderChecksum</c>, <c>ESP.SequenceNumber</c>, <c>AH.ICV</c>.</param>
public readonly record struct LayoutField(int Offset, int Length, string Name)
{
    /// <summary>Offset of the first byte after the field.</summary>
    public int End => Offset + Length;

    /// <summary>
    /// The name of the byte at <paramref name="offset"/>: the field name for a one-byte field,
    /// else <c>Name[i]</c> with i the 0-based index within the field.
    /// </summary>
    public string NameAt(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(offset, Offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, End);
        return Length == 1 ? Name : $"{Name}[{offset - Offset}]";
    }
}

/// <summary>
/// The names of every byte of one frame (<see cref="FieldLayout.Describe(ReadOnlySpan{byte}, LayoutHints?, FrameStart)"/>):
/// contiguous, non-overlapping fields covering <c>[0, Length)</c>. Bytes a malformed frame left
/// unparsed are <c>Frame.Unparsed[i]</c>.
/// </summary>
public sealed class FieldLayoutMap
{
    private readonly int[] _starts;

    internal FieldLayoutMap(ParsedFrame frame, ImmutableArray<LayoutField> fields)
    {
        Frame = frame;
        Fields = fields;
        _starts = fields.Select(f => f.Offset).ToArray();
    }

    /// <summary>The parse the names come from.</summary>
    public ParsedFrame Frame { get; }

    /// <summary>The fields, ordered by offset.</summary>
    public ImmutableArray<LayoutField> Fields { get; }

    /// <summary>Frame length in bytes.</summary>
    public int Length => Frame.Length;

    /// <summary>The parse error, if the frame was malformed (the map then ends in <c>Frame.Unparsed</c>).</summary>
    public NdisError? Error => Frame.Error;

    /// <summary>The field that holds the byte at <paramref name="offset"/> (0 ≤ offset &lt; <see cref="Length"/>).</summary>
    public LayoutField FieldAt(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, Length);
        int index = Array.BinarySearch(_starts, offset);
        return Fields[index >= 0 ? index : ~index - 1];
    }

    /// <summary>
    /// The name of the byte at <paramref name="offset"/> (<c>ESP.SequenceNumber[3]</c>,
    /// <c>ESP.PadLength</c>); offsets at or past the end (a longer actual frame in a diff) are
    /// <c>Frame.PastEnd[i]</c>, i counted from <see cref="Length"/>.
    /// </summary>
    public string NameAt(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return offset >= Length ? $"Frame.PastEnd[{offset - Length}]" : FieldAt(offset).NameAt(offset);
    }

    /// <summary>
    /// A name for the bytes <c>[offset, offset + length)</c>: the field name when they are exactly one
    /// field, <c>Name[a..b]</c> for part of one field, else the first and last byte names joined by <c>..</c>.
    /// </summary>
    public string NameOfRange(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        int last = offset + length - 1;
        if (length == 1)
        {
            return NameAt(offset);
        }

        if (last < Length)
        {
            LayoutField field = FieldAt(offset);
            if (last < field.End)
            {
                return field.Offset == offset && field.Length == length
                    ? field.Name
                    : $"{field.Name}[{offset - field.Offset}..{last - field.Offset}]";
            }
        }

        return $"{NameAt(offset)}..{NameAt(last)}";
    }
}

/// <summary>Names the field at every byte of a frame, for annotated diffs ("first at 0x001B ESP.SequenceNumber[3]").</summary>
public static class FieldLayout
{
    /// <summary>Parses <paramref name="frame"/> and names its bytes.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="hints">SA knowledge: ESP IV/ICV lengths (without them the bytes after the ESP sequence number are <c>ESP.Data[n]</c>), AH IV/ICV split.</param>
    /// <param name="start">Where the frame starts.</param>
    public static FieldLayoutMap Describe(ReadOnlySpan<byte> frame, LayoutHints? hints = null, FrameStart start = FrameStart.Ethernet) =>
        Describe(frame, FrameParser.Parse(frame, start, hints), hints);

    /// <summary>Names the bytes of an already parsed frame.</summary>
    public static FieldLayoutMap Describe(ReadOnlySpan<byte> frame, ParsedFrame parsed, LayoutHints? hints = null)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.Length != frame.Length)
        {
            throw new ArgumentException($"The parse is of a {parsed.Length}-byte frame; this frame has {frame.Length}.", nameof(parsed));
        }

        var fields = new List<LayoutField>();
        foreach (FrameLayer layer in parsed.Layers)
        {
            AddFields(fields, layer, frame, hints ?? LayoutHints.None);
        }

        fields.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var result = ImmutableArray.CreateBuilder<LayoutField>(fields.Count + 1);
        int covered = 0;
        foreach (LayoutField field in fields)
        {
            if (field.Offset > covered)
            {
                result.Add(new LayoutField(covered, field.Offset - covered, "Frame.Unparsed"));
            }

            result.Add(field);
            covered = Math.Max(covered, field.End);
        }

        if (covered < frame.Length)
        {
            result.Add(new LayoutField(covered, frame.Length - covered, "Frame.Unparsed"));
        }

        return new FieldLayoutMap(parsed, result.ToImmutable());
    }

    private static void AddFields(List<LayoutField> fields, FrameLayer layer, ReadOnlySpan<byte> frame, LayoutHints hints)
    {
        int o = layer.Offset;
        int l = layer.Length;
        string n = layer.Name;
        void F(int offset, int length, string field)
        {
            if (length > 0)
            {
                fields.Add(new LayoutField(o + offset, length, $"{n}.{field}"));
            }
        }

        switch (layer.Kind)
        {
            case FrameLayerKind.Ethernet:
                F(EthernetHeader.DestinationOffset, 6, "Destination");
                F(EthernetHeader.SourceOffset, 6, "Source");
                F(l - 2, 2, "EtherType");
                break;
            case FrameLayerKind.VlanTag:
                F(VlanTag.TpidOffset, 2, "Tpid");
                F(VlanTag.TciOffset, 2, "Tci");
                break;
            case FrameLayerKind.IPv4:
                F(IPv4Header.VersionIhlOffset, 1, "VersionIhl");
                F(IPv4Header.TypeOfServiceOffset, 1, "TypeOfService");
                F(IPv4Header.TotalLengthOffset, 2, "TotalLength");
                F(IPv4Header.IdentificationOffset, 2, "Identification");
                F(IPv4Header.FlagsFragmentOffset, 2, "FlagsFragmentOffset");
                F(IPv4Header.TtlOffset, 1, "TimeToLive");
                F(IPv4Header.ProtocolOffset, 1, "Protocol");
                F(IPv4Header.HeaderChecksumOffset, 2, "HeaderChecksum");
                F(IPv4Header.SourceOffset, 4, "Source");
                F(IPv4Header.DestinationOffset, 4, "Destination");
                F(IPv4Header.OptionsOffset, l - IPv4Header.OptionsOffset, "Options");
                break;
            case FrameLayerKind.IPv6:
                // Byte 0 holds version and the traffic class's high nibble, byte 1 the class's low
                // nibble and the flow label's high nibble; bytes 2-3 hold flow-label bits only.
                F(IPv6Header.VersionClassFlowOffset, 1, "VersionTrafficClass");
                F(IPv6Header.VersionClassFlowOffset + 1, 1, "TrafficClassFlowLabel");
                F(IPv6Header.VersionClassFlowOffset + 2, 2, "FlowLabel");
                F(IPv6Header.PayloadLengthOffset, 2, "PayloadLength");
                F(IPv6Header.NextHeaderOffset, 1, "NextHeader");
                F(IPv6Header.HopLimitOffset, 1, "HopLimit");
                F(IPv6Header.SourceOffset, IPv6Header.AddressLength, "Source");
                F(IPv6Header.DestinationOffset, IPv6Header.AddressLength, "Destination");
                break;
            case FrameLayerKind.IPv6HopByHop:
            case FrameLayerKind.IPv6DestinationOptions:
                F(IPv6OptionsHeader.NextHeaderOffset, 1, "NextHeader");
                F(IPv6OptionsHeader.ExtensionLengthOffset, 1, "HeaderExtLength");
                F(IPv6OptionsHeader.OptionsOffset, l - IPv6OptionsHeader.OptionsOffset, "Options");
                break;
            case FrameLayerKind.IPv6Routing:
                F(IPv6RoutingHeader.NextHeaderOffset, 1, "NextHeader");
                F(IPv6RoutingHeader.ExtensionLengthOffset, 1, "HeaderExtLength");
                F(IPv6RoutingHeader.RoutingTypeOffset, 1, "RoutingType");
                F(IPv6RoutingHeader.SegmentsLeftOffset, 1, "SegmentsLeft");
                F(IPv6RoutingHeader.DataOffset, l - IPv6RoutingHeader.DataOffset, "Data");
                break;
            case FrameLayerKind.IPv6Fragment:
                F(IPv6FragmentHeader.NextHeaderOffset, 1, "NextHeader");
                F(IPv6FragmentHeader.ReservedOffset, 1, "Reserved");
                F(IPv6FragmentHeader.OffsetFlagsOffset, 2, "FragmentOffsetFlags");
                F(IPv6FragmentHeader.IdentificationOffset, 4, "Identification");
                break;
            case FrameLayerKind.Tcp:
                F(TcpHeader.SourcePortOffset, 2, "SourcePort");
                F(TcpHeader.DestinationPortOffset, 2, "DestinationPort");
                F(TcpHeader.SequenceNumberOffset, 4, "SequenceNumber");
                F(TcpHeader.AcknowledgmentNumberOffset, 4, "AcknowledgmentNumber");
                F(TcpHeader.DataOffsetOffset, 1, "DataOffset");
                F(TcpHeader.FlagsOffset, 1, "Flags");
                F(TcpHeader.WindowOffset, 2, "Window");
                F(TcpHeader.ChecksumOffset, 2, "Checksum");
                F(TcpHeader.UrgentPointerOffset, 2, "UrgentPointer");
                F(TcpHeader.OptionsOffset, l - TcpHeader.OptionsOffset, "Options");
                break;
            case FrameLayerKind.Udp:
            case FrameLayerKind.UdpEncapsulation:
                F(UdpHeader.SourcePortOffset, 2, "SourcePort");
                F(UdpHeader.DestinationPortOffset, 2, "DestinationPort");
                F(UdpHeader.LengthOffset, 2, "Length");
                F(UdpHeader.ChecksumOffset, 2, "Checksum");
                break;
            case FrameLayerKind.NonEspMarker:
                F(0, l, "NonEspMarker");
                break;
            case FrameLayerKind.NatKeepalive:
                F(0, l, "Keepalive");
                break;
            case FrameLayerKind.Icmp:
            case FrameLayerKind.Icmpv6:
                F(IcmpHeader.TypeOffset, 1, "Type");
                F(IcmpHeader.CodeOffset, 1, "Code");
                F(IcmpHeader.ChecksumOffset, 2, "Checksum");
                byte type = frame[o + IcmpHeader.TypeOffset];
                bool echo = layer.Kind == FrameLayerKind.Icmp
                    ? type is IcmpHeader.EchoRequest or IcmpHeader.EchoReply
                    : type is Icmpv6Header.EchoRequest or Icmpv6Header.EchoReply;
                if (echo)
                {
                    F(IcmpHeader.IdentifierOffset, 2, "Identifier");
                    F(IcmpHeader.SequenceNumberOffset, 2, "SequenceNumber");
                }
                else
                {
                    F(IcmpHeader.RestOfHeaderOffset, 4, "RestOfHeader");
                }

                break;
            case FrameLayerKind.Esp:
                F(EspHeader.SpiOffset, 4, "SPI");
                F(EspHeader.SequenceNumberOffset, 4, "SequenceNumber");
                break;
            case FrameLayerKind.EspIv:
                F(0, l, "IV");
                break;
            case FrameLayerKind.EspData:
                F(0, l, "Data");
                break;
            case FrameLayerKind.EspCiphertext:
                F(0, l, "Ciphertext");
                break;
            case FrameLayerKind.EspPayload:
                F(0, l, "Payload");
                break;
            case FrameLayerKind.EspTfcPadding:
                F(0, l, "TfcPadding");
                break;
            case FrameLayerKind.EspTrailer:
                F(0, l - EspTrailer.FixedLength, "Padding");
                F(l - EspTrailer.PadLengthFromEnd, 1, "PadLength");
                F(l - EspTrailer.NextHeaderFromEnd, 1, "NextHeader");
                break;
            case FrameLayerKind.EspIcv:
                F(0, l, "ICV");
                break;
            case FrameLayerKind.Ah:
                F(AhHeader.NextHeaderOffset, 1, "NextHeader");
                F(AhHeader.PayloadLengthOffset, 1, "PayloadLength");
                F(AhHeader.ReservedOffset, 2, "Reserved");
                F(AhHeader.SpiOffset, 4, "SPI");
                F(AhHeader.SequenceNumberOffset, 4, "SequenceNumber");
                int tail = l - AhHeader.IcvOffset;
                if (hints.Ah is AhLayoutHint ah && ah.IvLength >= 0 && ah.IcvLength >= 0 && ah.IvLength + ah.IcvLength <= tail)
                {
                    F(AhHeader.IcvOffset, ah.IvLength, "IV");
                    F(AhHeader.IcvOffset + ah.IvLength, ah.IcvLength, "ICV");
                    F(AhHeader.IcvOffset + ah.IvLength + ah.IcvLength, tail - ah.IvLength - ah.IcvLength, "Padding");
                }
                else
                {
                    F(AhHeader.IcvOffset, tail, "ICV");
                }

                break;
            case FrameLayerKind.Payload:
                F(0, l, "Payload");
                break;
            case FrameLayerKind.Trailer:
                F(0, l, n == "Ethernet" ? "Padding" : "Trailing");
                break;
            default:
                throw new InvalidOperationException($"No field table for {layer.Kind}.");
        }
    }
}
