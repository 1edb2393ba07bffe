using System.Buffers.Binary;
using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Engine.Tests.Wire;

public class IPv6ExtensionChainTests
{
    private const byte HbH = IpProtocol.HopByHop, Rtg = IpProtocol.Routing, Frag = IpProtocol.Fragment, Dst = IpProtocol.DestinationOptions;

    /// <summary>Builds IPv6 ‖ extension headers ‖ a 12-byte UDP datagram; option headers are 8 or 16 bytes.</summary>
    internal static byte[] Build(params byte[] chain) => Build(chain, fragmentOffset: 0);

    internal static byte[] Build(byte[] chain, ushort fragmentOffset)
    {
        var parts = new List<byte[]>();
        for (int i = 0; i < chain.Length; i++)
        {
            byte next = i + 1 < chain.Length ? chain[i + 1] : IpProtocol.Udp;
            byte[] header;
            switch (chain[i])
            {
                case IpProtocol.Fragment:
                    header = new byte[8];
                    new IPv6FragmentHeader { NextHeader = next, FragmentOffset = fragmentOffset, Identification = 0xA1B2_C3D4 }.Write(header);
                    break;
                case IpProtocol.Routing:
                    header = new byte[24];
                    new IPv6RoutingHeader { NextHeader = next, RoutingType = 4, SegmentsLeft = 1, Data = new byte[20] }.Write(header);
                    break;
                default:
                    header = new byte[i % 2 == 0 ? 8 : 16];
                    byte[] options = new byte[header.Length - 2];
                    options[0] = 1; // PadN
                    options[1] = (byte)(options.Length - 2);
                    new IPv6OptionsHeader { NextHeader = next, Options = options }.Write(header);
                    break;
            }

            parts.Add(header);
        }

        byte[] udp = new byte[12];
        new UdpHeader { SourcePort = 0xC001, DestinationPort = 53, DatagramLength = 12 }.Write(udp);
        parts.Add(udp);
        int payloadLength = parts.Sum(p => p.Length);
        byte[] packet = new byte[40 + payloadLength];
        new IPv6Header
        {
            Version = 6,
            PayloadLength = (ushort)payloadLength,
            NextHeader = chain.Length > 0 ? chain[0] : IpProtocol.Udp,
            HopLimit = 64,
            Source = Enumerable.Range(1, 16).Select(b => (byte)b).ToArray(),
            Destination = Enumerable.Range(0xF0, 16).Select(b => (byte)b).ToArray(),
        }.Write(packet);
        int offset = 40;
        foreach (byte[] part in parts)
        {
            part.CopyTo(packet, offset);
            offset += part.Length;
        }

        return packet;
    }

    [Test]
    public void OdpIPv6Packet_HopByHopIsWalked_EspGoesAfterIt()
    {
        Assert.That(IPv6ExtensionChain.TryWalk(KnownPackets.OdpIpv6Icmp0, out IPv6ExtensionChain chain), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(chain.Headers, Is.EqualTo(new[] { new IPv6ExtensionHeaderInfo(HbH, 40, 8) }));
            Assert.That(chain.UpperLayerProtocol, Is.EqualTo(IpProtocol.Icmpv6));
            Assert.That(chain.UpperLayerOffset, Is.EqualTo(48));
            Assert.That(chain.InsertionOffset, Is.EqualTo(48));
            Assert.That(chain.InsertionNextHeaderOffset, Is.EqualTo(40));
        }
    }

    [Test]
    public void OdpIPv6EspPacket_WalkStopsAtEspAfterHopByHop()
    {
        Assert.That(IPv6ExtensionChain.TryWalk(KnownPackets.OdpIpv6EspNullSha256, out IPv6ExtensionChain chain), Is.True);
        Assert.That((chain.UpperLayerProtocol, chain.UpperLayerOffset), Is.EqualTo((IpProtocol.Esp, 48)));
    }

    // wire-formats §1.6: ESP/AH after HbH, Routing, Fragment, and after a Destination Options header
    // that precedes Routing; a final-destination Destination Options header stays behind ESP.
    [TestCase(new byte[0], 40, 6, TestName = "Chain_None_InsertsRightAfterFixedHeader")]
    [TestCase(new byte[] { HbH }, 48, 40, TestName = "Chain_HopByHop_InsertsAfterIt")]
    [TestCase(new byte[] { Rtg }, 64, 40, TestName = "Chain_Routing_InsertsAfterIt")]
    [TestCase(new byte[] { Frag }, 48, 40, TestName = "Chain_Fragment_InsertsAfterIt")]
    // Destination options not preceded by a routing header precede ESP/AH (Linux ip6_find_1stfragopt,
    // Scapy's output; docs/decisions/ipv6-esp-ah-placement.md).
    [TestCase(new byte[] { Dst }, 48, 40, TestName = "Chain_DestinationOptionsWithoutRouting_PrecedesEsp")]
    [TestCase(new byte[] { HbH, Dst }, 64, 48, TestName = "Chain_HopByHopThenDestinationOptions_BothPrecedeEsp")]
    [TestCase(new byte[] { HbH, Rtg, Dst }, 72, 48, TestName = "Chain_DestinationOptionsAfterRouting_FollowsEsp")]
    [TestCase(new byte[] { HbH, Dst, Rtg }, 88, 64, TestName = "Chain_DestinationOptionsBeforeRouting_PrecedesEsp")]
    [TestCase(new byte[] { HbH, Dst, Rtg, Frag, Dst }, 96, 88, TestName = "Chain_AllFourKinds_InsertsAfterFragment")]
    public void TransportInsertionPoint_FollowsRfc4303Placement(byte[] kinds, int insertion, int nextHeaderField)
    {
        byte[] packet = Build(kinds);
        Assert.That(IPv6ExtensionChain.TryWalk(packet, out IPv6ExtensionChain chain), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(chain.Headers.Select(h => h.Type), Is.EqualTo(kinds));
            Assert.That(chain.UpperLayerProtocol, Is.EqualTo(IpProtocol.Udp));
            Assert.That(chain.UpperLayerOffset, Is.EqualTo(packet.Length - 12));
            Assert.That(chain.InsertionOffset, Is.EqualTo(insertion));
            Assert.That(chain.InsertionNextHeaderOffset, Is.EqualTo(nextHeaderField));
            Assert.That(chain.IsFragment, Is.False);
        }
    }

    [Test]
    public void NonFirstFragment_WalkStopsAfterFragmentHeader()
    {
        byte[] packet = Build([HbH, Frag, Dst], fragmentOffset: 0x1F_FF);
        Assert.That(IPv6ExtensionChain.TryWalk(packet, out IPv6ExtensionChain chain), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(chain.IsFragment, Is.True);
            Assert.That(chain.Headers, Has.Length.EqualTo(2));
            Assert.That(chain.UpperLayerProtocol, Is.EqualTo(Dst));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(50)) >> 3, Is.EqualTo(0x1F_FF));
        }
    }

    [Test]
    public void TruncatedRoutingHeader_FailsWithItsOffsetAndLengths()
    {
        byte[] packet = Build(HbH, Rtg).AsSpan(0, 60).ToArray();
        Assert.That(IPv6ExtensionChain.TryWalk(packet, out _, out WireFault fault), Is.False);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fault.Field, Is.EqualTo("IPv6Routing.HeaderExtLength"));
            Assert.That(fault.Message, Is.EqualTo("(IPv6 routing header at 0x30 in the IPv6 packet) with Hdr Ext Len 2 needs 24 bytes, frame has 12"));
        }
    }

    [Test]
    public void EveryTruncation_NeverThrows()
    {
        byte[] packet = Build(HbH, Dst, Rtg, Frag, Dst);
        for (int length = 0; length < packet.Length - 12; length++)
        {
            Assert.That(IPv6ExtensionChain.TryWalk(packet.AsSpan(0, length), out _), Is.False, $"length {length}");
        }
    }
}
