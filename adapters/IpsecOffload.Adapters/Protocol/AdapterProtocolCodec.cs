using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using IpsecOffload.Ndis;

namespace IpsecOffload.Adapters.Protocol;

/// <summary>
/// The JSON shapes of adapter-protocol.md version 1 that carry NDIS objects: NBL chains of a <c>send</c>
/// (<c>{oob:{slot:hex}, netBuffers:[{mdls:[hex...], dataOffset, dataLength}]}</c>), OOB slots as
/// pointer-sized little-endian bytes of the declared ABI, and lower-case hex for every byte string.
/// Shared by the harness side (<see cref="ProcessMiniport"/>) and the server side (<see cref="AdapterProtocolServer"/>).
/// </summary>
public static class AdapterProtocolCodec
{
    /// <summary>The protocol version this build speaks.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>Lower-case hex without separators (the protocol's byte strings).</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Bytes from protocol hex (either case accepted); a malformed string throws <see cref="FormatException"/>.</summary>
    public static byte[] FromHex(string? hex) => string.IsNullOrEmpty(hex) ? [] : Convert.FromHexString(hex);

    /// <summary>The ABI named as in <c>hello</c> (<c>"x64"</c> or <c>"x86"</c>); anything else throws <see cref="FormatException"/>.</summary>
    public static NdisAbi ParseAbi(string? name) => name switch
    {
        "x64" => NdisAbi.X64,
        "x86" => NdisAbi.X86,
        _ => throw new FormatException($"abi '{name}' is neither \"x64\" nor \"x86\""),
    };

    /// <summary>
    /// The non-zero OOB slots of <paramref name="info"/> as <c>{"index": "pointer-sized LE hex"}</c>. A value
    /// that does not fit the ABI's pointer (above 32 bits on x86) throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static JsonObject EncodeOob(NetBufferListInfo info, NdisAbi abi)
    {
        ArgumentNullException.ThrowIfNull(info);
        var oob = new JsonObject();
        int size = abi.PointerSize();
        Span<ulong> slots = info.AsSpan();
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < slots.Length; i++)
        {
            ulong value = slots[i];
            if (value == 0)
            {
                continue;
            }

            if (size == 4 && value > uint.MaxValue)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"NetBufferListInfo slot {i} holds 0x{value:x}, which does not fit a 4-byte x86 pointer-sized slot"));
            }

            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            oob[i.ToString(CultureInfo.InvariantCulture)] = Hex(bytes[..size]);
        }

        return oob;
    }

    /// <summary>
    /// Sets every slot of <paramref name="info"/> from <paramref name="oob"/> (absent slots become zero). Keys
    /// must be slot indices 0…31 and values at most 8 bytes; anything else throws <see cref="FormatException"/>.
    /// </summary>
    public static void DecodeOob(JsonObject? oob, NetBufferListInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Clear();
        if (oob is null)
        {
            return;
        }

        Span<byte> padded = stackalloc byte[8];
        foreach ((string key, JsonNode? value) in oob)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= NetBufferListInfo.MaxNetBufferListInfo)
            {
                throw new FormatException($"oob key '{key}' is not a NET_BUFFER_LIST_INFO index 0..{NetBufferListInfo.MaxNetBufferListInfo - 1}");
            }

            byte[] bytes = FromHex(value?.GetValue<string>());
            if (bytes.Length > 8)
            {
                throw new FormatException($"oob slot {key} carries {bytes.Length} bytes; a slot is at most 8");
            }

            padded.Clear();
            bytes.CopyTo(padded);
            info[index] = BinaryPrimitives.ReadUInt64LittleEndian(padded);
        }
    }

    /// <summary>One NBL as the <c>send</c> request carries it: its OOB slots and each NET_BUFFER's MDL bytes, offset and length.</summary>
    public static JsonObject EncodeNbl(NetBufferList nbl, NdisAbi abi)
    {
        ArgumentNullException.ThrowIfNull(nbl);
        var netBuffers = new JsonArray();
        foreach (NetBuffer nb in nbl.EnumerateNetBuffers())
        {
            var mdls = new JsonArray();
            foreach (Mdl mdl in nb.EnumerateMdls())
            {
                mdls.Add(Hex(mdl.Span));
            }

            netBuffers.Add(new JsonObject { ["mdls"] = mdls, ["dataOffset"] = nb.DataOffset, ["dataLength"] = nb.DataLength });
        }

        return new JsonObject { ["oob"] = EncodeOob(nbl.Info, abi), ["netBuffers"] = netBuffers };
    }

    /// <summary>
    /// The NBL a <c>send</c> request describes, named <paramref name="name"/> (not linked to others). A NET_BUFFER
    /// without <c>dataLength</c> runs to the end of its MDL chain; a malformed shape throws <see cref="FormatException"/>.
    /// </summary>
    public static NetBufferList DecodeNbl(JsonObject json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        var netBuffers = new List<NetBuffer>();
        foreach (JsonNode? nbNode in json["netBuffers"]?.AsArray() ?? [])
        {
            JsonObject nb = nbNode?.AsObject() ?? throw new FormatException("a netBuffers element is null");
            List<Mdl> mdls = [.. (nb["mdls"]?.AsArray() ?? []).Select(m => new Mdl(FromHex(m?.GetValue<string>())))];
            long total = mdls.Sum(m => (long)m.ByteCount);
            int offset = nb["dataOffset"]?.GetValue<int>() ?? 0;
            int length = nb["dataLength"]?.GetValue<int>() ?? checked((int)(total - offset));
            try
            {
                netBuffers.Add(new NetBuffer(Mdl.Link(mdls), offset, length));
            }
            catch (ArgumentException e)
            {
                throw new FormatException(e.Message, e);
            }
        }

        var nbl = new NetBufferList([.. netBuffers]) { Name = name };
        DecodeOob(json["oob"]?.AsObject(), nbl.Info);
        return nbl;
    }
}
