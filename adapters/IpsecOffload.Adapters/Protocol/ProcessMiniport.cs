using System.Globalization;
using System.Text.Json.Nodes;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Adapters.Protocol;

/// <summary>
/// The harness side of adapter-protocol.md version 1: an <see cref="IMiniport"/> whose calls are requests on
/// an <see cref="AdapterConnection"/> (usually to a <c>process:&lt;command line&gt;</c> adapter). <c>hello</c>
/// on construction gives <see cref="Identity"/>; capabilities, OIDs, sends and resets map one to one; the
/// events of a <c>send</c> response are replayed to the host in order (frames with their NBL; completions
/// after the returned OOB slots and status are written back into the NBL). Anything the protocol does not
/// allow throws <see cref="MiniportUnavailableException"/>.
/// </summary>
public sealed class ProcessMiniport : IMiniport
{
    private readonly AdapterConnection _connection;
    private readonly Action<ProcessMiniport>? _release;
    private IMiniportHost? _host;
    private bool _disposed;

    /// <summary>
    /// Speaks the protocol over <paramref name="connection"/>, which it owns (disposed with it), after <c>hello</c>.
    /// </summary>
    public ProcessMiniport(AdapterConnection connection)
        : this(connection, Hello(connection), null)
    {
    }

    private ProcessMiniport(AdapterConnection connection, MiniportIdentity identity, Action<ProcessMiniport>? release)
    {
        _connection = connection;
        Identity = identity;
        _release = release;
    }

    /// <inheritdoc/>
    public MiniportIdentity Identity { get; }

    /// <summary>The conversation this miniport speaks on (its stderr tail, its fault).</summary>
    public AdapterConnection Connection => _connection;

    /// <summary>Starts <paramref name="commandLine"/> and says <c>hello</c>; the process ends with <see cref="Dispose"/>.</summary>
    public static ProcessMiniport Start(string commandLine, AdapterConnectionOptions? options = null)
    {
        AdapterConnection connection = AdapterConnection.Start(commandLine, options);
        try
        {
            return new ProcessMiniport(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A miniport over an existing healthy connection whose <see cref="Dispose"/> hands the connection to <paramref name="release"/>.</summary>
    internal static ProcessMiniport Lease(AdapterConnection connection, MiniportIdentity identity, Action<ProcessMiniport> release) =>
        new(connection, identity, release);

    /// <summary>A miniport that owns <paramref name="connection"/> (already past <c>hello</c>).</summary>
    internal static ProcessMiniport Owning(AdapterConnection connection, MiniportIdentity identity) => new(connection, identity, null);

    /// <summary>The <c>hello</c> exchange: protocol 1, the adapter's name, version and ABI.</summary>
    public static MiniportIdentity Hello(AdapterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        JsonObject response = connection.Request(new JsonObject { ["op"] = "hello", ["protocol"] = AdapterProtocolCodec.ProtocolVersion });
        return Decode(connection, "hello", () =>
        {
            int protocol = response["protocol"]?.GetValue<int>() ?? 0;
            if (protocol != AdapterProtocolCodec.ProtocolVersion)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the adapter speaks protocol {protocol}, this harness {AdapterProtocolCodec.ProtocolVersion}"));
            }

            return new MiniportIdentity(response["name"]?.GetValue<string>() ?? "(unnamed)", response["version"]?.GetValue<string>() ?? "?",
                AdapterProtocolCodec.ParseAbi(response["abi"]?.GetValue<string>()));
        });
    }

    /// <inheritdoc/>
    public void Initialize(IMiniportHost host) => _host = host ?? throw new ArgumentNullException(nameof(host));

    /// <inheritdoc/>
    public MiniportOffloadReport QueryOffload()
    {
        JsonObject response = _connection.Request(new JsonObject { ["op"] = "capabilities" });
        return Decode(_connection, "capabilities", () => new MiniportOffloadReport(
            AdapterProtocolCodec.FromHex(response["hardware"]?.GetValue<string>()), AdapterProtocolCodec.FromHex(response["current"]?.GetValue<string>())));
    }

    /// <inheritdoc/>
    public OidResult OidRequest(OidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonObject response = _connection.Request(new JsonObject
        {
            ["op"] = "oid",
            ["oid"] = (uint)request.Oid,
            ["type"] = request.Type == NdisRequestType.Set ? "set" : "query",
            ["buffer"] = AdapterProtocolCodec.Hex(request.InformationBuffer),
        });
        return Decode(_connection, "oid", () => new OidResult(
            (NdisStatus)(response["status"]?.GetValue<uint>() ?? throw new FormatException("no status")),
            AdapterProtocolCodec.FromHex(response["buffer"]?.GetValue<string>()),
            response["bytesRead"]?.GetValue<int>() ?? 0,
            response["bytesNeeded"]?.GetValue<int>() ?? 0));
    }

    /// <inheritdoc/>
    public void SendNetBufferLists(NetBufferList netBufferLists, NdisSendFlags flags)
    {
        ArgumentNullException.ThrowIfNull(netBufferLists);
        IMiniportHost host = _host ?? throw new InvalidOperationException("Initialize has not been called.");
        List<NetBufferList> chain = [.. netBufferLists.EnumerateChain()];
        var nbls = new JsonArray();
        foreach (NetBufferList nbl in chain)
        {
            nbls.Add(AdapterProtocolCodec.EncodeNbl(nbl, Identity.Abi));
        }

        JsonObject response = _connection.Request(new JsonObject { ["op"] = "send", ["nbls"] = nbls });
        List<SendEvent> events = Decode(_connection, "send", () => ReadEvents(response, chain.Count));
        int[] missing = [.. Enumerable.Range(0, chain.Count).Where(i => !events.Any(e => e.Complete && e.Nbl == i))];
        if (missing.Length > 0)
        {
            throw _connection.Faulted(string.Create(CultureInfo.InvariantCulture,
                $"the 'send' response of {chain.Count} NBL(s) does not complete NBL {string.Join(", ", missing)}"));
        }

        NetBufferList?[] links = [.. chain.Select(n => n.Next)];
        try
        {
            foreach (SendEvent e in events)
            {
                NetBufferList nbl = chain[e.Nbl];
                if (e.Complete)
                {
                    nbl.Status = e.Status;
                    AdapterProtocolCodec.DecodeOob(e.Oob, nbl.Info);
                    nbl.Next = null;
                    host.SendNetBufferListsComplete(nbl, NdisSendCompleteFlags.None);
                }
                else
                {
                    host.Transmit(nbl, e.Frame);
                }
            }
        }
        finally
        {
            // The caller's chain as it was: each completion above went up alone.
            for (int i = 0; i < chain.Count; i++)
            {
                chain[i].Next = links[i];
            }
        }
    }

    /// <inheritdoc/>
    public NdisStatus Reset()
    {
        JsonObject response = _connection.Request(new JsonObject { ["op"] = "reset" });
        return Decode(_connection, "reset", () => (NdisStatus)(response["status"]?.GetValue<uint>() ?? throw new FormatException("no status")));
    }

    /// <summary>Ends the conversation (<c>bye</c>, then kill if the process lingers), or hands a leased connection back to its pool.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_release is not null)
        {
            _release(this);
        }
        else
        {
            _connection.Dispose();
        }
    }

    private static T Decode<T>(AdapterConnection connection, string op, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw connection.Faulted($"the '{op}' response is malformed: {e.Message}");
        }
    }

    private static List<SendEvent> ReadEvents(JsonObject response, int count)
    {
        var events = new List<SendEvent>();
        foreach (JsonNode? node in response["events"]?.AsArray() ?? throw new FormatException("no events array"))
        {
            JsonObject e = node?.AsObject() ?? throw new FormatException("a null event");
            if (e["frame"] is JsonNode frame)
            {
                int nbl = CheckIndex(e["nbl"]?.GetValue<int>() ?? throw new FormatException("a frame event without nbl"), count);
                events.Add(new SendEvent(nbl, false, AdapterProtocolCodec.FromHex(frame.GetValue<string>()), default, null));
            }
            else if (e["complete"] is JsonNode complete)
            {
                int nbl = CheckIndex(complete.GetValue<int>(), count);
                var status = (NdisStatus)(e["status"]?.GetValue<uint>() ?? throw new FormatException("a complete event without status"));
                events.Add(new SendEvent(nbl, true, [], status, e["oob"]?.AsObject()));
            }
            else
            {
                throw new FormatException($"an event that is neither a frame nor a completion: {e.ToJsonString()}");
            }
        }

        return events;
    }

    private static int CheckIndex(int index, int count) => index >= 0 && index < count
        ? index
        : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"event names NBL {index}; the request had {count}"));

    private sealed record SendEvent(int Nbl, bool Complete, byte[] Frame, NdisStatus Status, JsonObject? Oob);
}

/// <summary>
/// The factory behind <c>process:&lt;command line&gt;</c>: each <see cref="Create"/> gives a miniport on a live
/// adapter process. With <see cref="ReuseProcess"/> (the default) a process that ended its previous case
/// healthy is kept and sent <c>reset</c> (adapter-protocol.md: "sends reset between cases"); a process that
/// failed, or refused the reset, is killed and a fresh one started.
/// </summary>
public sealed class ProcessAdapterFactory : IDisposable
{
    private readonly object _gate = new();
    private AdapterConnection? _idle;
    private MiniportIdentity? _idleIdentity;

    /// <summary>A factory for <paramref name="commandLine"/> with <paramref name="options"/>.</summary>
    public ProcessAdapterFactory(string commandLine, AdapterConnectionOptions? options = null)
    {
        CommandLine = commandLine ?? throw new ArgumentNullException(nameof(commandLine));
        Options = options ?? new AdapterConnectionOptions();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    /// <summary>The adapter's command line.</summary>
    public string CommandLine { get; }

    /// <summary>The connection limits of every process.</summary>
    public AdapterConnectionOptions Options { get; }

    /// <summary>Keep a healthy process between cases and <c>reset</c> it (true), or start one per <see cref="Create"/>.</summary>
    public bool ReuseProcess { get; init; } = true;

    /// <summary>How many processes this factory has started.</summary>
    public int ProcessesStarted { get; private set; }

    /// <summary>A miniport on a reset live process, or on a freshly started one.</summary>
    public IMiniport Create()
    {
        AdapterConnection? idle;
        MiniportIdentity? identity;
        lock (_gate)
        {
            (idle, identity, _idle, _idleIdentity) = (_idle, _idleIdentity, null, null);
        }

        if (idle is not null && identity is not null)
        {
            try
            {
                ProcessMiniport lease = ProcessMiniport.Lease(idle, identity, Release);
                if (lease.Reset() == NdisStatus.Success)
                {
                    return lease;
                }
            }
            catch (MiniportUnavailableException)
            {
                // A process that cannot reset is replaced below.
            }

            idle.Dispose();
        }

        AdapterConnection connection = AdapterConnection.Start(CommandLine, Options);
        ProcessesStarted++;
        try
        {
            MiniportIdentity hello = ProcessMiniport.Hello(connection);
            return ReuseProcess ? ProcessMiniport.Lease(connection, hello, Release) : ProcessMiniport.Owning(connection, hello);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Ends the idle process, if any (<c>bye</c>).</summary>
    public void Dispose()
    {
        AdapterConnection? idle;
        lock (_gate)
        {
            (idle, _idle, _idleIdentity) = (_idle, null, null);
        }

        idle?.Dispose();
    }

    private void Release(ProcessMiniport miniport)
    {
        if (miniport.Connection.Fault is not null)
        {
            miniport.Connection.Dispose();
            return;
        }

        AdapterConnection? previous;
        lock (_gate)
        {
            (previous, _idle, _idleIdentity) = (_idle, miniport.Connection, miniport.Identity);
        }

        previous?.Dispose();
    }
}
