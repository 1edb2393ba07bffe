using System.Text.Json.Nodes;
using IpsecOffload.Adapters.Protocol;
using IpsecOffload.Ndis;
using IpsecOffload.Testing;

namespace IpsecOffload.Adapters.Tests;

public sealed class AdapterProtocolCodecTests
{
    [TestCase(NdisAbi.X64, 11)]
    [TestCase(NdisAbi.X86, 12)]
    [TestCase(NdisAbi.X64, 13)]
    [TestCase(NdisAbi.X86, 14)]
    public void Nbl_SeveralNetBuffersSplitMdlsOffsetsAndOob_RoundTripsThroughJsonText(NdisAbi abi, int salt)
    {
        Random random = TestSeeds.Create(salt);
        NetBufferList original = RandomNbl(random, abi);

        string line = AdapterProtocolCodec.EncodeNbl(original, abi).ToJsonString();
        NetBufferList decoded = AdapterProtocolCodec.DecodeNbl(JsonNode.Parse(line)!.AsObject(), "decoded");

        NetBuffer[] expected = [.. original.EnumerateNetBuffers()], actual = [.. decoded.EnumerateNetBuffers()];
        Assert.That(actual, Has.Length.EqualTo(expected.Length), TestSeeds.ReplayHint(salt));
        for (int n = 0; n < expected.Length; n++)
        {
            Mdl[] expectedMdls = [.. expected[n].EnumerateMdls()], actualMdls = [.. actual[n].EnumerateMdls()];
            using (Assert.EnterMultipleScope())
            {
                Assert.That(actual[n].DataOffset, Is.EqualTo(expected[n].DataOffset), $"NB {n} DataOffset");
                Assert.That(actual[n].DataLength, Is.EqualTo(expected[n].DataLength), $"NB {n} DataLength");
                Assert.That(actualMdls, Has.Length.EqualTo(expectedMdls.Length), $"NB {n} MDL count");
            }

            for (int m = 0; m < expectedMdls.Length; m++)
            {
                HexAssert.AreEqual(expectedMdls[m].Span, actualMdls[m].Span, $"NB {n} MDL {m}");
            }
        }

        Assert.That(decoded.Info.AsSpan().ToArray(), Is.EqualTo(original.Info.AsSpan().ToArray()), "OOB slots " + TestSeeds.ReplayHint(salt));
    }

    [Test]
    public void Oob_X64SlotWithEveryByteNonZero_TravelsAsEightLittleEndianLowerCaseBytes()
    {
        var info = new NetBufferListInfo();
        info[NetBufferListInfoId.IPsecOffload] = 0xF1E2_D3C4_B5A6_9788;

        JsonObject oob = AdapterProtocolCodec.EncodeOob(info, NdisAbi.X64);

        Assert.That(oob.ToJsonString(), Is.EqualTo("""{"1":"8897a6b5c4d3e2f1"}"""));
    }

    [Test]
    public void Oob_X86SlotWithEveryByteNonZero_TravelsAsFourLittleEndianBytes()
    {
        var info = new NetBufferListInfo();
        info[NetBufferListInfoId.TcpLargeSend] = 0xB5A6_9788;

        JsonObject oob = AdapterProtocolCodec.EncodeOob(info, NdisAbi.X86);

        Assert.That(oob.ToJsonString(), Is.EqualTo("""{"2":"8897a6b5"}"""));
    }

    [Test]
    public void Oob_X86SlotAbove32Bits_Throws()
    {
        var info = new NetBufferListInfo();
        info[NetBufferListInfoId.IPsecOffload] = 0x1_0000_0000;

        Assert.That(() => AdapterProtocolCodec.EncodeOob(info, NdisAbi.X86), Throws.InvalidOperationException);
    }

    [Test]
    public void Oob_Decode_AbsentSlotsBecomeZeroAndBadKeysThrow()
    {
        var info = new NetBufferListInfo();
        info[5] = 77;

        AdapterProtocolCodec.DecodeOob(new JsonObject { ["12"] = "0102" }, info);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(info[5], Is.Zero);
            Assert.That(info[12], Is.EqualTo(0x0201UL));
            Assert.That(() => AdapterProtocolCodec.DecodeOob(new JsonObject { ["32"] = "01" }, info), Throws.InstanceOf<FormatException>());
            Assert.That(() => AdapterProtocolCodec.DecodeOob(new JsonObject { ["1"] = "010203040506070809" }, info), Throws.InstanceOf<FormatException>());
        }
    }

    [Test]
    public void NetBuffer_WithoutDataLength_RunsToTheEndOfItsMdls()
    {
        var json = JsonNode.Parse("""{"netBuffers":[{"mdls":["0011","223344"],"dataOffset":1}]}""")!.AsObject();

        NetBuffer nb = AdapterProtocolCodec.DecodeNbl(json, "x").FirstNetBuffer!;

        HexAssert.AreEqual("11223344", nb.CopyData(), "data");
    }

    [Test]
    public void NetBuffer_DataPastItsMdls_IsAFormatError()
    {
        var json = JsonNode.Parse("""{"netBuffers":[{"mdls":["0011"],"dataOffset":1,"dataLength":2}]}""")!.AsObject();

        Assert.That(() => AdapterProtocolCodec.DecodeNbl(json, "x"), Throws.InstanceOf<FormatException>());
    }

    [TestCase("dotnet a.dll --x86", new[] { "dotnet", "a.dll", "--x86" })]
    [TestCase("  \"/opt/my adapter/run\"  'one two' three\\ four ", new[] { "/opt/my adapter/run", "one two", "three four" })]
    [TestCase("a \"\" b", new[] { "a", "", "b" })]
    [TestCase("x \"it's\" 'say \"hi\"'", new[] { "x", "it's", "say \"hi\"" })]
    public void CommandLine_ShellLikeSplit_GivesTheWords(string line, string[] words) =>
        Assert.That(CommandLine.Split(line), Is.EqualTo(words));

    [Test]
    public void CommandLine_UnclosedQuote_Throws() =>
        Assert.That(() => CommandLine.Split("a 'b"), Throws.ArgumentException);

    private static NetBufferList RandomNbl(Random random, NdisAbi abi)
    {
        var netBuffers = new List<NetBuffer>();
        int count = random.Next(2, 5);
        for (int n = 0; n < count; n++)
        {
            byte[] chain = new byte[random.Next(60, 3000)];
            random.NextBytes(chain);
            int[] splits = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(0, chain.Length + 1)).Order()];
            int offset = random.Next(0, 40), length = random.Next(0, chain.Length - offset + 1);
            netBuffers.Add(NetBuffer.FromChainBytes(chain, splits, offset, length));
        }

        var nbl = new NetBufferList([.. netBuffers]);
        foreach (int slot in new[] { 0, 1, 2, 11, 12, random.Next(3, 11), random.Next(13, 32) })
        {
            nbl.Info[slot] = abi == NdisAbi.X64 ? unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue)) : (ulong)random.NextInt64(0, 1L << 32);
        }

        return nbl;
    }
}
