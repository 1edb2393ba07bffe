namespace IpsecOffload.Conformance.Cases;

/// <summary>Case-name patterns of <c>--filter</c> and known-failures files: <c>*</c> stands for any run of characters.</summary>
public static class NamePattern
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> under <paramref name="comparison"/>.</summary>
    public static bool Matches(string pattern, string text, StringComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, text, comparison);
        }

        if (!text.StartsWith(parts[0], comparison))
        {
            return false;
        }

        int at = parts[0].Length;
        for (int i = 1; i < parts.Length - 1; i++)
        {
            int found = text.IndexOf(parts[i], at, comparison);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return text.Length - at >= parts[^1].Length && text.EndsWith(parts[^1], comparison);
    }
}
