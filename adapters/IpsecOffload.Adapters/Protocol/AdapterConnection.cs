using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpsecOffload.Ndis.Miniport;

namespace IpsecOffload.Adapters.Protocol;

/// <summary>Limits of the harness side of the adapter protocol.</summary>
public sealed record AdapterConnectionOptions
{
    /// <summary>How long one request may wait for its response (adapter-protocol.md: 10 s by default).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest response line accepted, in characters; a longer one is refused without being read to its end.</summary>
    public int MaxLineChars { get; init; } = 64 * 1024 * 1024;

    /// <summary>How much of the adapter's stderr is kept (its tail), in characters.</summary>
    public int StderrTailChars { get; init; } = 8 * 1024;

    /// <summary>How long <c>bye</c> waits for the process to exit before it is killed.</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The harness end of one adapter-protocol conversation: writes requests (one JSON object a line, increasing
/// <c>id</c>), reads responses on a pump thread with a bounded line length, and times each request out. Any
/// failure (timeout, end of output, a line that is not a JSON object, a wrong id, an <c>error</c> response)
/// faults the connection for good and surfaces as <see cref="MiniportUnavailableException"/> with the reason
/// and the adapter's stderr tail. Owns the process, when there is one, and kills it on <see cref="Dispose"/>.
/// </summary>
public sealed class AdapterConnection : IDisposable
{
    private readonly TextWriter _input;
    private readonly AdapterConnectionOptions _options;
    private readonly Process? _process;
    private readonly BlockingCollection<PumpItem> _lines = new(boundedCapacity: 16);
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private long _nextId = 1;
    private string? _fault;
    private bool _disposed;

    /// <summary>
    /// A conversation over <paramref name="output"/> (the adapter's stdout) and <paramref name="input"/> (its
    /// stdin), owning <paramref name="process"/> when given.
    /// </summary>
    public AdapterConnection(TextReader output, TextWriter input, AdapterConnectionOptions? options = null, Process? process = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _options = options ?? new AdapterConnectionOptions();
        _process = process;
        var pump = new Thread(() => Pump(output)) { IsBackground = true, Name = "adapter-protocol stdout pump" };
        pump.Start();
    }

    /// <summary>Why the connection can no longer be used; null while it is healthy.</summary>
    public string? Fault => _fault;

    /// <summary>The last <see cref="AdapterConnectionOptions.StderrTailChars"/> characters the adapter wrote to stderr.</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="commandLine"/> (split like a shell: blanks separate words, single and double quotes
    /// group, backslash escapes the next character outside single quotes) with redirected standard streams.
    /// </summary>
    public static AdapterConnection Start(string commandLine, AdapterConnectionOptions? options = null)
    {
        IReadOnlyList<string> words = CommandLine.Split(commandLine);
        if (words.Count == 0)
        {
            throw new ArgumentException("process: needs a command line", nameof(commandLine));
        }

        var start = new ProcessStartInfo(words[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (string word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new MiniportUnavailableException($"the adapter process '{commandLine}' could not be started: {e.Message}", e);
        }

        process.StandardInput.AutoFlush = false;
        var connection = new AdapterConnection(process.StandardOutput, process.StandardInput, options, process);
        process.ErrorDataReceived += (_, e) => connection.AppendStderr(e.Data);
        process.BeginErrorReadLine();
        return connection;
    }

    /// <summary>
    /// Sends <paramref name="request"/> (its <c>id</c> is assigned here) and returns the response object. Throws
    /// <see cref="MiniportUnavailableException"/> when the adapter cannot answer it properly.
    /// </summary>
    public JsonObject Request(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            string op = request["op"]?.GetValue<string>() ?? "?";
            if (_fault is not null)
            {
                throw Unavailable($"the adapter is unusable since an earlier failure: {_fault}");
            }

            long id = _nextId++;
            request["id"] = id;
            try
            {
                _input.Write(request.ToJsonString());
                _input.Write('\n');
                _input.Flush();
            }
            catch (IOException e)
            {
                throw Faulted($"'{op}' (id {id}) could not be written: {e.Message}{ExitNote()}");
            }

            if (!_lines.TryTake(out PumpItem? item, _options.RequestTimeout))
            {
                throw Faulted(string.Create(CultureInfo.InvariantCulture,
                    $"no response to '{op}' (id {id}) within {_options.RequestTimeout.TotalSeconds:0.###} s{ExitNote()}"));
            }

            if (item.Problem is not null)
            {
                throw Faulted($"while waiting for the response to '{op}' (id {id}): {item.Problem}{ExitNote()}");
            }

            JsonObject response;
            try
            {
                response = JsonNode.Parse(item.Line!) as JsonObject ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException e)
            {
                throw Faulted($"the response to '{op}' (id {id}) is not a JSON object ({e.Message}): {Clip(item.Line!, op)}");
            }

            long? answered = response["id"] is JsonValue v && v.TryGetValue(out long n) ? n : null;
            if (answered != id)
            {
                throw Faulted(string.Create(CultureInfo.InvariantCulture,
                    $"the response to '{op}' (id {id}) carries id {(answered is null ? "(none)" : answered)}: {Clip(item.Line!, op)}"));
            }

            if (response["error"] is JsonNode error)
            {
                throw Faulted($"the adapter refused '{op}' (id {id}) as malformed or unknown: {error}");
            }

            return response;
        }
    }

    /// <summary>Marks the connection unusable for <paramref name="reason"/> and returns the exception to throw.</summary>
    public MiniportUnavailableException Faulted(string reason)
    {
        _fault ??= reason;
        return Unavailable(reason);
    }

    /// <summary>Sends <c>bye</c> when healthy, closes the adapter's input, waits briefly for it to exit and kills it otherwise.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_fault is null)
            {
                try
                {
                    Request(new JsonObject { ["op"] = "bye" });
                }
                catch (MiniportUnavailableException)
                {
                    // The adapter is going away anyway; a bad bye only means it is killed below.
                }
            }

            _disposed = true;
            try
            {
                _input.Dispose();
            }
            catch (IOException)
            {
                // Its input pipe is already broken: the process is gone.
            }

            if (_process is not null)
            {
                try
                {
                    if (!_process.WaitForExit(_fault is null ? _options.ExitTimeout : TimeSpan.Zero))
                    {
                        _process.Kill(entireProcessTree: true);
                        _process.WaitForExit(_options.ExitTimeout);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Never started or already reaped.
                }

                _process.Dispose();
            }

            _lines.Dispose();
        }
    }

    private MiniportUnavailableException Unavailable(string reason)
    {
        if (_process is not null && _fault is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }

                _process.WaitForExit(500);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        string tail = StderrTail;
        return new MiniportUnavailableException(tail.Length == 0
            ? $"adapter unavailable: {reason}"
            : $"adapter unavailable: {reason}\nadapter stderr (tail):\n{tail.TrimEnd()}");
    }

    private string ExitNote()
    {
        if (_process is null)
        {
            return string.Empty;
        }

        try
        {
            return _process.WaitForExit(200)
                ? string.Create(CultureInfo.InvariantCulture, $" (the adapter process exited with code {_process.ExitCode})")
                : string.Empty;
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static string Clip(string line) => line.Length <= 200 ? line : string.Concat(line.AsSpan(0, 200), "…");

    // An OID response echoes the information buffer, which for ADD_SA carries key bytes: never quoted (STYLE §5).
    private static string Clip(string line, string op) => op == "oid" ? $"({line.Length} characters, not shown: an OID buffer may carry key material)" : Clip(line);

    private void AppendStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Append(line).Append('\n');
            int excess = _stderr.Length - _options.StderrTailChars;
            if (excess > 0)
            {
                _stderr.Remove(0, excess);
            }
        }
    }

    // Reads stdout a block at a time and cuts it into lines; a line longer than MaxLineChars stops the pump
    // without reading the rest of it (adapter-protocol.md: absurd lines are refused, not buffered).
    private void Pump(TextReader output)
    {
        var line = new StringBuilder();
        char[] block = new char[64 * 1024];
        try
        {
            while (true)
            {
                int read = output.Read(block, 0, block.Length);
                if (read == 0)
                {
                    Post(new PumpItem(null, line.Length == 0
                        ? "the adapter closed its standard output"
                        : $"the adapter closed its standard output in the middle of a line: {Clip(line.ToString())}"));
                    return;
                }

                int start = 0;
                for (int i = 0; i < read; i++)
                {
                    if (block[i] == '\n')
                    {
                        line.Append(block, start, i - start);
                        if (line.Length > 0 && line[^1] == '\r')
                        {
                            line.Length--;
                        }

                        if (line.Length > 0)
                        {
                            Post(new PumpItem(line.ToString(), null));
                        }

                        line.Clear();
                        start = i + 1;
                    }
                }

                line.Append(block, start, read - start);
                if (line.Length > _options.MaxLineChars)
                {
                    Post(new PumpItem(null, string.Create(CultureInfo.InvariantCulture,
                        $"a response line exceeds {_options.MaxLineChars} characters; refused without reading the rest")));
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Post(new PumpItem(null, $"reading the adapter's standard output failed: {e.Message}"));
        }
    }

    private void Post(PumpItem item)
    {
        try
        {
            while (!_lines.TryAdd(item, TimeSpan.FromSeconds(1)))
            {
                if (_disposed)
                {
                    return;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The conversation ended; nobody waits for this line.
        }
    }

    private sealed record PumpItem(string? Line, string? Problem);
}

/// <summary>Shell-like splitting of a <c>process:</c> command line.</summary>
public static class CommandLine
{
    /// <summary>
    /// The words of <paramref name="commandLine"/>: blanks separate words; '…' and "…" group (quotes removed);
    /// a backslash outside single quotes takes the next character literally. An unclosed quote throws.
    /// </summary>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < commandLine.Length; i++)
        {
            char c = commandLine[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '\\' && i + 1 < commandLine.Length)
            {
                word.Append(commandLine[++i]);
                inWord = true;
            }
            else if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new ArgumentException($"unclosed {quote} quote in the command line: {commandLine}", nameof(commandLine));
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
