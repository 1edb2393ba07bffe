using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Tests.Oracle;

/// <summary>
/// The reference miniport on a recording host with the transport simulator in front of it: the source of
/// real wire frames for the oracle's tests. Only the transport side (framer, NBL builder) and the miniport
/// under test are used; the oracle judges the result.
/// </summary>
internal sealed class OracleRig : IDisposable
{
    public OracleRig(NdisAbi abi = NdisAbi.X64)
    {
        Miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi });
        Miniport.Initialize(Host);
        Transport = new TransportSimulator(Miniport);
    }

    public ReferenceMiniport Miniport { get; }

    public RecordingMiniportHost Host { get; } = new();

    public TransportSimulator Transport { get; }

    /// <summary>Adds one v2 bundle; asserts it was offloaded.</summary>
    public ulong Add(BundleSpec bundle)
    {
        SaAddResult result = Transport.AddSaV2(bundle);
        Assert.That(result.Succeeded, Is.True, $"v2 ADD_SA of {string.Join(", ", bundle.Sas)}: {result.Status.ToNdisName()}");
        return result.Handle;
    }

    /// <summary>Sends <paramref name="framed"/> on the handles; asserts one SUCCESS completion and returns the single frame.</summary>
    public byte[] Send(FramedPacket framed, ulong offloadHandle, ulong tunnelHandle = 0)
    {
        NetBufferList nbl = Transport.BuildNbl(framed, offloadHandle, tunnelHandle);
        Miniport.SendNetBufferLists(nbl, NdisSendFlags.None);
        IReadOnlyList<CompletionEvent> completions = Host.CompletionsOf(nbl);
        Assert.That(completions.Select(c => c.Status), Is.EqualTo(new[] { NdisStatus.Success }), $"{nbl.Name}: completions");
        IReadOnlyList<byte[]> frames = Host.FramesOf(nbl);
        Assert.That(frames, Has.Count.EqualTo(1), $"{nbl.Name}: frames");
        return frames[0];
    }

    /// <summary>Sends one LSO NBL; asserts one SUCCESS completion and returns its frames.</summary>
    public IReadOnlyList<byte[]> SendLso(LsoFramedPacket framed, ulong handle)
    {
        NetBufferList nbl = Transport.BuildLsoNbl(framed, handle);
        Miniport.SendNetBufferLists(nbl, NdisSendFlags.None);
        IReadOnlyList<CompletionEvent> completions = Host.CompletionsOf(nbl);
        Assert.That(completions.Select(c => c.Status), Is.EqualTo(new[] { NdisStatus.Success }), $"{nbl.Name}: completions");
        return Host.FramesOf(nbl);
    }

    public void Dispose() => Miniport.Dispose();
}
