using IpsecOffload.Adapters;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Cli.Tests;

/// <summary>A broken adapter for the tests: the reference miniport with the last 12 bytes of every IPv4 ESP frame (the ICV or part of it) zeroed.</summary>
internal sealed class ZeroIcvMiniport(IMiniport inner) : MiniportDecorator(inner)
{
    public const string Name = "test:zero-icv";

    // Ethernet II (14 bytes) then IPv4: Protocol @9 of the IP header.
    private const int EthernetLength = 14, IPv4ProtocolOffset = 9, EspProtocol = 50, ZeroedBytes = 12;

    public static AdapterDescriptor Descriptor { get; } = new(Name, "reference miniport that zeroes ESP ICVs (tests)",
        () => new ZeroIcvMiniport(new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu })));

    protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
    {
        byte[] copy = frame.ToArray();
        if (copy.Length > EthernetLength + 20 + ZeroedBytes && copy[EthernetLength] >> 4 == 4 && copy[EthernetLength + IPv4ProtocolOffset] == EspProtocol)
        {
            copy.AsSpan(copy.Length - ZeroedBytes).Clear();
        }

        base.OnTransmit(owner, copy);
    }
}
