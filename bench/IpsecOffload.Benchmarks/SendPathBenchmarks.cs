using BenchmarkDotNet.Attributes;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Benchmarks;

/// <summary>
/// The reference miniport's send path without LSO: one <c>MiniportSendNetBufferLists</c> call with
/// one NBL of one NB (Ethernet ‖ framed IPv4/TCP packet) per operation, for each SA suite and
/// plaintext IP packet size. Set-up (SA through the OID, framing, NBL) is not measured.
/// </summary>
[MemoryDiagnoser]
public class SendPathBenchmarks : IDisposable
{
    /// <summary>Sends per benchmark invocation (BenchmarkDotNet divides time and allocations by it).</summary>
    public const int Batch = 16;

    private SendScenario? _scenario;
    private IMiniport? _miniport;
    private NetBufferList? _nbl;

    /// <summary>The SA bundle.</summary>
    [Params(SendSuite.EspAesGcm128, SendSuite.EspAesCbc128HmacSha1, SendSuite.AhHmacSha256)]
    public SendSuite Suite { get; set; }

    /// <summary>Bytes of the plaintext IP packet (IPv4 ‖ TCP ‖ payload) before the transport frames it.</summary>
    [Params(64, 576, 1500, 9000)]
    public int PacketSize { get; set; }

    /// <summary>Builds the miniport, adds the SA, frames the packet and checks one send succeeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scenario = SendScenario.Create(Suite, PacketSize);
        _miniport = _scenario.Miniport;
        _nbl = _scenario.NetBufferList;
    }

    /// <summary>One <c>SendNetBufferLists</c> call per operation.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void SendNetBufferLists()
    {
        IMiniport miniport = _miniport!;
        NetBufferList nbl = _nbl!;
        for (int i = 0; i < Batch; i++)
        {
            miniport.SendNetBufferLists(nbl, NdisSendFlags.None);
        }
    }

    /// <summary>Checks the sends after the run all succeeded, then releases the miniport.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_scenario is { } scenario && scenario.Host.Frames != scenario.Host.Completions)
        {
            throw new InvalidOperationException(
                $"{scenario.Host.Completions} sends completed but {scenario.Host.Frames} frames were transmitted: some sends failed.");
        }

        Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _scenario?.Dispose();
        _scenario = null;
        _miniport = null;
        _nbl = null;
        GC.SuppressFinalize(this);
    }
}
