using static IpsecOffload.Ndis.Capabilities.CapabilityBits;

namespace IpsecOffload.Ndis.Capabilities;

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V1</c> (ntddndis.h; spec digest §5.2): 28 bytes, only <c>ULONG</c>s, so
/// the same layout on x86 and x64 (checked with gcc -m32/-m64, see the test folder's layout-check).
/// </summary>
public readonly record struct NdisIPsecOffloadV1
{
    //  +0  Supported.Encapsulation   +4  Supported.AhEspCombined   +8  Supported.TransportTunnelCombined
    //  +12 Supported.IPv4Options     +16 Supported.Flags
    //  +20 IPv4AH  (ULONG bitfields, bits 0..11)
    //  +24 IPv4ESP (ULONG bitfields, bits 0..15)                   sizeof = 28
    internal const int EncapsulationOffset = 0, AhEspCombinedOffset = 4, TransportTunnelCombinedOffset = 8;
    internal const int IPv4OptionsOffset = 12, FlagsOffset = 16, IPv4AhOffset = 20, IPv4EspOffset = 24;

    /// <summary>Bytes of <c>NDIS_IPSEC_OFFLOAD_V1</c> on both ABIs.</summary>
    public const int Size = 28;

    /// <summary><c>Supported</c>: the five <c>ULONG</c>s at +0..+19.</summary>
    public IPsecV1Supported Supported { get; init; }

    /// <summary><c>IPv4AH</c> at +20.</summary>
    public IPsecV1AhCapabilities IPv4Ah { get; init; }

    /// <summary><c>IPv4ESP</c> at +24.</summary>
    public IPsecV1EspCapabilities IPv4Esp { get; init; }

    /// <summary>Reads the structure from the first 28 bytes; false when fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NdisIPsecOffloadV1 value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new NdisIPsecOffloadV1
        {
            Supported = new IPsecV1Supported
            {
                Encapsulation = (NdisEncapsulation)ReadULong(source, EncapsulationOffset),
                AhEspCombined = ReadULong(source, AhEspCombinedOffset),
                TransportTunnelCombined = ReadULong(source, TransportTunnelCombinedOffset),
                IPv4Options = ReadULong(source, IPv4OptionsOffset),
                Flags = (IPsecV1UdpEspEncapsulationTypes)ReadULong(source, FlagsOffset),
            },
            IPv4Ah = IPsecV1AhCapabilities.FromWord(ReadULong(source, IPv4AhOffset)),
            IPv4Esp = IPsecV1EspCapabilities.FromWord(ReadULong(source, IPv4EspOffset)),
        };
        return true;
    }

    /// <summary>Writes 28 bytes; throws <see cref="ArgumentException"/> when the destination is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        RequireLength(destination, Size, "NDIS_IPSEC_OFFLOAD_V1");
        WriteULong(destination, EncapsulationOffset, (uint)Supported.Encapsulation);
        WriteULong(destination, AhEspCombinedOffset, Supported.AhEspCombined);
        WriteULong(destination, TransportTunnelCombinedOffset, Supported.TransportTunnelCombined);
        WriteULong(destination, IPv4OptionsOffset, Supported.IPv4Options);
        WriteULong(destination, FlagsOffset, (uint)Supported.Flags);
        WriteULong(destination, IPv4AhOffset, IPv4Ah.ToWord());
        WriteULong(destination, IPv4EspOffset, IPv4Esp.ToWord());
    }
}

/// <summary><c>NDIS_IPSEC_OFFLOAD_V1.Supported</c> (spec digest §5.2).</summary>
public readonly record struct IPsecV1Supported
{
    /// <summary><c>Encapsulation</c> (+0): <c>NDIS_ENCAPSULATION_*</c> mask.</summary>
    public NdisEncapsulation Encapsulation { get; init; }

    /// <summary><c>AhEspCombined</c> (+4): nonzero when [IP][AH][ESP][rest] is supported.</summary>
    public uint AhEspCombined { get; init; }

    /// <summary><c>TransportTunnelCombined</c> (+8): nonzero when transport and tunnel portions may share a packet.</summary>
    public uint TransportTunnelCombined { get; init; }

    /// <summary><c>IPv4Options</c> (+12): nonzero when packets with IPv4 options are supported.</summary>
    public uint IPv4Options { get; init; }

    /// <summary><c>Flags</c> (+16): UDP-ESP parse capability.</summary>
    public IPsecV1UdpEspEncapsulationTypes Flags { get; init; }
}

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V1.IPv4AH</c>: six 2-bit fields in one <c>ULONG</c>, bits 0..11; bits 12..31
/// are not declared (ignored on read, zero on write). Values above 3 throw
/// <see cref="ArgumentOutOfRangeException"/>. <c>Md5</c>/<c>Sha_1</c> apply to AH and ESP authentication.
/// </summary>
public readonly record struct IPsecV1AhCapabilities
{
    //  ULONG Md5:2  Sha_1:2  Transport:2  Tunnel:2  Send:2  Receive:2
    //  bits  0..1   2..3     4..5         6..7      8..9    10..11
    internal const int Md5Lo = 0, Sha1Lo = 2, TransportLo = 4, TunnelLo = 6, SendLo = 8, ReceiveLo = 10;

    private const string Name = "NDIS_IPSEC_OFFLOAD_V1.IPv4AH";
    private readonly byte _md5, _sha1, _transport, _tunnel, _send, _receive;

    /// <summary><c>Md5</c> (bits 0..1).</summary>
    public byte Md5 { get => _md5; init => _md5 = CheckTwoBits(value, Name + ".Md5"); }

    /// <summary><c>Sha_1</c> (bits 2..3).</summary>
    public byte Sha1 { get => _sha1; init => _sha1 = CheckTwoBits(value, Name + ".Sha_1"); }

    /// <summary><c>Transport</c> (bits 4..5).</summary>
    public byte Transport { get => _transport; init => _transport = CheckTwoBits(value, Name + ".Transport"); }

    /// <summary><c>Tunnel</c> (bits 6..7).</summary>
    public byte Tunnel { get => _tunnel; init => _tunnel = CheckTwoBits(value, Name + ".Tunnel"); }

    /// <summary><c>Send</c> (bits 8..9).</summary>
    public byte Send { get => _send; init => _send = CheckTwoBits(value, Name + ".Send"); }

    /// <summary><c>Receive</c> (bits 10..11).</summary>
    public byte Receive { get => _receive; init => _receive = CheckTwoBits(value, Name + ".Receive"); }

    /// <summary>Unpacks the fields from the <c>ULONG</c>, ignoring bits 12..31.</summary>
    public static IPsecV1AhCapabilities FromWord(uint word) => new()
    {
        Md5 = GetTwoBits(word, Md5Lo),
        Sha1 = GetTwoBits(word, Sha1Lo),
        Transport = GetTwoBits(word, TransportLo),
        Tunnel = GetTwoBits(word, TunnelLo),
        Send = GetTwoBits(word, SendLo),
        Receive = GetTwoBits(word, ReceiveLo),
    };

    /// <summary>Packs the fields into the <c>ULONG</c> (bits 12..31 zero).</summary>
    public uint ToWord() =>
        PutTwoBits(Md5, Md5Lo) | PutTwoBits(Sha1, Sha1Lo) | PutTwoBits(Transport, TransportLo)
        | PutTwoBits(Tunnel, TunnelLo) | PutTwoBits(Send, SendLo) | PutTwoBits(Receive, ReceiveLo);
}

/// <summary>
/// <c>NDIS_IPSEC_OFFLOAD_V1.IPv4ESP</c>: eight 2-bit fields in one <c>ULONG</c>, bits 0..15; bits
/// 16..31 are not declared (ignored on read, zero on write). Values above 3 throw
/// <see cref="ArgumentOutOfRangeException"/>.
/// </summary>
public readonly record struct IPsecV1EspCapabilities
{
    //  ULONG Des:2  Reserved:2  TripleDes:2  NullEsp:2  Transport:2  Tunnel:2  Send:2  Receive:2
    //  bits  0..1   2..3        4..5         6..7       8..9         10..11    12..13  14..15
    internal const int DesLo = 0, ReservedLo = 2, TripleDesLo = 4, NullEspLo = 6;
    internal const int TransportLo = 8, TunnelLo = 10, SendLo = 12, ReceiveLo = 14;

    private const string Name = "NDIS_IPSEC_OFFLOAD_V1.IPv4ESP";
    private readonly byte _des, _reserved, _tripleDes, _nullEsp, _transport, _tunnel, _send, _receive;

    /// <summary><c>Des</c> (bits 0..1).</summary>
    public byte Des { get => _des; init => _des = CheckTwoBits(value, Name + ".Des"); }

    /// <summary><c>Reserved</c> (bits 2..3).</summary>
    public byte Reserved { get => _reserved; init => _reserved = CheckTwoBits(value, Name + ".Reserved"); }

    /// <summary><c>TripleDes</c> (bits 4..5).</summary>
    public byte TripleDes { get => _tripleDes; init => _tripleDes = CheckTwoBits(value, Name + ".TripleDes"); }

    /// <summary><c>NullEsp</c> (bits 6..7).</summary>
    public byte NullEsp { get => _nullEsp; init => _nullEsp = CheckTwoBits(value, Name + ".NullEsp"); }

    /// <summary><c>Transport</c> (bits 8..9).</summary>
    public byte Transport { get => _transport; init => _transport = CheckTwoBits(value, Name + ".Transport"); }

    /// <summary><c>Tunnel</c> (bits 10..11).</summary>
    public byte Tunnel { get => _tunnel; init => _tunnel = CheckTwoBits(value, Name + ".Tunnel"); }

    /// <summary><c>Send</c> (bits 12..13).</summary>
    public byte Send { get => _send; init => _send = CheckTwoBits(value, Name + ".Send"); }

    /// <summary><c>Receive</c> (bits 14..15).</summary>
    public byte Receive { get => _receive; init => _receive = CheckTwoBits(value, Name + ".Receive"); }

    /// <summary>Unpacks the fields from the <c>ULONG</c>, ignoring bits 16..31.</summary>
    public static IPsecV1EspCapabilities FromWord(uint word) => new()
    {
        Des = GetTwoBits(word, DesLo),
        Reserved = GetTwoBits(word, ReservedLo),
        TripleDes = GetTwoBits(word, TripleDesLo),
        NullEsp = GetTwoBits(word, NullEspLo),
        Transport = GetTwoBits(word, TransportLo),
        Tunnel = GetTwoBits(word, TunnelLo),
        Send = GetTwoBits(word, SendLo),
        Receive = GetTwoBits(word, ReceiveLo),
    };

    /// <summary>Packs the fields into the <c>ULONG</c> (bits 16..31 zero).</summary>
    public uint ToWord() =>
        PutTwoBits(Des, DesLo) | PutTwoBits(Reserved, ReservedLo) | PutTwoBits(TripleDes, TripleDesLo)
        | PutTwoBits(NullEsp, NullEspLo) | PutTwoBits(Transport, TransportLo) | PutTwoBits(Tunnel, TunnelLo)
        | PutTwoBits(Send, SendLo) | PutTwoBits(Receive, ReceiveLo);
}
