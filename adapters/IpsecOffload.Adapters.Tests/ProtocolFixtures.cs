using System.IO.Pipes;
using System.Text;
using IpsecOffload.Adapters.Protocol;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Running;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;

namespace IpsecOffload.Adapters.Tests;

/// <summary>Adapters over the protocol for the tests: in-memory pipes to a server thread, and the reference process.</summary>
internal static class ProtocolFixtures
{
    /// <summary>The built IpsecOffload.ReferenceProcess.dll (same configuration and framework as this test assembly).</summary>
    public static string ReferenceProcessDll
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = tfm.Parent!.Name;
            string path = Path.Combine(RepositoryPaths.Root, "adapters", "reference-process", "bin", configuration, tfm.Name, "IpsecOffload.ReferenceProcess.dll");
            Assert.That(File.Exists(path), Is.True, $"{path} not built");
            return path;
        }
    }

    /// <summary>The <c>process:</c> command line of the reference process with <paramref name="arguments"/>.</summary>
    public static string ReferenceCommandLine(string arguments = "") => $"dotnet \"{ReferenceProcessDll}\" {arguments}".TrimEnd();

    /// <summary>A fresh in-process reference miniport as the registry builds it.</summary>
    public static IMiniport Reference(NdisAbi abi) => new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi, Mtu = LsoRequest.JumboMtu });

    /// <summary>
    /// A <see cref="ProcessMiniport"/> talking over anonymous pipes to an <see cref="AdapterProtocolServer"/> on
    /// its own thread serving <paramref name="miniport"/>.
    /// </summary>
    public static ProcessMiniport OverPipes(IMiniport miniport, AdapterConnectionOptions? options = null)
    {
        var toServer = new AnonymousPipeServerStream(PipeDirection.Out);
        var serverIn = new AnonymousPipeClientStream(PipeDirection.In, toServer.ClientSafePipeHandle);
        var toHarness = new AnonymousPipeServerStream(PipeDirection.Out);
        var harnessIn = new AnonymousPipeClientStream(PipeDirection.In, toHarness.ClientSafePipeHandle);
        var server = new AdapterProtocolServer(miniport);
        var thread = new Thread(() =>
        {
            using (miniport)
            using (var reader = new StreamReader(serverIn, new UTF8Encoding(false)))
            using (var writer = new StreamWriter(toHarness, new UTF8Encoding(false)))
            {
                try
                {
                    server.Serve(reader, writer);
                }
                catch (IOException)
                {
                    // The harness went away.
                }
            }
        })
        { IsBackground = true, Name = "protocol server" };
        thread.Start();
        return new ProcessMiniport(new AdapterConnection(new StreamReader(harnessIn, new UTF8Encoding(false)), new StreamWriter(toServer, new UTF8Encoding(false)), options));
    }

    /// <summary>Runs <paramref name="cases"/> against <paramref name="adapter"/> with the default options.</summary>
    public static RunResult Run(AdapterUnderTest adapter, IEnumerable<ConformanceCase> cases) =>
        ConformanceRunner.Run(adapter, cases, new RunOptions());

    /// <summary>The case names whose verdicts differ between the two runs, with both verdicts and messages.</summary>
    public static List<string> VerdictDifferences(RunResult expected, RunResult actual) =>
        [.. expected.Cases.Zip(actual.Cases)
            .Where(p => p.First.Case.Name != p.Second.Case.Name || p.First.Verdict != p.Second.Verdict)
            .Select(p => $"{p.First.Case.Name}: {p.First.Verdict} in-process, {p.Second.Verdict} through the protocol: {p.Second.Message}")];
}
