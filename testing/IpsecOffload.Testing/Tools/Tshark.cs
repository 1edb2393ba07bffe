using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IpsecOffload.Testing.Tools;

/// <summary>What tshark reported about a frame's ESP ICV.</summary>
public enum TsharkIcvStatus
{
    /// <summary>No ICV verdict: no ESP, no matching SA, or an unchecked ICV.</summary>
    Unchecked,

    /// <summary>esp.icv_good is true ("[correct]").</summary>
    Good,

    /// <summary>esp.icv_bad is true ("[incorrect, should be …]").</summary>
    Bad,
}

/// <summary>
/// The ESP fields of one frame as tshark 4.0 dissected it.
/// </summary>
/// <param name="FrameNumber">tshark's 1-based frame number.</param>
/// <param name="Protocols">frame.protocols, e.g. "eth:ethertype:ip:esp:ip:udp:data".</param>
/// <param name="Spi">esp.spi, or null when tshark saw no ESP.</param>
/// <param name="Sequence">esp.sequence (the 32 bits on the wire).</param>
/// <param name="NextHeader">esp.protocol: present only when tshark read the trailer (decrypted or NULL).</param>
/// <param name="Icv">The ICV verdict from esp.icv_good / esp.icv_bad.</param>
/// <param name="Comment">frame.comment (the pcapng opt_comment), or null.</param>
public sealed record TsharkEspFrame(int FrameNumber, string Protocols, uint? Spi, uint? Sequence, byte? NextHeader, TsharkIcvStatus Icv, string? Comment)
{
    /// <summary>The layers of <see cref="Protocols"/>.</summary>
    public IReadOnlyList<string> Layers => Protocols.Split(':');

    /// <summary>The layers tshark dissected after the (first) ESP layer; empty when nothing follows.</summary>
    public IReadOnlyList<string> LayersAfterEsp
    {
        get
        {
            IReadOnlyList<string> layers = Layers;
            int esp = layers.ToList().IndexOf("esp");
            return esp < 0 ? [] : layers.Skip(esp + 1).ToList();
        }
    }

    /// <summary>True when tshark read the ESP trailer, i.e. decrypted the payload (or it was ESP-NULL).</summary>
    public bool TrailerRead => NextHeader.HasValue;
}

/// <summary>
/// Runs tshark (Wireshark 4.0 field names) over a capture with an ESP SA table and returns per-frame
/// ESP results. The table goes into a private temporary configuration directory
/// (<c>WIRESHARK_CONFIG_DIR</c>), which also keeps the user's own preferences out, and is deleted
/// afterwards; keys never appear on the command line or in messages.
/// </summary>
public sealed class Tshark
{
    /// <summary>Install command for Debian.</summary>
    public const string InstallCommand = "apt-get install -y tshark";

    /// <summary>The fields requested with <c>-T fields</c>, in output column order.</summary>
    public static IReadOnlyList<string> EspFields { get; } =
        ["frame.number", "frame.protocols", "esp.spi", "esp.sequence", "esp.protocol", "esp.icv_good", "esp.icv_bad", "frame.comment"];

    /// <summary>The preferences passed with <c>-o</c> (besides the table file).</summary>
    public static IReadOnlyList<string> Preferences { get; } =
        ["esp.enable_encryption_decode:TRUE", "esp.enable_authentication_check:TRUE"];

    /// <summary>Uses the tshark at <paramref name="executablePath"/> with a per-run <paramref name="timeout"/> (default 60 s).</summary>
    public Tshark(string executablePath, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executablePath);
        ExecutablePath = executablePath;
        Timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>Path of the tshark executable.</summary>
    public string ExecutablePath { get; }

    /// <summary>Time limit for one tshark run.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>tshark from PATH, or a failed (CI) / ignored test naming <see cref="InstallCommand"/>.</summary>
    public static Tshark Require(TimeSpan? timeout = null) => new(ExternalTool.Require("tshark", InstallCommand), timeout);

    /// <summary>The version line's number, e.g. "4.0.17".</summary>
    public string Version()
    {
        string output = Run(["-v"], environment: null).StandardOutput;
        string first = output.Split('\n')[0];
        int open = first.IndexOf(") ", StringComparison.Ordinal);
        string rest = open < 0 ? first : first[(open + 2)..];
        return rest.Split(' ', 2)[0].Trim();
    }

    /// <summary>
    /// The exact arguments <see cref="DissectEsp"/> passes (the capture path last but one, the SA table
    /// travelling in the configuration directory), for documentation and failure messages.
    /// </summary>
    public static IReadOnlyList<string> EspArguments(string capturePath, params IReadOnlyList<string> disabledProtocols)
    {
        var arguments = new List<string> { "-n", "-r", capturePath };
        foreach (string protocol in disabledProtocols ?? [])
        {
            arguments.Add("--disable-protocol");
            arguments.Add(protocol);
        }

        foreach (string preference in Preferences)
        {
            arguments.Add("-o");
            arguments.Add(preference);
        }

        arguments.AddRange(["-T", "fields", "-E", "header=n", "-E", "separator=/t", "-E", "occurrence=f"]);
        foreach (string field in EspFields)
        {
            arguments.Add("-e");
            arguments.Add(field);
        }

        return arguments;
    }

    /// <summary>
    /// Dissects <paramref name="capturePath"/> with the <c>esp_sa</c> table text
    /// <paramref name="espSaTable"/> and returns one result per frame, in frame order.
    /// <paramref name="disabledProtocols"/> are switched off first (e.g. <c>dns</c>: test payloads on
    /// UDP port 53 that are not DNS make tshark 4.0's DNS dissector throw, which stops the ESP
    /// dissector before it reads the trailer and checks the ICV).
    /// </summary>
    public IReadOnlyList<TsharkEspFrame> DissectEsp(string capturePath, string espSaTable, params IReadOnlyList<string> disabledProtocols)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(capturePath);
        ArgumentNullException.ThrowIfNull(espSaTable);
        string configDirectory = Path.Combine(Path.GetTempPath(), "ipsec-tshark-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(configDirectory);
        try
        {
            File.WriteAllText(Path.Combine(configDirectory, "esp_sa"), espSaTable);
            File.WriteAllText(Path.Combine(configDirectory, "preferences"),
                string.Concat(Preferences.Select(p => p.Replace(":", ": ", StringComparison.Ordinal) + "\n")));
            var environment = new Dictionary<string, string> { ["WIRESHARK_CONFIG_DIR"] = configDirectory };
            TsharkRun run = Run(EspArguments(capturePath, disabledProtocols), environment);
            return ParseFields(run.StandardOutput);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }

    /// <summary>Parses <c>-T fields</c> output of <see cref="EspFields"/> (tab-separated, one line per frame).</summary>
    public static IReadOnlyList<TsharkEspFrame> ParseFields(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var frames = new List<TsharkEspFrame>();
        foreach (string line in output.Split('\n'))
        {
            string trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0)
            {
                continue;
            }

            string[] f = trimmed.Split('\t');
            if (f.Length < EspFields.Count)
            {
                throw new FormatException($"tshark line has {f.Length} fields, expected {EspFields.Count}: '{trimmed}'");
            }

            TsharkIcvStatus icv = IsTrue(f[5]) ? TsharkIcvStatus.Good : IsTrue(f[6]) ? TsharkIcvStatus.Bad : TsharkIcvStatus.Unchecked;
            frames.Add(new TsharkEspFrame(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                f[1],
                ParseUInt(f[2]),
                ParseUInt(f[3]),
                ParseUInt(f[4]) is uint nh ? checked((byte)nh) : null,
                icv,
                f[7].Length == 0 ? null : f[7]));
        }

        return frames;
    }

    private static bool IsTrue(string value) => value is "1" or "True" or "true" or "TRUE";

    private static uint? ParseUInt(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        return value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.Parse(value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : uint.Parse(value, CultureInfo.InvariantCulture);
    }

    private TsharkRun Run(IReadOnlyList<string> arguments, Dictionary<string, string>? environment)
    {
        (int exit, string stdout, string stderr) run;
        try
        {
            run = ExternalProcess.Run(ExecutablePath, arguments, environment, Timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}: {ExecutablePath} {string.Join(' ', arguments)}", e);
        }

        if (run.exit != 0)
        {
            throw new InvalidOperationException(
                $"tshark exited with {run.exit}: {ExecutablePath} {string.Join(' ', arguments)}\n{run.stderr}");
        }

        return new TsharkRun(run.exit, run.stdout, run.stderr);
    }

    private sealed record TsharkRun(int ExitCode, string StandardOutput, string StandardError);
}
