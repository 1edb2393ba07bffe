namespace IpsecOffload.Conformance.Profile;

/// <summary>Loads a conformance profile file (issue #5 item 3).</summary>
public static class ProfileFile
{
    /// <summary>Loads the profile at <paramref name="path"/>.</summary>
    public static ConformanceProfile Load(string path) => throw new NotSupportedException($"profile files are not read yet ({path})");
}
