using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// Judges a transmitted packet without the engine's <see cref="OutboundProcessor"/>: it undoes the
/// IPsec transforms in the reverse order of application with BouncyCastle transforms, checking each
/// ICV (recomputed with BouncyCastle HMAC) on the way, and requires the result to be the packet the
/// transport framed (clear text, zero ICV placeholders). Header positions come from the framer's
/// record (<see cref="FramedPacket.Headers"/>), the transport side's knowledge.
/// </summary>
internal static class WireOracle
{
    private static readonly BouncyCastleCryptoBackend Bc = BouncyCastleCryptoBackend.Instance;

    /// <summary>
    /// Asserts that <paramref name="wireFrame"/> (an Ethernet frame) carries <paramref name="framed"/>
    /// protected by <paramref name="sas"/>. <paramref name="sequenceHigh"/> overrides an SA's ESN high half.
    /// </summary>
    public static void AssertProtected(FramedPacket framed, IReadOnlyList<SaSpec> sas, byte[] wireFrame, string what,
        Func<SaSpec, uint>? sequenceHigh = null)
    {
        ArgumentNullException.ThrowIfNull(framed);
        byte[] inputFrame = TransportSimulator.EthernetFrame(framed.Packet);
        Assert.That(wireFrame, Has.Length.EqualTo(inputFrame.Length), $"{what}: frame length (the NIC adds and removes nothing)");
        HexAssert.AreEqual(inputFrame.AsSpan(0, TransportSimulator.EthernetHeaderLength), wireFrame.AsSpan(0, TransportSimulator.EthernetHeaderLength),
            $"{what}: Ethernet header");
        byte[] packet = wireFrame[TransportSimulator.EthernetHeaderLength..];
        foreach (FramedHeader header in framed.Headers.Reverse())
        {
            SaSpec sa = sas.Single(s => s.Spi == header.Spi && s.Protocol == header.Protocol);
            uint high = sequenceHigh?.Invoke(sa) ?? sa.SequenceNumberHigh;
            string where = $"{what}: {header.Protocol} SPI 0x{header.Spi:x8} at 0x{header.Offset:x2}";
            if (header.Protocol == IpsecProtocol.Esp)
            {
                UndoEsp(packet, header, sa, high, where);
            }
            else
            {
                CheckAh(packet, header, sa, high, where);
            }
        }

        HexAssert.AreEqual(framed.Packet, packet, $"{what}: the wire packet with its IPsec transforms undone by BouncyCastle");
    }

    /// <summary>The ESP ICV BouncyCastle computes over SPI ‖ SN ‖ IV ‖ ciphertext [‖ SN_high] (RFC 4303 §3.3.2.1).</summary>
    public static byte[] EspIcv(ReadOnlySpan<byte> packet, FramedHeader header, SaSpec sa, uint high)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(sa);
        using IIntegrityTransform mac = Bc.CreateIntegrity(sa.Integrity!, sa.IntegrityKey);
        mac.Start([]);
        mac.Append(packet[header.Offset..header.IcvOffset]);
        if (sa.Esn)
        {
            Span<byte> snHigh = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(snHigh, high);
            mac.Append(snHigh);
        }

        byte[] icv = new byte[header.IcvLength];
        mac.Finish(icv);
        return icv;
    }

    private static void UndoEsp(byte[] packet, FramedHeader header, SaSpec sa, uint high, string where)
    {
        Assert.That(sa.Encryption?.Kind, Is.Not.EqualTo(CryptoAlgorithmKind.Aead), "the oracle handles CBC/NULL + HMAC only");
        HexAssert.AreEqual(EspIcv(packet, header, sa, high), packet.AsSpan(header.IcvOffset, header.IcvLength), $"{where}: ICV (BouncyCastle HMAC)");
        packet.AsSpan(header.IcvOffset, header.IcvLength).Clear();
        using ICipherTransform cipher = Bc.CreateCipher(sa.Encryption!, sa.EncryptionKey);
        cipher.Decrypt(packet.AsSpan(header.IvOffset, header.IvLength), packet.AsSpan(header.ProtectedOffset, header.ProtectedLength));
    }

    private static void CheckAh(byte[] packet, FramedHeader header, SaSpec sa, uint high, string where)
    {
        // RFC 4302 §3.3.3.1: the ICV covers the datagram with the mutable fields and the ICV zeroed.
        byte[] copy = packet.AsSpan(header.ProtectedOffset, header.ProtectedLength).ToArray();
        copy.AsSpan(header.IcvOffset - header.ProtectedOffset, header.IcvLength).Clear();
        if (copy[0] >> 4 == 4)
        {
            Assert.That(copy[0] & 0x0F, Is.EqualTo(5), "the oracle handles IPv4 without options");
            copy[1] = 0; // TOS
            copy[6] = 0; // flags, fragment offset
            copy[7] = 0;
            copy[8] = 0; // TTL
            copy[10] = 0; // header checksum
            copy[11] = 0;
        }
        else
        {
            copy[0] &= 0xF0; // traffic class, flow label
            copy[1] = 0;
            copy[2] = 0;
            copy[3] = 0;
            copy[7] = 0; // hop limit
        }

        using IIntegrityTransform mac = Bc.CreateIntegrity(sa.Integrity!, sa.IntegrityKey);
        mac.Start([]);
        mac.Append(copy);
        if (sa.Esn)
        {
            byte[] snHigh = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(snHigh, high);
            mac.Append(snHigh);
        }

        byte[] icv = new byte[header.IcvLength];
        mac.Finish(icv);
        HexAssert.AreEqual(icv, packet.AsSpan(header.IcvOffset, header.IcvLength), $"{where}: ICV (BouncyCastle HMAC)");
        packet.AsSpan(header.IcvOffset, header.IcvLength).Clear();
    }
}
