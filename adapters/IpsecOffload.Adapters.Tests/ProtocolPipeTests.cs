using System.IO.Pipes;
using System.Diagnostics;
using System.Text;
using IpsecOffload.Adapters.Protocol;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;

namespace IpsecOffload.Adapters.Tests;

public sealed class ProtocolPipeTests
{
    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void ReferenceOverPipes_FirstFortyCases_SameVerdictsAndFramesAsInProcess(NdisAbi abi)
    {
        ConformanceCase[] cases = [.. CaseCatalogue.All.Take(40)];

        RunResult inProcess = ProtocolFixtures.Run(new AdapterUnderTest("reference", () => ProtocolFixtures.Reference(abi)), cases);
        RunResult piped = ProtocolFixtures.Run(new AdapterUnderTest("pipes", () => ProtocolFixtures.OverPipes(ProtocolFixtures.Reference(abi))), cases);

        Assert.That(ProtocolFixtures.VerdictDifferences(inProcess, piped), Is.Empty);
        int frames = 0;
        foreach ((CaseResult expected, CaseResult actual) in inProcess.Cases.Zip(piped.Cases))
        {
            Assert.That(actual.Frames, Has.Count.EqualTo(expected.Frames.Count), $"{expected.Case.Name}: frame count");
            foreach ((EvidenceFrame e, EvidenceFrame a) in expected.Frames.Zip(actual.Frames))
            {
                Assert.That(a.Nbl, Is.EqualTo(e.Nbl), $"{expected.Case.Name}: frame {e.Index} owner");
                HexAssert.AreEqual(e.Frame, a.Frame, $"{expected.Case.Name}: frame {e.Index} of {e.Nbl}");
                frames++;
            }
        }

        TestContext.Out.WriteLine($"{abi}: {cases.Length} cases, {frames} frames identical; in-process {inProcess.Duration.TotalSeconds:0.00} s, over pipes {piped.Duration.TotalSeconds:0.00} s");
        Assert.That(frames, Is.GreaterThan(0));
    }

    [Test]
    public void ChainOfThreeNbls_ZeroHandle_FramesAndCompletionsReplayedInOrderWithOobAndChainKept()
    {
        using ProcessMiniport miniport = ProtocolFixtures.OverPipes(ProtocolFixtures.Reference(NdisAbi.X64));
        var host = new RecordingMiniportHost();
        miniport.Initialize(host);
        Random random = TestSeeds.Create(21);
        NetBufferList[] nbls = [.. Enumerable.Range(0, 3).Select(i =>
        {
            byte[] frame = new byte[100 + (i * 50)];
            random.NextBytes(frame);
            frame[12] = 0x88; // An EtherType the miniport does not parse: sent as is.
            frame[13] = 0xB5;
            var nbl = new NetBufferList(NetBuffer.FromBytes(frame, 7, 40)) { Name = $"nbl{i}" };
            nbl.Info[NetBufferListInfoId.TcpIpChecksum] = 0;
            return nbl;
        })];
        NetBufferList chain = NetBufferList.Link(nbls)!;

        miniport.SendNetBufferLists(chain, NdisSendFlags.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(chain.CountChain(), Is.EqualTo(3), "the caller's chain is linked as before");
            foreach (NetBufferList nbl in nbls)
            {
                Assert.That(host.CompletionsOf(nbl), Has.Count.EqualTo(1), $"{nbl.Name} completions");
                Assert.That(host.FramesOf(nbl), Has.Count.EqualTo(1), $"{nbl.Name} frames");
                HexAssert.AreEqual(nbl.FirstNetBuffer!.CopyData(), host.FramesOf(nbl)[0], $"{nbl.Name} frame");
            }
        }
    }

    [Test]
    public void SilentAdapter_RequestTimesOut_UnavailableWithTheOpAndNoHang()
    {
        var toAdapter = new AnonymousPipeServerStream(PipeDirection.Out);
        using var adapterIn = new AnonymousPipeClientStream(PipeDirection.In, toAdapter.ClientSafePipeHandle);
        using var fromAdapter = new AnonymousPipeServerStream(PipeDirection.Out);
        var harnessIn = new AnonymousPipeClientStream(PipeDirection.In, fromAdapter.ClientSafePipeHandle);
        using var connection = new AdapterConnection(new StreamReader(harnessIn), new StreamWriter(toAdapter, new UTF8Encoding(false)),
            new AdapterConnectionOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<MiniportUnavailableException>(() => ProcessMiniport.Hello(connection));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(e!.Message, Does.Contain("no response to 'hello' (id 1) within 0.3 s"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(connection.Fault, Is.Not.Null);
        }
    }

    [Test]
    public void LineLongerThanTheLimit_RefusedWithoutReadingItAll()
    {
        var fromAdapter = new AnonymousPipeServerStream(PipeDirection.Out);
        using var harnessIn = new AnonymousPipeClientStream(PipeDirection.In, fromAdapter.ClientSafePipeHandle);
        using var connection = new AdapterConnection(new StreamReader(harnessIn), new StringWriter(),
            new AdapterConnectionOptions { MaxLineChars = 1000, RequestTimeout = TimeSpan.FromSeconds(5) });
        var writer = new Thread(() =>
        {
            try
            {
                byte[] block = Encoding.ASCII.GetBytes(new string('a', 4096));
                for (int i = 0; i < 1000; i++)
                {
                    fromAdapter.Write(block);
                }
            }
            finally
            {
                fromAdapter.Dispose();
            }
        })
        { IsBackground = true };
        writer.Start();

        var e = Assert.Throws<MiniportUnavailableException>(() => ProcessMiniport.Hello(connection));

        Assert.That(e!.Message, Does.Contain("exceeds 1000 characters"));
        harnessIn.CopyTo(Stream.Null); // The pump stopped reading: drain the rest so the writer thread ends.
        writer.Join();
    }
}
