namespace IpsecOffload.Conformance.Cases;

/// <summary>What a case (and, aggregated, a requirement) concluded about the adapter (ARCHITECTURE §5).</summary>
public enum Verdict
{
    /// <summary>Every check held.</summary>
    Pass,

    /// <summary>A SHOULD was broken (not strict), or a feature works that the adapter does not advertise (under-claimed).</summary>
    Warn,

    /// <summary>A check failed: the adapter breaks the requirement.</summary>
    Fail,

    /// <summary>The case needs a feature the adapter does not claim (or a profile setting that is not selected); the reason says which.</summary>
    NotApplicable,

    /// <summary>The case could not be judged: the adapter could not be driven (crash, hang, protocol error).</summary>
    Blocked,
}
