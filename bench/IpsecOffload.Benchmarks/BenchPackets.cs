using IpsecOffload.Engine.Wire;

namespace IpsecOffload.Benchmarks;

/// <summary>The plaintext IPv4/TCP packets the benchmark scenarios send (valid lengths and checksums).</summary>
internal static class BenchPackets
{
    public const int IPv4HeaderLength = 20, TcpHeaderLength = 20;

    /// <summary>An IPv4 packet of <paramref name="length"/> bytes: 20-byte header, 20-byte TCP header (ACK, PSH), a fixed payload pattern.</summary>
    public static byte[] Ipv4Tcp(int length, uint source, uint destination, ushort identification, ushort sourcePort, uint tcpSequence, uint tcpAcknowledgment)
    {
        byte[] packet = new byte[length];
        new IPv4Header
        {
            Version = 4,
            Ihl = IPv4HeaderLength / 4,
            TotalLength = checked((ushort)length),
            Identification = identification,
            Flags = IPv4Flags.DontFragment,
            Ttl = 64,
            Protocol = IpProtocol.Tcp,
            Source = source,
            Destination = destination,
        }.Write(packet);
        IPv4Header.WriteChecksum(packet.AsSpan(0, IPv4HeaderLength));
        Span<byte> segment = packet.AsSpan(IPv4HeaderLength);
        for (int i = TcpHeaderLength; i < segment.Length; i++)
        {
            segment[i] = unchecked((byte)(i * 31)); // arbitrary payload pattern
        }

        var tcp = new TcpHeader
        {
            SourcePort = sourcePort,
            DestinationPort = 443,
            SequenceNumber = tcpSequence,
            AcknowledgmentNumber = tcpAcknowledgment,
            DataOffset = TcpHeaderLength / 4,
            Flags = TcpFlags.Ack | TcpFlags.Psh,
            Window = 0xFAF0,
        };
        tcp.Write(segment);
        uint pseudo = InternetChecksum.PseudoHeaderSumIPv4(source, destination, IpProtocol.Tcp, checked((ushort)segment.Length));
        (tcp with { Checksum = TcpHeader.ComputeChecksum(pseudo, segment) }).Write(segment);
        return packet;
    }
}
