using System.Buffers;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Mutants;

/// <summary>
/// Fault: an NBL whose handle names no offloaded SA is transmitted as the transport framed it — clear
/// text with placeholder ICVs — and completed with <c>NDIS_STATUS_SUCCESS</c>. Breaks SEND-04 (fail the
/// send) and with it SEND-01 (nothing goes out on an SA that was never added).
/// </summary>
internal sealed class CleartextUnknownHandle() : MutantMiniport(Name)
{
    public const string Name = "cleartext-unknown-handle";

    protected override void SendOne(NetBufferList nbl, NdisSendFlags flags)
    {
        if (!HasUnknownHandle(nbl))
        {
            base.SendOne(nbl, flags);
            return;
        }

        for (NetBuffer? nb = nbl.FirstNetBuffer; nb is not null; nb = nb.Next)
        {
            // Short frames are padded as the reference pads them (SEND-23): the one fault is the missing refusal.
            int length = Reference.Options.Profile.PadShortFrames ? Math.Max(nb.DataLength, ReferenceMiniport.MinimumFrameLength) : nb.DataLength;
            byte[] frame = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                frame.AsSpan(0, length).Clear();
                nb.CopyTo(frame);
                Host.Transmit(nbl, frame.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }

        Complete(nbl, NdisStatus.Success, flags);
    }
}
