using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IpsecOffload.Conformance.Profile;

/// <summary>
/// Reads and writes conformance profile files (issue #5; format in <c>conformance/profiles/README.md</c>):
/// one JSON object whose keys are the settings of <see cref="ConformanceProfile.Describe"/> plus
/// <c>name</c>, with <c>//</c> and <c>/* */</c> comments and trailing commas allowed. Missing keys keep
/// their defaults. Unknown keys, duplicate keys, values of the wrong JSON type and values outside a
/// setting's allowed spellings are refused with a <see cref="FormatException"/> that names the source,
/// the line, the key and what is allowed.
/// </summary>
public static class ProfileFile
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Loads the profile at <paramref name="path"/>; its <see cref="ConformanceProfile.SourcePath"/> is the full path.</summary>
    /// <exception cref="FormatException">The file is not a valid profile (the message says where and why).</exception>
    public static ConformanceProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string fullPath = Path.GetFullPath(path);
        return Parse(File.ReadAllText(fullPath), path) with { SourcePath = fullPath };
    }

    /// <summary>
    /// Parses profile text. <paramref name="source"/> names the text in error messages (a path, or
    /// <c>profile</c>); the result's <see cref="ConformanceProfile.SourcePath"/> stays null.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid profile (the message says where and why).</exception>
    public static ConformanceProfile Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        source ??= "profile";
        byte[] utf8 = Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        ConformanceProfile profile = ConformanceProfile.Default;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(source, LineOf(utf8, reader), $"a profile is one JSON object {{ \"key\": value, … }}; it starts with {Describe(reader.TokenType)}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                int line = LineOf(utf8, reader);
                SettingDefinition setting = ProfileSettings.Find(key)
                    ?? throw Error(source, line, $"unknown key '{key}'; allowed keys: {string.Join(", ", ProfileSettings.All.Select(s => s.Key))}");
                if (!seen.TryAdd(key, line))
                {
                    throw Error(source, line, $"'{key}' appears twice (first on line {seen[key]})");
                }

                reader.Read();
                profile = setting.Set(profile, ReadValue(ref reader, setting, source, LineOf(utf8, reader)));
            }

            // The loop ends on the object's closing brace; anything after it makes the reader throw.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            int line = (int)(e.LineNumber ?? 0) + 1;
            throw Error(source, line, $"not valid JSON (comments and trailing commas are fine): {FirstSentence(e.Message)}", e);
        }

        return profile;
    }

    /// <summary>
    /// Writes <paramref name="profile"/> as a profile file: every setting in order, each under a comment
    /// that names its decision and allowed values. <see cref="Parse"/> reads it back to an equal profile
    /// (<see cref="ConformanceProfile.SourcePath"/> aside).
    /// </summary>
    public static string Format(ConformanceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var text = new StringBuilder();
        text.Append("// IpsecConformance profile (format: conformance/profiles/README.md)\n{\n");
        foreach (SettingDefinition setting in ProfileSettings.All)
        {
            string allowed = setting.Kind == SettingKind.Text ? "free text" : string.Join(" | ", setting.Allowed);
            string value = setting.Kind == SettingKind.Boolean ? setting.Get(profile) : JsonSerializer.Serialize(setting.Get(profile));
            text.Append(CultureInfo.InvariantCulture, $"  // {setting.Decision}; {allowed}\n");
            text.Append(CultureInfo.InvariantCulture, $"  \"{setting.Key}\": {value},\n");
        }

        text.Append("}\n");
        return text.ToString();
    }

    private static string ReadValue(ref Utf8JsonReader reader, SettingDefinition setting, string source, int line)
    {
        switch (setting.Kind)
        {
            case SettingKind.Boolean when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                return reader.TokenType == JsonTokenType.True ? "true" : "false";
            case SettingKind.Boolean:
                throw Error(source, line, $"'{setting.Key}' must be true or false; got {Describe(reader.TokenType)}");
            case SettingKind.Text when reader.TokenType == JsonTokenType.String:
                return reader.GetString()!;
            case SettingKind.Text:
                throw Error(source, line, $"'{setting.Key}' must be a string; got {Describe(reader.TokenType)}");
            default:
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Error(source, line, $"'{setting.Key}' must be a string, one of {string.Join(", ", setting.Allowed)}; got {Describe(reader.TokenType)}");
                }

                string value = reader.GetString()!;
                return setting.Allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
                    ?? throw Error(source, line, $"'{setting.Key}' is \"{value}\"; allowed values: {string.Join(", ", setting.Allowed)} ({setting.Decision})");
        }
    }

    private static int LineOf(byte[] utf8, Utf8JsonReader reader)
    {
        int end = (int)Math.Min(reader.TokenStartIndex, utf8.Length);
        return utf8.AsSpan(0, end).Count((byte)'\n') + 1;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.None => "nothing",
        _ => token.ToString(),
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }

    private static FormatException Error(string source, int line, string message, Exception? inner = null) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source} line {line}: {message}"), inner);
}
