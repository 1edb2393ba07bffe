using IpsecOffload.Adapters;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Properties.Tests;

/// <summary>Test-only faulty adapters for the laws no mutant of the catalogue breaks: each wraps a fresh reference adapter.</summary>
internal static class FaultyAdapters
{
    public static IMiniport Reference() => AdapterRegistry.Find(AdapterRegistry.Default)!.Create();

    /// <summary>Reads only the first MDL of each NET_BUFFER: bytes in later MDLs are taken as zeros (breaks SEND-19).</summary>
    public sealed class ReadsFirstMdlOnly() : MiniportDecorator(Reference())
    {
        public override void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
        {
            ArgumentNullException.ThrowIfNull(netBufferLists);
            foreach (NetBufferList nbl in netBufferLists.EnumerateChain())
            {
                foreach (NetBuffer nb in nbl.EnumerateNetBuffers())
                {
                    foreach (Mdl mdl in nb.EnumerateMdls().Skip(1))
                    {
                        mdl.Span.Clear();
                    }
                }
            }

            base.SendNetBufferLists(netBufferLists, flags);
        }
    }

    /// <summary>Flips the last byte of every frame it sends for a non-zero handle: the oracle may or may not see it, the reference comparison must (breaks SEND-10).</summary>
    public sealed class FlipsLastByte() : MiniportDecorator(Reference())
    {
        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            ArgumentNullException.ThrowIfNull(owner);
            if (owner.Info[NetBufferListInfoId.IPsecOffload] == 0)
            {
                base.OnTransmit(owner, frame);
                return;
            }

            byte[] copy = frame.ToArray();
            copy[^1] ^= 0x01;
            base.OnTransmit(owner, copy);
        }
    }
}
