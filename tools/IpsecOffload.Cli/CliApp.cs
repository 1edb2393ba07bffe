using System.CommandLine;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>The <c>ipsec-conformance</c> verbs, wired to System.CommandLine.</summary>
internal static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the verb, writes to <paramref name="output"/>, returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (output != Console.Out)
        {
            console.Profile.Width = 160;
        }

        var root = new RootCommand("Conformance suite for NDIS IPsec Task Offload (v1 and v2), send path.")
        {
            SelfTestCommand.Create(console),
            LayoutsCommand.Create(console),
            VectorsCommand.Create(console),
            VectorsAdapters.CreateCommand(console),
        };
        var config = new InvocationConfiguration { Output = output, Error = output };
        return root.Parse(args).Invoke(config);
    }
}
