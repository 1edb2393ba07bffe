namespace IpsecOffload.Engine.Wire;

/// <summary>TCP control bits (RFC 9293 §3.1, RFC 3168 for CWR/ECE, RFC 3540/AccECN for bit 7 of byte 12).</summary>
[Flags]
public enum TcpFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>FIN.</summary>
    Fin = 0x001,
    /// <summary>SYN.</summary>
    Syn = 0x002,
    /// <summary>RST.</summary>
    Rst = 0x004,
    /// <summary>PSH.</summary>
    Psh = 0x008,
    /// <summary>ACK.</summary>
    Ack = 0x010,
    /// <summary>URG.</summary>
    Urg = 0x020,
    /// <summary>ECE.</summary>
    Ece = 0x040,
    /// <summary>CWR.</summary>
    Cwr = 0x080,
    /// <summary>The former NS bit, now AE (Accurate ECN); the low bit of byte 12.</summary>
    Ae = 0x100,
}
