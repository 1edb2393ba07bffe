using System.CommandLine;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>An adapter the command line can load: its <c>--adapter</c> name, what it is, and how to make a fresh one.</summary>
/// <param name="Name">The <c>--adapter</c> value.</param>
/// <param name="Description">One line for <c>adapters</c>.</param>
/// <param name="Create">A new, not yet initialized miniport.</param>
internal sealed record VectorsAdapter(string Name, string Description, Func<IMiniport> Create);

/// <summary>
/// The adapters of ARCHITECTURE §3 that this build can load. Only the built-in reference miniport for
/// now (x64 structure layouts, or x86 with <c>reference:x86</c>); <c>mutant:</c>, <c>assembly:</c> and
/// <c>process:</c> arrive with their issues.
/// </summary>
internal static class VectorsAdapters
{
    public const string Default = "reference";

    public static IReadOnlyList<VectorsAdapter> Known { get; } =
    [
        // Jumbo frames on: the LSO vectors include MSS 1460 + ESP (segments above 1500 bytes) and MSS 9000 bursts.
        new("reference", "the built-in reference miniport (x64 NDIS structure layouts, jumbo frames)",
            () => new ReferenceMiniport(new ReferenceMiniportOptions { Mtu = LsoRequest.JumboMtu })),
        new("reference:x86", "the built-in reference miniport with x86 NDIS structure layouts (jumbo frames)",
            () => new ReferenceMiniport(new ReferenceMiniportOptions { Abi = NdisAbi.X86, Mtu = LsoRequest.JumboMtu })),
    ];

    /// <summary>The adapter called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static VectorsAdapter? Find(string name) =>
        Known.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The message for an unknown adapter name, listing the known ones.</summary>
    public static string Unknown(string name) =>
        $"unknown adapter '{name}'; known adapters: {string.Join(", ", Known.Select(a => a.Name))} (see 'ipsec-conformance adapters')";

    /// <summary><c>adapters</c>: lists the adapters <c>--adapter</c> accepts.</summary>
    public static Command CreateCommand(IAnsiConsole console)
    {
        var command = new Command("adapters", "List the adapters --adapter accepts.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("adapter", "what it is");
            foreach (VectorsAdapter adapter in Known)
            {
                table.AddRow(Markup.Escape(adapter.Name), Markup.Escape(adapter.Description));
            }

            console.Write(table);
            return 0;
        });
        return command;
    }
}
