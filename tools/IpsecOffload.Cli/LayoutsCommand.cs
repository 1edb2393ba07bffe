using System.CommandLine;
using IpsecOffload.Ndis;
using Spectre.Console;

namespace IpsecOffload.Cli;

/// <summary><c>layouts</c>: the native structure sizes the suite uses, to compare with a driver's <c>sizeof</c>.</summary>
internal static class LayoutsCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("layouts", "Print the x86 and x64 sizes of every NDIS structure the suite encodes.");
        command.SetAction(_ =>
        {
            console.Write(BuildTable());
            return 0;
        });
        return command;
    }

    public static Table BuildTable()
    {
        var table = new Table().AddColumns("structure", "x86 bytes", "x64 bytes");
        foreach (NativeStructureSize s in NativeStructures.All)
        {
            table.AddRow(Markup.Escape(s.Name), s.X86.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.X64.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }
}
