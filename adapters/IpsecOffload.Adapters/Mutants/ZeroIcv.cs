using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Wire;
using IpsecOffload.Ndis;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: ESP is computed but the ICV is not written — every protected frame leaves with the last
/// ESP SA's ICV bytes (the end of the IP datagram) zero, as a NIC whose integrity engine never
/// stores its result would send it. The ICV length is the SA's, from the reference SA table. Breaks
/// ESP-01 (the ICV verifies with the SA's integrity key).
/// </summary>
internal sealed class ZeroIcv() : MutantMiniport(Name)
{
    public const string Name = "zero-icv";

    protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
    {
        int icvLength = OutermostEspIcvLength(owner);
        if (icvLength == 0 || !TryIpDatagramEnd(frame, out int end) || end < icvLength)
        {
            base.OnTransmit(owner, frame);
            return;
        }

        byte[] copy = frame.ToArray();
        copy.AsSpan(end - icvLength, icvLength).Clear();
        base.OnTransmit(owner, copy);
    }

    /// <summary>
    /// The ICV length of the ESP whose trailer ends the datagram: the tunnel SA's ESP when there is one
    /// (it wraps the inner packet), else the offload SA's; 0 when no ESP applies or ESP offload is disabled
    /// (the reference then sends the frame as it is).
    /// </summary>
    private int OutermostEspIcvLength(NetBufferList owner)
    {
        OffloadedSaBundle? offload = Bundle(owner.Info[NetBufferListInfoId.IPsecOffload]);
        OffloadedSaBundle? tunnel = offload?.Version == SaVersion.V1 ? null : Bundle(owner.Info[NetBufferListInfoId.IPsecOffloadV2Tunnel]);
        OffloadedSaBundle? bundle = tunnel?.Esp is not null ? tunnel : offload;
        return bundle?.Esp is { } esp && Reference.Sa.IsOffloadEnabled(bundle.Version, IpsecProtocol.Esp, bundle.IsIPv6) ? esp.IcvLength : 0;
    }

    /// <summary>The frame offset where the outer IP datagram ends (IPv4 Total Length, IPv6 40 + Payload Length).</summary>
    private static bool TryIpDatagramEnd(ReadOnlySpan<byte> frame, out int end)
    {
        end = 0;
        if (!EthernetHeader.TryRead(frame, out EthernetHeader ethernet))
        {
            return false;
        }

        ReadOnlySpan<byte> ip = frame[ethernet.Length..];
        if (ethernet.EtherType == EthernetHeader.EtherTypeIPv4 && IPv4Header.TryRead(ip, out IPv4Header v4))
        {
            end = ethernet.Length + v4.TotalLength;
        }
        else if (ethernet.EtherType == EthernetHeader.EtherTypeIPv6 && IPv6Header.TryRead(ip, out IPv6Header v6))
        {
            end = ethernet.Length + IPv6FixedLength + v6.PayloadLength;
        }

        return end > ethernet.Length && end <= frame.Length;
    }

    // RFC 8200 §3: the fixed IPv6 header is 40 bytes; Payload Length counts what follows it.
    private const int IPv6FixedLength = 40;
}
