using IpsecOffload.Conformance.Cases;

namespace IpsecOffload.Conformance.KnownFailures;

/// <summary>One line of a known-failures file: a case name, a requirement id or a <c>*</c> pattern, and why.</summary>
/// <param name="Pattern">Case name, requirement id, or a pattern with <c>*</c> wildcards over case names.</param>
/// <param name="Reason">The text after <c>#</c> (required).</param>
/// <param name="Line">1-based line in the file.</param>
public sealed record KnownFailureEntry(string Pattern, string Reason, int Line)
{
    /// <summary>Whether the entry names the case <paramref name="caseName"/> or one of its <paramref name="requirements"/>.</summary>
    public bool Matches(string caseName, IReadOnlyList<string> requirements)
    {
        ArgumentNullException.ThrowIfNull(caseName);
        ArgumentNullException.ThrowIfNull(requirements);
        if (!Pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(Pattern, caseName, StringComparison.Ordinal) || requirements.Contains(Pattern, StringComparer.Ordinal);
        }

        return NamePattern.Matches(Pattern, caseName, StringComparison.Ordinal);
    }
}

/// <summary>
/// The known failures of one adapter (<c>conformance/known-failures/&lt;adapter&gt;.txt</c>, STYLE §4): one
/// entry per line with a reason after <c>#</c>. Listed and failing: expected. Listed and passing, or
/// matching no case: a failure of the run.
/// </summary>
public sealed class KnownFailureList
{
    private KnownFailureList(string? source, IReadOnlyList<KnownFailureEntry> entries)
    {
        Source = source;
        Entries = entries;
    }

    /// <summary>No known failures.</summary>
    public static KnownFailureList Empty { get; } = new(null, []);

    /// <summary>The file the list came from, or null.</summary>
    public string? Source { get; }

    /// <summary>The entries in file order.</summary>
    public IReadOnlyList<KnownFailureEntry> Entries { get; }

    /// <summary>The first entry that matches the case, or null.</summary>
    public KnownFailureEntry? Match(string caseName, IReadOnlyList<string> requirements) =>
        Entries.FirstOrDefault(e => e.Matches(caseName, requirements));

    /// <summary>
    /// Parses a known-failures file: blank lines and lines starting with <c>#</c> are skipped; every other
    /// line is <c>pattern # reason</c>. A line without a reason is an error (STYLE §9).
    /// </summary>
    /// <exception cref="FormatException">A line has no pattern, a pattern with white space, no reason, or a pattern listed before.</exception>
    public static KnownFailureList Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KnownFailureEntry>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int hash = line.IndexOf('#', StringComparison.Ordinal);
            string pattern = (hash < 0 ? line : line[..hash]).Trim();
            string reason = hash < 0 ? string.Empty : line[(hash + 1)..].Trim();
            if (pattern.Length == 0 || reason.Length == 0 || pattern.Any(char.IsWhiteSpace))
            {
                throw new FormatException($"{source ?? "known failures"} line {i + 1}: expected '<case name, requirement id or pattern> # <reason>', got '{line}'");
            }

            // A second entry for the same pattern could never be the one that matches: it would outlive any fix unseen.
            KnownFailureEntry? earlier = entries.Find(e => string.Equals(e.Pattern, pattern, StringComparison.Ordinal));
            if (earlier is not null)
            {
                throw new FormatException($"{source ?? "known failures"} line {i + 1}: '{pattern}' is already listed on line {earlier.Line}");
            }

            entries.Add(new KnownFailureEntry(pattern, reason, i + 1));
        }

        return new KnownFailureList(source, entries);
    }

    /// <summary>Loads <paramref name="path"/>, or returns <see cref="Empty"/> when the file does not exist.</summary>
    public static KnownFailureList Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : Empty;
    }

    /// <summary>The file name of an adapter's list: the adapter name with characters outside [A-Za-z0-9._-] replaced by '_', plus <c>.txt</c>.</summary>
    public static string FileNameFor(string adapterName)
    {
        ArgumentNullException.ThrowIfNull(adapterName);
        return new string([.. adapterName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]) + ".txt";
    }
}
