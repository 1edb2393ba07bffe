using System.Collections.Concurrent;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: on combined LSO + IPsec sends the NIC misreads <c>PadLength</c> of the IPsec v2 header OOB
/// (slot 12) by one — PadLength − 1 (PadLength + 1 when it is 0) — so it discards one pad byte too few
/// (too many) while segmenting: the last segment carries a pad byte as TCP payload (or loses its last
/// payload byte). Non-LSO sends are untouched (their trailer is already in the buffer, AMB-02). Breaks
/// LSO-03 (the segments' TCP payloads concatenate to the large packet's payload) and SEND-15.
/// </summary>
internal sealed class WrongPadLength() : MutantMiniport(Name)
{
    public const string Name = "wrong-pad-length";

    private readonly ConcurrentDictionary<NetBufferList, ulong> _originalHeaderSlots = new();

    protected override void SendOne(NetBufferList nbl, NdisSendFlags flags)
    {
        ulong headerSlot = nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header];
        if (nbl.Info[NetBufferListInfoId.TcpLargeSend] == 0 || headerSlot == 0)
        {
            base.SendOne(nbl, flags);
            return;
        }

        NdisAbi abi = Reference.Options.Abi;
        IPsecOffloadV2HeaderTransmit header = IPsecOffloadV2HeaderTransmit.FromSlot(headerSlot, abi);
        byte misread = header.PadLength == 0 ? (byte)1 : (byte)(header.PadLength - 1);
        _originalHeaderSlots[nbl] = headerSlot;
        nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header] = (header with { PadLength = misread }).ToSlot(abi);
        base.SendOne(nbl, flags);
    }

    protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
    {
        // The misreading is the NIC's own: the transport gets its OOB word back as it wrote it.
        for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
        {
            if (_originalHeaderSlots.TryRemove(nbl, out ulong original))
            {
                nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header] = original;
            }
        }

        base.OnSendNetBufferListsComplete(netBufferLists, flags);
    }
}
