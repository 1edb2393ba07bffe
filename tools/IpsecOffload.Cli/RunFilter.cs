using IpsecOffload.Conformance.Cases;
using IpsecOffload.Conformance.Catalogue;

namespace IpsecOffload.Cli;

/// <summary>
/// <c>--filter</c>: a comma-separated list of terms; a case is selected when any term matches its name,
/// one of its requirement ids (both with <c>*</c> wildcards), the area of one of its requirements, or
/// the level of one of its requirements (<c>must</c>, <c>should</c>, …). Case-insensitive.
/// </summary>
internal sealed class RunFilter
{
    private readonly string[] _terms;

    public RunFilter(string? text)
    {
        _terms = string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    public bool IsEmpty => _terms.Length == 0;

    public IReadOnlyList<string> Terms => _terms;

    public bool Selects(ConformanceCase @case, RequirementCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (IsEmpty)
        {
            return true;
        }

        Requirement[] requirements = [.. @case.Requirements.Select(catalogue.Find).OfType<Requirement>()];
        return _terms.Any(term =>
            NamePattern.Matches(term, @case.Name, StringComparison.OrdinalIgnoreCase)
            || @case.Requirements.Any(id => NamePattern.Matches(term, id, StringComparison.OrdinalIgnoreCase))
            || requirements.Any(r => string.Equals(term, r.Area, StringComparison.OrdinalIgnoreCase)
                || string.Equals(term, r.Level.ToString(), StringComparison.OrdinalIgnoreCase)));
    }
}
