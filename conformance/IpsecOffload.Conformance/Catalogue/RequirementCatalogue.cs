using System.Text.Json;

namespace IpsecOffload.Conformance.Catalogue;

/// <summary>
/// The requirement catalogue (<c>Catalogue/requirements.json</c>, embedded): every send-path id of the
/// spec digest §6 with its level, area, summary and sources. Conformance cases name these ids; the
/// meta-tests keep both sides honest.
/// </summary>
public sealed class RequirementCatalogue
{
    private readonly Dictionary<string, Requirement> _byId;

    private RequirementCatalogue(string provenance, int version, IReadOnlyList<Requirement> requirements)
    {
        Provenance = provenance;
        Version = version;
        Requirements = requirements;
        _byId = requirements.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>The catalogue shipped with the suite.</summary>
    public static RequirementCatalogue Default { get; } = LoadEmbedded();

    /// <summary>Where the entries come from.</summary>
    public string Provenance { get; }

    /// <summary>Catalogue version, printed in every report.</summary>
    public int Version { get; }

    /// <summary>Every requirement, in catalogue order.</summary>
    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>The requirement with <paramref name="id"/>, or null.</summary>
    public Requirement? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Parses a catalogue document; throws <see cref="FormatException"/> naming the entry at fault.</summary>
    public static RequirementCatalogue Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var requirements = new List<Requirement>();
        int index = 0;
        foreach (JsonElement e in root.GetProperty("requirements").EnumerateArray())
        {
            string id = Text(e, "id", index);
            string type = Text(e, "type", index);
            string[] sources = e.TryGetProperty("sources", out JsonElement s) && s.ValueKind == JsonValueKind.Array
                ? [.. s.EnumerateArray().Select(x => x.GetString() ?? "")]
                : [];
            if (sources.Length == 0 || sources.Any(string.IsNullOrWhiteSpace))
            {
                throw new FormatException($"requirement {id}: 'sources' must list at least one non-empty source");
            }

            requirements.Add(new Requirement(id, type, Requirement.LevelOf(type), Text(e, "area", index), Text(e, "summary", index), sources));
            index++;
        }

        string? duplicate = requirements.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new FormatException($"requirement id {duplicate} appears more than once");
        }

        return new RequirementCatalogue(root.GetProperty("provenance").GetString() ?? "", root.GetProperty("version").GetInt32(), requirements);
    }

    private static string Text(JsonElement e, string name, int index) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()!
            : throw new FormatException($"requirement #{index}: missing or empty '{name}'");

    private static RequirementCatalogue LoadEmbedded()
    {
        using Stream stream = typeof(RequirementCatalogue).Assembly.GetManifestResourceStream("IpsecOffload.Conformance.requirements.json")
            ?? throw new InvalidOperationException("the embedded requirement catalogue is missing from the assembly");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
