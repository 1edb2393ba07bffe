using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;

namespace IpsecOffload.Engine.Lso;

/// <summary>
/// The IV the NIC writes into LSO segment k ≥ 1 (segment 0 keeps the transport's IV, AMB-01;
/// docs/decisions/amb-03-lso-sequence-numbers.md): the device IV of <see cref="EspDeviceIv"/> for the
/// segment's 64-bit sequence number — AES-GCM/GMAC: the SN itself; CBC: E_K(0…0 ‖ SN); ESP-NULL: none.
/// The same derivation serves non-LSO sends under the profile's <c>EspIv = Device</c>.
/// </summary>
public static class LsoSegmentIv
{
    /// <summary>The IV for the segment whose 64-bit sequence number is <paramref name="sequenceNumber"/> on <paramref name="sa"/>.</summary>
    public static byte[] Derive(SaTransform sa, ulong sequenceNumber)
    {
        ArgumentNullException.ThrowIfNull(sa);
        var iv = new byte[sa.IvLength];
        EspDeviceIv.Write(sa, sequenceNumber, iv);
        return iv;
    }
}
