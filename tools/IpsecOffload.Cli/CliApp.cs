using System.CommandLine;
using IpsecOffload.Adapters;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary>The <c>ipsec-conformance</c> verbs, wired to System.CommandLine.</summary>
internal static class CliApp
{
    /// <summary>Exit code of a command line that does not parse (unknown verb or option, bad value).</summary>
    public const int ExitUsage = 2;

    /// <summary>
    /// Parses <paramref name="args"/>, runs the verb, writes to <paramref name="output"/>, returns the exit
    /// code (<see cref="ExitUsage"/> when the command line does not parse). <paramref name="extraAdapters"/>
    /// are accepted by <c>--adapter</c> besides the registry's (tests inject faulty adapters this way).
    /// </summary>
    public static int Run(string[] args, TextWriter output, IReadOnlyList<AdapterDescriptor>? extraAdapters = null)
    {
        bool terminal = output == Console.Out && !Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
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
            AdaptersCommand.Create(console, extraAdapters ?? []),
            RunCommand.Create(console, extraAdapters ?? []),
            FuzzCommand.Create(console, extraAdapters ?? []),
        };
        var config = new InvocationConfiguration { Output = output, Error = output };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                output.WriteLine(error.Message);
            }

            output.WriteLine("(see --help)");
            return ExitUsage;
        }

        return parsed.Invoke(config);
    }
}
