using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using IpsecOffload.Adapters.Protocol;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;

// The reference miniport as an out-of-process adapter (adapter-protocol.md v1) on stdin/stdout.
//   --x86                 x86 structure layouts (default x64)
//   --mtu <bytes>         link MTU (default: jumbo, like the registry's `reference`)
//   --fault <mode>        misbehave at a send, for the harness's failure tests:
//                         hang | crash | garbage | wrong-id | missing-nbl | huge-line
//   --fault-at <n>        the n-th send request of this process misbehaves (default 1)
NdisAbi abi = NdisAbi.X64;
int mtu = LsoRequest.JumboMtu;
string? fault = null;
int faultAt = 1;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--x86":
            abi = NdisAbi.X86;
            break;
        case "--mtu" when i + 1 < args.Length:
            mtu = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--fault" when i + 1 < args.Length:
            fault = args[++i];
            break;
        case "--fault-at" when i + 1 < args.Length:
            faultAt = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: [--x86] [--mtu <bytes>] [--fault hang|crash|garbage|wrong-id|missing-nbl|huge-line] [--fault-at <n>]");
            return 2;
    }
}

var utf8 = new UTF8Encoding(false);
using var input = new StreamReader(Console.OpenStandardInput(), utf8);
using var output = new StreamWriter(Console.OpenStandardOutput(), utf8, 1 << 16) { AutoFlush = false };
int sends = 0;
using var miniport = new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi, Mtu = mtu });
var server = new AdapterProtocolServer(miniport)
{
    BeforeRequest = (request, op, writer) => op != "send" || fault is null || ++sends != faultAt || Misbehave(request, fault, writer),
};
Console.Error.WriteLine($"reference-process: serving {miniport.Identity.Name} ({abi.ToProtocolName()}, MTU {mtu}){(fault is null ? string.Empty : $", fault '{fault}' at send {faultAt}")}");
server.Serve(input, output);
return 0;

// Writes the misbehaviour for this send; true only for an unknown mode (then the request is served normally).
static bool Misbehave(JsonObject request, string mode, TextWriter writer)
{
    long id = request["id"]?.GetValue<long>() ?? 0;
    switch (mode)
    {
        case "hang":
            Console.Error.WriteLine("reference-process: fault 'hang': never answering this send");
            Thread.Sleep(Timeout.Infinite);
            return false;
        case "crash":
            Console.Error.WriteLine("reference-process: fault 'crash': exiting in the middle of a send");
            Environment.Exit(3);
            return false;
        case "garbage":
            writer.Write("this is not JSON\n");
            break;
        case "wrong-id":
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{{\"id\":{id + 1000},\"events\":[]}}\n"));
            break;
        case "missing-nbl":
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{{\"id\":{id},\"events\":[]}}\n"));
            break;
        case "huge-line":
            Console.Error.WriteLine("reference-process: fault 'huge-line': a 100 MB line");
            char[] block = new char[1 << 20];
            Array.Fill(block, 'a');
            for (int i = 0; i < 100; i++)
            {
                writer.Write(block);
            }

            writer.Write('\n');
            break;
        default:
            Console.Error.WriteLine($"reference-process: unknown fault '{mode}', ignored");
            return true;
    }

    writer.Flush();
    return false;
}
