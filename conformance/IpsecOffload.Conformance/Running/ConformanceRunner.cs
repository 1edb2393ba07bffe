using System.Diagnostics;
using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;
using IpsecOffload.Conformance.KnownFailures;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Conformance.Running;

/// <summary>
/// Runs conformance cases against an adapter: a fresh adapter instance per case on a recording host,
/// the case body through a <see cref="CaseContext"/>, then the verdict from what happened and what the
/// adapter claims (claimed and failing: Fail; not claimed and refused or failing: NotApplicable; not
/// claimed and working: Warn as under-claimed), SHOULD failures as warnings unless the profile is strict,
/// and the adapter's known failures applied.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Runs <paramref name="cases"/> in order against <paramref name="adapter"/>.</summary>
    public static RunResult Run(AdapterUnderTest adapter, IEnumerable<ConformanceCase> cases, RunOptions options, RequirementCatalogue? catalogue = null)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(options);
        catalogue ??= RequirementCatalogue.Default;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var results = new List<CaseResult>();
        string identity = adapter.Name;
        foreach (ConformanceCase @case in cases)
        {
            CaseResult result = RunCase(adapter, @case, options, catalogue, out string? adapterIdentity);
            identity = adapterIdentity ?? identity;
            results.Add(result);
            options.OnCaseFinished?.Invoke(result);
        }

        // A case-name entry is matched by its case (passing, it already failed the run with "remove the entry"); a
        // requirement-id entry only by a case it made an expected failure.
        List<KnownFailureEntry> unmatched = [.. options.KnownFailures.Entries.Where(e => IsRequirementEntry(e, catalogue)
            ? !results.Any(r => ReferenceEquals(r.KnownFailure, e))
            : !results.Any(r => e.Matches(r.Case.Name, r.Case.Requirements)))];
        return new RunResult
        {
            Adapter = adapter.Name,
            AdapterIdentity = identity,
            Profile = options.Profile,
            Catalogue = catalogue,
            Seed = options.Seed,
            Started = started,
            Duration = clock.Elapsed,
            Cases = results,
            KnownFailures = options.KnownFailures,
            UnmatchedKnownFailures = unmatched,
        };
    }

    /// <summary>Runs one case (a fresh adapter) and applies the known-failures list.</summary>
    public static CaseResult RunCase(AdapterUnderTest adapter, ConformanceCase @case, RunOptions options, RequirementCatalogue? catalogue = null) =>
        RunCase(adapter, @case, options, catalogue ?? RequirementCatalogue.Default, out _);

    private static CaseResult RunCase(AdapterUnderTest adapter, ConformanceCase @case, RunOptions options, RequirementCatalogue catalogue,
        out string? adapterIdentity)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        adapterIdentity = null;
        string reproduce = CaseContext.ReproduceLine(@case, options.Seed);
        var host = new RecordingMiniportHost();
        CaseContext? context = null;
        Verdict verdict;
        string message = string.Empty;
        string? failed = null;
        IMiniport? miniport = null;
        try
        {
            if (@case.ProfileCondition?.Invoke(options.Profile) is { } profileReason)
            {
                throw new NotApplicableException($"profile '{options.Profile.Name}': {profileReason}");
            }

            try
            {
                miniport = adapter.Create();
                miniport.Initialize(host);
                adapterIdentity = $"{miniport.Identity.Name} {miniport.Identity.Version} ({miniport.Identity.Abi.ToProtocolName()})";
            }
            catch (Exception e) when (e is not NotApplicableException)
            {
                throw new CaseBlockedException($"the adapter could not be created and initialized: {e.GetType().Name}: {e.Message}", e);
            }

            AdapterCapabilities capabilities = AdapterCapabilities.Query(miniport);
            context = new CaseContext(@case, miniport, host, options.Profile, capabilities, options.Seed);
            @case.Body(context);
            Feature? unclaimed = @case.Needs.FirstOrDefault(f => !context.Claims(f));
            (verdict, message) = unclaimed is null
                ? (Verdict.Pass, string.Empty)
                : (Verdict.Warn, $"under-claimed: {unclaimed.Name} works but the adapter does not advertise it ({unclaimed.Capability})");
        }
        catch (CaseFailedException e)
        {
            failed = RequirementOf(e.Message) ?? @case.Requirements[0];
            Feature? unclaimed = context is null ? null : @case.Needs.FirstOrDefault(f => !context.Claims(f));
            if (unclaimed is not null)
            {
                (verdict, message, failed) = (Verdict.NotApplicable,
                    $"the adapter does not claim {unclaimed.Name} ({unclaimed.Capability}); the probe failed: {e.Message}", null);
            }
            else
            {
                bool should = catalogue.Find(failed)?.Level == RequirementLevel.Should;
                verdict = should && !options.Profile.StrictShould ? Verdict.Warn : Verdict.Fail;
                string claimed = @case.Needs.Count == 0 ? string.Empty : $"claimed but broken ({string.Join(", ", @case.Needs.Select(f => f.Name))}): ";
                message = claimed + e.Message;
            }
        }
        catch (NotApplicableException e)
        {
            (verdict, message) = (Verdict.NotApplicable, e.Message);
        }
        catch (CaseBlockedException e)
        {
            (verdict, message) = (Verdict.Blocked, e.Message);
        }
        catch (MiniportUnavailableException e)
        {
            // An adapter call outside CaseContext.Adapter (e.g. the capability query) found the adapter unusable.
            (verdict, message) = (Verdict.Blocked, e.Message);
        }
#pragma warning disable CA1031 // A case must never take the run down: anything else blocks this case and the run goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            (verdict, message) = (Verdict.Blocked, $"harness error in the case: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
        finally
        {
            try
            {
                miniport?.Dispose();
            }
#pragma warning disable CA1031 // A failing Dispose is reported with the case's other evidence, not thrown.
            catch (Exception e)
#pragma warning restore CA1031
            {
                host.IndicateStatus(Ndis.NdisStatus.Failure, System.Text.Encoding.UTF8.GetBytes($"Dispose threw {e.GetType().Name}: {e.Message}"));
            }
        }

        KnownFailureEntry? known = options.KnownFailures.Match(@case.Name, @case.Requirements);
        if (known is not null && IsRequirementEntry(known, catalogue) && !(verdict == Verdict.Fail && failed == known.Pattern))
        {
            // A requirement-id entry expects the failures of that requirement only; it says nothing about the case otherwise.
            known = null;
        }

        if (known is not null && verdict == Verdict.Pass)
        {
            // Listed and passing: a failure of the run, not an expected one.
            (verdict, message, failed) = (Verdict.Fail,
                $"listed in known failures ({options.KnownFailures.Source} line {known.Line}: {known.Reason}) but passed: remove the entry", @case.Requirements[0]);
            known = null;
        }

        int index = 0;
        return new CaseResult
        {
            Case = @case,
            Verdict = verdict,
            Message = message,
            // Under-claimed warnings break no requirement: failed stays null for them.
            FailedRequirement = verdict is Verdict.Fail or Verdict.Warn ? failed : null,
            KnownFailure = verdict == Verdict.Fail ? known : null,
            Reproduce = reproduce,
            Notes = context?.Notes ?? [],
            Frames = [.. host.Events.OfType<FrameEvent>().Select(f => new EvidenceFrame(@case.Name, f.Owner.Name, index++, f.Frame))],
            Sas = context?.Sas ?? [],
            Duration = clock.Elapsed,
        };
    }

    private static bool IsRequirementEntry(KnownFailureEntry entry, RequirementCatalogue catalogue) => catalogue.Find(entry.Pattern) is not null;

    /// <summary>The id in a failure's leading <c>[…]</c>, or null.</summary>
    public static string? RequirementOf(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int open = message.IndexOf('[', StringComparison.Ordinal), close = message.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open + 1 ? message[(open + 1)..close] : null;
    }
}
