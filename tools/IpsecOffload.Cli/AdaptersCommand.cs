using System.CommandLine;
using IpsecOffload.Adapters;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary><c>adapters</c>: the adapters <c>--adapter</c> accepts (<see cref="AdapterRegistry"/>), and name resolution for the verbs.</summary>
internal static class AdaptersCommand
{
    public static Command Create(IAnsiConsole console, IReadOnlyList<AdapterDescriptor> extra)
    {
        var command = new Command("adapters", "List the adapters --adapter accepts.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("adapter", "what it is");
            foreach (AdapterDescriptor adapter in AdapterRegistry.Known.Concat(extra))
            {
                table.AddRow(Markup.Escape(adapter.Name), Markup.Escape(adapter.Description));
            }

            table.AddRow(Markup.Escape(AdapterRegistry.AssemblyPrefix + "<path>;<type>"), "an IMiniport class with a public parameterless constructor in a .NET assembly");
            console.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The adapter called <paramref name="name"/> (<paramref name="extra"/> first, then the registry), or
    /// null after writing why to <paramref name="output"/> (unknown name, malformed <c>assembly:</c>).
    /// </summary>
    public static AdapterDescriptor? Resolve(string name, TextWriter output, IReadOnlyList<AdapterDescriptor>? extra = null)
    {
        AdapterDescriptor? found = extra?.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        try
        {
            found ??= AdapterRegistry.Find(name);
        }
        catch (ArgumentException e)
        {
            output.WriteLine(e.Message);
            return null;
        }

        if (found is null)
        {
            output.WriteLine(AdapterRegistry.Unknown(name));
        }

        return found;
    }
}
