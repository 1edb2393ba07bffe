using System.Collections.Immutable;
using IpsecOffload.Ndis;

namespace IpsecOffload.Engine.Wire;

/// <summary>Where a frame handed to <see cref="FrameParser"/> starts.</summary>
public enum FrameStart
{
    /// <summary>At an Ethernet II header.</summary>
    Ethernet,
    /// <summary>At an IPv4 or IPv6 header (picked by the version nibble), as golden vectors store packets.</summary>
    Ip,
}

/// <summary>
/// The result of <see cref="FrameParser.Parse"/>: the layers found, in wire order (a tag layer
/// follows the Ethernet layer that contains it), and, when the frame is malformed, the error a
/// miniport would report, with the layers read before it.
/// </summary>
public sealed class ParsedFrame
{
    internal ParsedFrame(int length, FrameStart start, ImmutableArray<FrameLayer> layers, NdisError? error, int errorOffset)
    {
        Length = length;
        Start = start;
        Layers = layers;
        Error = error;
        ErrorOffset = errorOffset;
    }

    /// <summary>Frame length in bytes.</summary>
    public int Length { get; }

    /// <summary>Where the frame started.</summary>
    public FrameStart Start { get; }

    /// <summary>The layers, in wire order.</summary>
    public ImmutableArray<FrameLayer> Layers { get; }

    /// <summary>Null for a well-formed frame; else what is wrong, with offsets and numbers.</summary>
    public NdisError? Error { get; }

    /// <summary>Offset of the header at fault, or −1 when <see cref="Error"/> is null.</summary>
    public int ErrorOffset { get; }

    /// <summary>True when the whole frame parsed.</summary>
    public bool IsValid => Error is null;

    /// <summary>The first layer of <paramref name="kind"/>, or null.</summary>
    public FrameLayer? Find(FrameLayerKind kind)
    {
        foreach (FrameLayer layer in Layers)
        {
            if (layer.Kind == kind)
            {
                return layer;
            }
        }

        return null;
    }

    /// <summary>Every layer of <paramref name="kind"/>, in wire order.</summary>
    public IEnumerable<FrameLayer> FindAll(FrameLayerKind kind) => Layers.Where(l => l.Kind == kind);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" | ", Layers.Select(l => l.ToString())) + (Error is null ? string.Empty : $" !! {Error}");
}
