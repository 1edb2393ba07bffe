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
            Wildcard(term, @case.Name)
            || @case.Requirements.Any(id => Wildcard(term, id))
            || requirements.Any(r => string.Equals(term, r.Area, StringComparison.OrdinalIgnoreCase)
                || string.Equals(term, r.Level.ToString(), StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> (<c>*</c> = any run of characters), ignoring case.</summary>
    public static bool Wildcard(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, text, StringComparison.OrdinalIgnoreCase);
        }

        if (!text.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int at = parts[0].Length;
        for (int i = 1; i < parts.Length - 1; i++)
        {
            int found = text.IndexOf(parts[i], at, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return text.Length - at >= parts[^1].Length && text.EndsWith(parts[^1], StringComparison.OrdinalIgnoreCase);
    }
}
