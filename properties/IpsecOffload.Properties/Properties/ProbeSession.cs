using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Profile;
using IpsecOffload.Engine.Miniport;
using IpsecOffload.Properties.Generators;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Properties.Properties;

/// <summary>The adapter a property probes: its name (for messages and vector sources), a factory of fresh instances, and the profile.</summary>
/// <param name="AdapterName">The adapter's name (<c>reference</c>, <c>mutant:zero-icv</c>, …).</param>
/// <param name="Factory">A fresh, not yet initialized adapter.</param>
/// <param name="Profile">How the run reads the open points (AMB-xx).</param>
public sealed record PropertyTarget(string AdapterName, Func<IMiniport> Factory, ConformanceProfile Profile);

/// <summary>
/// One property run's adapter: one initialized instance on a recording host, reused from case to case while
/// cases pass (each case deletes its SAs), replaced by a fresh one after a failure so shrinking starts clean;
/// the adapter's capabilities and the generators' <see cref="ProbeSpace"/>; and, for the reference comparison,
/// a reference miniport of the same ABI and profile.
/// </summary>
public sealed class ProbeSession : IDisposable
{
    private ReferenceMiniport? _reference;

    /// <summary>Creates and initializes the adapter of <paramref name="target"/> and reads its capabilities.</summary>
    public ProbeSession(PropertyTarget target, PropertySettings settings)
    {
        Target = target ?? throw new ArgumentNullException(nameof(target));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Miniport = Start(out RecordingMiniportHost host);
        Host = host;
        Capabilities = AdapterCapabilities.Query(Miniport);
        Space = ProbeSpace.Of(Capabilities, settings.Mtu);
    }

    /// <summary>The adapter probed.</summary>
    public PropertyTarget Target { get; }

    /// <summary>The run's settings.</summary>
    public PropertySettings Settings { get; }

    /// <summary>The current adapter instance.</summary>
    public IMiniport Miniport { get; private set; }

    /// <summary>What the current instance transmitted and completed (cleared at the start of every case).</summary>
    public RecordingMiniportHost Host { get; private set; }

    /// <summary>The adapter's advertised capabilities.</summary>
    public AdapterCapabilities Capabilities { get; }

    /// <summary>What the generators may draw for this adapter.</summary>
    public ProbeSpace Space { get; }

    /// <summary>Adapter instances created so far (1 while every case passes).</summary>
    public int Instances { get; private set; } = 1;

    /// <summary>A reference miniport (same ABI and profile, jumbo MTU) on its own host, created on first use and reused.</summary>
    public (ReferenceMiniport Miniport, RecordingMiniportHost Host) Reference
    {
        get
        {
            if (_reference is null)
            {
                ReferenceHost = new RecordingMiniportHost();
                _reference = new ReferenceMiniport(new ReferenceMiniportOptions
                {
                    Abi = Miniport.Identity.Abi, Mtu = Settings.Mtu, Profile = Target.Profile.Offload,
                });
                _reference.Initialize(ReferenceHost);
            }

            ReferenceHost!.Clear();
            return (_reference, ReferenceHost);
        }
    }

    private RecordingMiniportHost? ReferenceHost { get; set; }

    /// <summary>The context of one case on the current instance (the host cleared), judged as <paramref name="identity"/>.</summary>
    public CaseContext Begin(ConformanceCase identity)
    {
        Host.Clear();
        return new CaseContext(identity, Miniport, Host, Target.Profile, Capabilities, 0);
    }

    /// <summary>Replaces the adapter instance (and the reference) with fresh ones: after a failure its state is unknown.</summary>
    public void Recycle()
    {
        DisposeQuietly(Miniport);
        Miniport = Start(out RecordingMiniportHost host);
        Host = host;
        Instances++;
        DisposeQuietly(_reference);
        _reference = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        DisposeQuietly(Miniport);
        DisposeQuietly(_reference);
        _reference = null;
    }

    private IMiniport Start(out RecordingMiniportHost host)
    {
        host = new RecordingMiniportHost();
        IMiniport miniport = Target.Factory();
        miniport.Initialize(host);
        return miniport;
    }

    private static void DisposeQuietly(IDisposable? disposable)
    {
        try
        {
            disposable?.Dispose();
        }
#pragma warning disable CA1031 // A faulty adapter's Dispose must not end the property run; the failure that led here is what gets reported.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
