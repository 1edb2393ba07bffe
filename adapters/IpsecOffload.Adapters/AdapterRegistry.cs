using System.Reflection;
using IpsecOffload.Engine.Lso;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters;

/// <summary>An adapter that can be loaded by name: its <c>--adapter</c> / runsettings name, what it is, and how to make a fresh one.</summary>
/// <param name="Name">The name (<c>reference</c>, <c>mutant:zero-icv</c>, …).</param>
/// <param name="Description">One line for <c>adapters</c>.</param>
/// <param name="Create">A new, not yet initialized miniport.</param>
public sealed record AdapterDescriptor(string Name, string Description, Func<IMiniport> Create)
{
    /// <summary>
    /// For adapters that implement the profile's readings themselves (the reference miniport): a factory
    /// that builds the adapter for a profile, so a run under <c>offloadDisabled: Fail</c> judges a reference
    /// that fails such sends. Null for adapters with a fixed behaviour (mutants, vendors' adapters).
    /// </summary>
    public Func<OffloadProfile, IMiniport>? CreateForProfile { get; init; }

    /// <summary>The factory a run under <paramref name="profile"/> uses.</summary>
    public Func<IMiniport> FactoryFor(OffloadProfile profile) =>
        CreateForProfile is { } create ? () => create(profile) : Create;
}

/// <summary>
/// The adapters of ARCHITECTURE §3 this build can load: the built-in reference miniport (x64 or x86
/// structure layouts), the mutants (deliberately faulty reference miniports that show what the suite
/// catches), and <c>assembly:&lt;path&gt;;&lt;type&gt;</c> for a vendor's <see cref="IMiniport"/> class.
/// </summary>
public static class AdapterRegistry
{
    /// <summary>The adapter runs use when none is named.</summary>
    public const string Default = "reference";

    /// <summary>The prefix of mutant names.</summary>
    public const string MutantPrefix = "mutant:";

    /// <summary>The prefix of <c>assembly:&lt;path&gt;;&lt;type&gt;</c>.</summary>
    public const string AssemblyPrefix = "assembly:";

    /// <summary>The prefix of <c>process:&lt;command line&gt;</c> (an out-of-process adapter, adapter-protocol.md).</summary>
    public const string ProcessPrefix = "process:";

    /// <summary>The adapters listed by name (reference ones, then mutants).</summary>
    public static IReadOnlyList<AdapterDescriptor> Known { get; } =
    [
        Reference("reference", "the built-in reference miniport (x64 NDIS structure layouts, jumbo frames)", NdisAbi.X64),
        Reference("reference:x86", "the built-in reference miniport with x86 NDIS structure layouts (jumbo frames)", NdisAbi.X86),
        .. Mutants.MutantCatalogue.All.Select(m => new AdapterDescriptor(MutantPrefix + m.Name, m.Description, m.Create)),
    ];

    /// <summary>
    /// The adapter called <paramref name="name"/>: a known name (case-insensitive) or
    /// <c>assembly:&lt;path&gt;;&lt;type&gt;</c> or <c>process:&lt;command line&gt;</c>; null when unknown. A
    /// <c>process:</c> descriptor's factory keeps a healthy adapter process between cases and resets it, and
    /// starts a fresh one after a failure.
    /// </summary>
    public static AdapterDescriptor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith(ProcessPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string commandLine = name[ProcessPrefix.Length..];
            var factory = new Protocol.ProcessAdapterFactory(commandLine);
            return new AdapterDescriptor(name, $"an out-of-process adapter speaking adapter-protocol v1: {commandLine}", factory.Create);
        }

        if (name.StartsWith(AssemblyPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return FromAssembly(name);
        }

        return Known.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The message for an unknown adapter name, listing the known ones.</summary>
    public static string Unknown(string name) =>
        $"unknown adapter '{name}'; known adapters: {string.Join(", ", Known.Select(a => a.Name))}, or assembly:<path>;<type>, or process:<command line> (see 'ipsec-conformance adapters')";

    // Jumbo frames on: the LSO vectors include MSS 1460 + ESP (segments above 1500 bytes) and MSS 9000 bursts.
    private static AdapterDescriptor Reference(string name, string description, NdisAbi abi) =>
        new(name, description, () => new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi, Mtu = LsoRequest.JumboMtu }))
        {
            CreateForProfile = profile => new ReferenceMiniport(new ReferenceMiniportOptions { Abi = abi, Mtu = LsoRequest.JumboMtu, Profile = profile }),
        };

    private static AdapterDescriptor FromAssembly(string name)
    {
        string spec = name[AssemblyPrefix.Length..];
        int separator = spec.LastIndexOf(';');
        if (separator <= 0 || separator == spec.Length - 1)
        {
            throw new ArgumentException($"'{name}': expected assembly:<path to .dll>;<full type name of an IMiniport with a public parameterless constructor>", nameof(name));
        }

        string path = Path.GetFullPath(spec[..separator]), typeName = spec[(separator + 1)..];
        return new AdapterDescriptor(name, $"{typeName} from {path}", () =>
        {
            Type type = Assembly.LoadFrom(path).GetType(typeName, throwOnError: true)!;
            return Activator.CreateInstance(type) as IMiniport
                ?? throw new InvalidOperationException($"{typeName} in {path} does not implement {nameof(IMiniport)}");
        });
    }
}
