using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Ndis.Oids;

namespace IpsecOffload.Adapters.Protocol;

/// <summary>
/// The adapter side of adapter-protocol.md version 1 for any <see cref="IMiniport"/>: reads requests a line
/// at a time, calls the miniport, and writes one response per request with the same <c>id</c>. A <c>send</c>
/// answers once every NBL of the request has been completed (or <see cref="CompletionTimeout"/> passed), with
/// the frames and completions in the order the miniport produced them. Status indications have no place in
/// version 1 and are dropped.
/// </summary>
public sealed class AdapterProtocolServer
{
    private readonly IMiniport _miniport;
    private readonly EventHost _host = new();

    /// <summary>Serves <paramref name="miniport"/>, which it initializes now.</summary>
    public AdapterProtocolServer(IMiniport miniport)
    {
        _miniport = miniport ?? throw new ArgumentNullException(nameof(miniport));
        _miniport.Initialize(_host);
    }

    /// <summary>How long a <c>send</c> waits for NBLs the miniport completes asynchronously.</summary>
    public TimeSpan CompletionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Called with each request before it is handled (request object, its op); lets a test adapter misbehave.
    /// Returning false skips the normal response.
    /// </summary>
    public Func<JsonObject, string, TextWriter, bool>? BeforeRequest { get; init; }

    /// <summary>Answers requests from <paramref name="input"/> on <paramref name="output"/> until <c>bye</c> or end of input.</summary>
    public void Serve(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        while (input.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonObject response;
            string op = string.Empty;
            bool bye = false;
            try
            {
                JsonObject request = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("the request is not a JSON object");
                op = request["op"]?.GetValue<string>() ?? string.Empty;
                if (BeforeRequest is { } hook && !hook(request, op, output))
                {
                    continue;
                }

                response = Handle(request, op);
                response["id"] = request["id"]?.DeepClone();
                bye = op == "bye";
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
            {
                response = new JsonObject { ["error"] = $"{op}: {e.Message}" };
                if (TryId(line) is { } id)
                {
                    response["id"] = id;
                }
            }

            output.Write(response.ToJsonString());
            output.Write('\n');
            output.Flush();
            if (bye)
            {
                return;
            }
        }
    }

    private JsonObject Handle(JsonObject request, string op)
    {
        switch (op)
        {
            case "hello":
                return new JsonObject
                {
                    ["protocol"] = AdapterProtocolCodec.ProtocolVersion,
                    ["name"] = _miniport.Identity.Name,
                    ["version"] = _miniport.Identity.Version,
                    ["abi"] = _miniport.Identity.Abi.ToProtocolName(),
                };
            case "capabilities":
                MiniportOffloadReport report = _miniport.QueryOffload();
                return new JsonObject { ["hardware"] = AdapterProtocolCodec.Hex(report.Hardware), ["current"] = AdapterProtocolCodec.Hex(report.Current) };
            case "oid":
                var oid = new OidRequest(
                    (NdisOid)(request["oid"]?.GetValue<uint>() ?? throw new FormatException("oid: no oid code")),
                    request["type"]?.GetValue<string>() switch
                    {
                        "set" => NdisRequestType.Set,
                        "query" => NdisRequestType.Query,
                        var t => throw new FormatException($"oid: type '{t}' is neither set nor query"),
                    },
                    AdapterProtocolCodec.FromHex(request["buffer"]?.GetValue<string>()));
                OidResult result = _miniport.OidRequest(oid);
                return new JsonObject
                {
                    ["status"] = (uint)result.Status,
                    ["buffer"] = AdapterProtocolCodec.Hex(result.InformationBuffer),
                    ["bytesRead"] = result.BytesRead,
                    ["bytesNeeded"] = result.BytesNeeded,
                };
            case "send":
                return Send(request["nbls"]?.AsArray() ?? throw new FormatException("send: no nbls array"));
            case "reset":
                return new JsonObject { ["status"] = (uint)_miniport.Reset() };
            case "bye":
                return [];
            default:
                throw new FormatException($"unknown op '{op}'");
        }
    }

    private JsonObject Send(JsonArray nblsJson)
    {
        List<NetBufferList> nbls = [.. nblsJson.Select((n, i) => AdapterProtocolCodec.DecodeNbl(
            n?.AsObject() ?? throw new FormatException("send: a null NBL"), string.Create(CultureInfo.InvariantCulture, $"NBL {i}")))];
        var events = new JsonArray();
        if (nbls.Count == 0)
        {
            return new JsonObject { ["events"] = events };
        }

        _host.Begin(nbls, _miniport.Identity.Abi);
        _miniport.SendNetBufferLists(NetBufferList.Link(nbls)!, NdisSendFlags.None);
        foreach (JsonObject e in _host.End(CompletionTimeout))
        {
            events.Add(e);
        }

        return new JsonObject { ["events"] = events };
    }

    private static JsonNode? TryId(string line)
    {
        try
        {
            return (JsonNode.Parse(line) as JsonObject)?["id"]?.DeepClone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Records the frames and completions of the send in progress, by NBL index, as protocol events.
    private sealed class EventHost : IMiniportHost
    {
        private readonly object _gate = new();
        private Dictionary<NetBufferList, int> _index = new(ReferenceEqualityComparer.Instance);
        private List<JsonObject> _events = [];
        private HashSet<int> _completed = [];
        private NdisAbi _abi;

        public void Begin(List<NetBufferList> nbls, NdisAbi abi)
        {
            lock (_gate)
            {
                _index = new Dictionary<NetBufferList, int>(ReferenceEqualityComparer.Instance);
                for (int i = 0; i < nbls.Count; i++)
                {
                    _index[nbls[i]] = i;
                }

                (_events, _completed, _abi) = ([], [], abi);
            }
        }

        public List<JsonObject> End(TimeSpan timeout)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                lock (_gate)
                {
                    if (_completed.Count == _index.Count || clock.Elapsed >= timeout)
                    {
                        List<JsonObject> events = _events;
                        (_events, _index) = ([], new Dictionary<NetBufferList, int>(ReferenceEqualityComparer.Instance));
                        return events;
                    }
                }

                Thread.Sleep(1);
            }
        }

        public void Transmit(NetBufferList owner, ReadOnlySpan<byte> frame)
        {
            lock (_gate)
            {
                if (_index.TryGetValue(owner, out int i))
                {
                    _events.Add(new JsonObject { ["frame"] = AdapterProtocolCodec.Hex(frame), ["nbl"] = i });
                }
            }
        }

        public void SendNetBufferListsComplete(NetBufferList netBufferLists, NdisSendCompleteFlags flags)
        {
            lock (_gate)
            {
                for (NetBufferList? nbl = netBufferLists; nbl is not null; nbl = nbl.Next)
                {
                    if (_index.TryGetValue(nbl, out int i))
                    {
                        _completed.Add(i);
                        _events.Add(new JsonObject { ["complete"] = i, ["status"] = (uint)nbl.Status, ["oob"] = AdapterProtocolCodec.EncodeOob(nbl.Info, _abi) });
                    }
                }
            }
        }

        public void IndicateStatus(NdisStatus status, ReadOnlySpan<byte> statusBuffer)
        {
            // Protocol version 1 carries no status indications.
        }
    }
}
