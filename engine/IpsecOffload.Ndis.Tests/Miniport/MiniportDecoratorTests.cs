using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Miniport;

public class MiniportDecoratorTests
{
    [Test]
    public void Decorator_ByDefault_PassesFramesCompletionsAndOidsThrough()
    {
        var host = new RecordingMiniportHost();
        using var miniport = new PassThrough(new EchoMiniport());
        miniport.Initialize(host);
        var (first, second) = (Nbl("a", 0x11, 61), Nbl("b", 0x22, 70));
        first.Next = second;

        miniport.SendNetBufferLists(first, NdisSendFlags.None);
        OidResult oid = miniport.OidRequest(new OidRequest(NdisOid.TcpOffloadParameters, NdisRequestType.Set, [1, 2, 3]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(host.Events.Select(Describe), Is.EqualTo(new[] { "frame a", "frame b", "complete a", "complete b" }));
            HexAssert.AreEqual(first.FirstNetBuffer!.CopyData(), host.FramesOf(first)[0], "frame of NBL a");
            Assert.That(host.CompletionsOf(second).Single().Status, Is.EqualTo(NdisStatus.Success));
            Assert.That(oid.BytesRead, Is.EqualTo(3), "OID reached the inner miniport");
            Assert.That(miniport.Identity.Name, Is.EqualTo("echo"));
        }
    }

    [Test]
    public void Decorator_CanInjectFaults_InTheHostDirection()
    {
        var host = new RecordingMiniportHost();
        using var miniport = new DropFramesCompleteTwice(new EchoMiniport());
        miniport.Initialize(host);
        NetBufferList nbl = Nbl("a", 0x33, 64);

        miniport.SendNetBufferLists(nbl, NdisSendFlags.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(host.FramesOf(nbl), Is.Empty);
            Assert.That(host.CompletionsOf(nbl), Has.Count.EqualTo(2));
        }
    }

    [Test]
    public void RecordingHost_SnapshotsOobSlotsAtCompletion()
    {
        var host = new RecordingMiniportHost();
        NetBufferList nbl = Nbl("a", 0x44, 64);
        nbl.Info[NetBufferListInfoId.TcpLargeSend] = 0x4000_05B4;
        nbl.Status = NdisStatus.Failure;

        host.SendNetBufferListsComplete(nbl, NdisSendCompleteFlags.DispatchLevel);
        nbl.Info[NetBufferListInfoId.TcpLargeSend] = 0;

        CompletionEvent completion = host.CompletionsOf(nbl).Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completion.Info[(int)NetBufferListInfoId.TcpLargeSend], Is.EqualTo(0x4000_05B4UL));
            Assert.That(completion.Status, Is.EqualTo(NdisStatus.Failure));
            Assert.That(completion.Flags, Is.EqualTo(NdisSendCompleteFlags.DispatchLevel));
        }
    }

    private static NetBufferList Nbl(string name, byte fill, int length)
    {
        byte[] data = Enumerable.Range(0, length).Select(i => (byte)(fill + i)).ToArray();
        return new NetBufferList(NetBuffer.FromBytes(data, length / 2)) { Name = name };
    }

    private static string Describe(MiniportEvent e) => e switch
    {
        FrameEvent f => $"frame {f.Owner.Name}",
        CompletionEvent c => $"complete {c.NetBufferList.Name}",
        _ => e.ToString()!,
    };

    private sealed class PassThrough(IMiniport inner) : MiniportDecorator(inner);

    private sealed class DropFramesCompleteTwice(IMiniport inner) : MiniportDecorator(inner)
    {
        protected override void OnTransmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
        }

        protected override void OnSendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            Host.SendNetBufferListsComplete(netBufferLists, flags);
            Host.SendNetBufferListsComplete(netBufferLists, flags);
        }
    }

    /// <summary>Sends every NB unchanged, then completes the whole chain with SUCCESS.</summary>
    private sealed class EchoMiniport : IMiniport
    {
        private IMiniportHost? _host;

        public MiniportIdentity Identity { get; } = new("echo", "1", NdisAbi.X64);

        public void Initialize(IMiniportHost host) => _host = host;

        public MiniportOffloadReport QueryOffload() => new([], []);

        public OidResult OidRequest(OidRequest request) =>
            new(NdisStatus.Success, request.InformationBuffer, request.InformationBuffer.Length, 0);

        public void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
        {
            foreach (NetBufferList nbl in netBufferLists.EnumerateChain())
            {
                foreach (NetBuffer nb in nbl.EnumerateNetBuffers())
                {
                    _host!.Transmit(nbl, nb.CopyData());
                }

                nbl.Status = NdisStatus.Success;
            }

            _host!.SendNetBufferListsComplete(netBufferLists, NdisSendCompleteFlags.None);
        }

        public NdisStatus Reset() => NdisStatus.Success;

        public void Dispose()
        {
        }
    }
}
