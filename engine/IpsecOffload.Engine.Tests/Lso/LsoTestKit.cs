using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Engine.Tests.Lso;

/// <summary>One run of framer → segmenter → oracle.</summary>
internal sealed record LsoRun(LsoFramedPacket Framed, LsoSegmentation? Segmentation, NdisError? Error, IReadOnlyList<string> Problems)
{
    public override string ToString() => Error is not null ? $"refused: {Error}" : string.Join(Environment.NewLine, Problems);
}

/// <summary>A named ESP SA shape: algorithms and key lengths; keys are drawn from a seeded random.</summary>
public sealed record LsoAlgorithm(string Name, CryptoAlgorithm? Encryption, CryptoAlgorithm? Integrity, int IcvLength)
{
    public override string ToString() => Name;

    public SaSpec Spec(Random random, uint spi, bool esn = false, uint high = 0) => new()
    {
        Protocol = IpsecProtocol.Esp,
        Spi = spi,
        Encryption = Encryption,
        EncryptionKey = Encryption is null ? [] : LsoTestKit.Bytes(random, Encryption.KeyLength + Encryption.SaltLength),
        Integrity = Integrity,
        IntegrityKey = Integrity is null ? [] : LsoTestKit.Bytes(random, Integrity.KeyLength + Integrity.SaltLength),
        IcvLength = IcvLength,
        Esn = esn,
        SequenceNumberHigh = high,
    };
}

/// <summary>Packets, SAs and the framer → segmenter → oracle pipeline for the LSO tests.</summary>
internal static class LsoTestKit
{
    public const uint Spi = 0x9C3E_71A5;

    /// <summary>Every ESP transform the engine offers, as used with LSO.</summary>
    public static readonly LsoAlgorithm[] Algorithms =
    [
        new("aes-gcm-128", CryptoAlgorithm.AesGcm128, null, 16),
        new("aes-gcm-128-icv8", CryptoAlgorithm.AesGcm128, null, 8),
        new("aes-gcm-128-icv12", CryptoAlgorithm.AesGcm128, null, 12),
        new("aes-gcm-192", CryptoAlgorithm.AesGcm192, null, 16),
        new("aes-gcm-256", CryptoAlgorithm.AesGcm256, null, 16),
        new("aes-cbc-128+sha1", CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1, 12),
        new("aes-cbc-192+sha1", CryptoAlgorithm.AesCbc192, CryptoAlgorithm.HmacSha1, 12),
        new("aes-cbc-256+sha256", CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256, 16),
        new("aes-cbc-128+sha256", CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha256, 16),
        new("aes-cbc-128+md5", CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacMd5, 12),
        new("3des-cbc+sha1", CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1, 12),
        new("des-cbc+sha1", CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacSha1, 12),
        new("esp-null+sha256", CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha256, 16),
        new("aes-gmac-128", null, CryptoAlgorithm.AesGmac128, 16),
        new("aes-gmac-192", null, CryptoAlgorithm.AesGmac192, 16),
        new("aes-gmac-256", null, CryptoAlgorithm.AesGmac256, 16),
        new("aes-cbc-128-no-auth", CryptoAlgorithm.AesCbc128, null, 0),
    ];

    public static LsoAlgorithm Gcm128 => Algorithms[0];

    public static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>The engine's SA entry for <paramref name="spec"/> (.NET backend), with SN_high = <paramref name="high"/>.</summary>
    public static SaTransform Transform(SaSpec spec, uint high)
    {
        DotNetCryptoBackend backend = DotNetCryptoBackend.Instance;
        ICipherTransform? cipher = spec.Encryption is { Kind: CryptoAlgorithmKind.Cipher } c ? backend.CreateCipher(c, spec.EncryptionKey) : null;
        IAeadTransform? aead = spec.Encryption is { Kind: CryptoAlgorithmKind.Aead } a ? backend.CreateAead(a, spec.EncryptionKey, spec.IcvLength) : null;
        IIntegrityTransform? integrity = spec.Integrity is { } i ? backend.CreateIntegrity(i, spec.IntegrityKey) : null;
        return new SaTransform(spec.Protocol, spec.Spi, spec.Esn, high, cipher, aead, integrity);
    }

    /// <summary>The first segment's IV as the transport picks it: the 64-bit SN for GCM/GMAC, random for CBC.</summary>
    public static byte[] FirstIv(SaSpec spec, ulong sequenceNumber, Random random)
    {
        byte[] iv = new byte[spec.IvLength];
        if (spec.Encryption is { Kind: CryptoAlgorithmKind.Cipher })
        {
            random.NextBytes(iv);
        }
        else if (iv.Length > 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(iv, sequenceNumber);
        }

        return iv;
    }

    public static FramingSa Framing(SaSpec spec, ulong sequenceNumber, byte[] iv) => new()
    {
        Protocol = IpsecProtocol.Esp,
        Spi = spec.Spi,
        SequenceNumber = sequenceNumber,
        Iv = iv,
        IcvLength = spec.IcvLength,
        EspPadAlignment = spec.EspPadAlignment,
    };

    /// <summary>Frames, segments (request built from the raw slot-2 value) and checks with the oracle.</summary>
    public static LsoRun Run(SaSpec spec, byte[] plain, uint mss, LargeSendOffloadType version, ulong sequenceNumber, Random random,
        int mtu = LsoRequest.DefaultMtu, NdisAbi abi = NdisAbi.X64)
    {
        LsoFramedPacket framed = LsoFramer.Frame(plain, Framing(spec, sequenceNumber, FirstIv(spec, sequenceNumber, random)), mss, version);
        LsoRequest request = LsoRequest.FromSlot(framed.LsoSlot(abi), abi, framed.HeaderInfo) with { IsIPv6Sa = framed.IsIPv6, Mtu = mtu };
        using SaTransform sa = Transform(spec, spec.Esn ? (uint)(sequenceNumber >> 32) : 0);
        if (!LsoSegmenter.TrySegment(framed.Packet, sa, request, out LsoSegmentation? result, out NdisError? error))
        {
            return new LsoRun(framed, null, error, []);
        }

        return new LsoRun(framed, result, null, LsoOracle.Check(spec, plain, mss, version, sequenceNumber, result.Segments));
    }

    /// <summary>Shape of a plaintext TCP packet.</summary>
    internal sealed record PacketShape
    {
        public bool IPv6 { get; init; }
        public int PayloadLength { get; init; }
        public int TcpOptionsLength { get; init; }
        public int IPv4OptionsLength { get; init; }
        public bool HopByHop { get; init; }
        public TcpFlags Flags { get; init; } = TcpFlags.Ack | TcpFlags.Psh;
        public ushort? Identification { get; init; }
        public uint? TcpSequence { get; init; }
    }

    /// <summary>A plaintext TCP packet with every field drawn full-range from <paramref name="random"/>, correct lengths and checksums.</summary>
    public static byte[] TcpPacket(PacketShape shape, Random random)
    {
        int tcpHeader = TcpHeader.MinimumLength + shape.TcpOptionsLength;
        int ipHeader = shape.IPv6 ? IPv6Header.Length + (shape.HopByHop ? 8 : 0) : IPv4Header.MinimumLength + shape.IPv4OptionsLength;
        byte[] packet = new byte[ipHeader + tcpHeader + shape.PayloadLength];
        Span<byte> tcp = packet.AsSpan(ipHeader);
        byte[] tcpOptions = new byte[shape.TcpOptionsLength];
        if (tcpOptions.Length >= 12)
        {
            // NOP, NOP, Timestamps (RFC 7323) with full-range values; NOPs after.
            tcpOptions.AsSpan().Fill(1);
            tcpOptions[2] = 8;
            tcpOptions[3] = 10;
            random.NextBytes(tcpOptions.AsSpan(4, 8));
        }
        else
        {
            tcpOptions.AsSpan().Fill(1);
        }

        new TcpHeader
        {
            SourcePort = (ushort)random.Next(1, 65536),
            DestinationPort = (ushort)random.Next(1, 65536),
            SequenceNumber = shape.TcpSequence ?? (uint)random.NextInt64(0, 1L << 32),
            AcknowledgmentNumber = (uint)random.NextInt64(0, 1L << 32),
            DataOffset = (byte)(tcpHeader / 4),
            Flags = shape.Flags,
            Window = (ushort)random.Next(0, 65536),
            UrgentPointer = (ushort)random.Next(0, 65536),
            Options = tcpOptions,
        }.Write(tcp);
        random.NextBytes(tcp[tcpHeader..]);
        uint pseudo;
        if (shape.IPv6)
        {
            byte nextHeader = shape.HopByHop ? IpProtocol.HopByHop : IpProtocol.Tcp;
            new IPv6Header
            {
                Version = 6,
                TrafficClass = (byte)random.Next(256),
                FlowLabel = (uint)random.Next(1 << 20),
                PayloadLength = checked((ushort)(packet.Length - IPv6Header.Length)),
                NextHeader = nextHeader,
                HopLimit = (byte)random.Next(1, 256),
                Source = Bytes(random, 16),
                Destination = Bytes(random, 16),
            }.Write(packet);
            if (shape.HopByHop)
            {
                // Next header 6, length 0 (8 bytes), PadN with 4 zero bytes (RFC 8200 §4.2).
                byte[] hbh = [IpProtocol.Tcp, 0, 1, 4, 0, 0, 0, 0];
                hbh.CopyTo(packet.AsSpan(IPv6Header.Length));
            }

            pseudo = InternetChecksum.PseudoHeaderSumIPv6(packet.AsSpan(8, 16), packet.AsSpan(24, 16), IpProtocol.Tcp, (uint)(tcpHeader + shape.PayloadLength));
        }
        else
        {
            byte[] options = new byte[shape.IPv4OptionsLength];
            options.AsSpan().Fill(1); // NOPs, ending with EOL
            if (options.Length > 0)
            {
                options[^1] = 0;
            }

            new IPv4Header
            {
                Version = 4,
                Ihl = (byte)(ipHeader / 4),
                TypeOfService = (byte)random.Next(256),
                TotalLength = checked((ushort)packet.Length),
                Identification = shape.Identification ?? (ushort)random.Next(65536),
                Flags = IPv4Flags.DontFragment,
                Ttl = (byte)random.Next(1, 256),
                Protocol = IpProtocol.Tcp,
                Source = (uint)random.NextInt64(0, 1L << 32),
                Destination = (uint)random.NextInt64(0, 1L << 32),
                Options = options,
            }.Write(packet);
            IPv4Header.WriteChecksum(packet.AsSpan(0, ipHeader));
            pseudo = InternetChecksum.PseudoHeaderSumIPv4(
                BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(12)), BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(16)),
                IpProtocol.Tcp, (ushort)(tcpHeader + shape.PayloadLength));
        }

        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], TcpHeader.ComputeChecksum(pseudo, tcp));
        return packet;
    }

    /// <summary>The largest MSS whose first segment still fits <paramref name="mtu"/> (bytes), for a packet shape and SA.</summary>
    public static int MaxMss(SaSpec spec, PacketShape shape, int mtu)
    {
        int ip = shape.IPv6 ? IPv6Header.Length + (shape.HopByHop ? 8 : 0) : IPv4Header.MinimumLength + shape.IPv4OptionsLength;
        int fixedPart = ip + EspHeader.Length + spec.IvLength + TcpHeader.MinimumLength + shape.TcpOptionsLength + 2 + spec.IcvLength;
        return mtu - fixedPart - (spec.EspPadAlignment - 1);
    }
}
