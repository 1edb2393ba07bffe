using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Testing;
using static IpsecOffload.Ndis.Tests.Capabilities.CapabilityTestSupport;

namespace IpsecOffload.Ndis.Tests.Capabilities;

/// <summary>
/// NDIS_OFFLOAD (spec digest §5.1) on x64 and x86: sizes per revision, every member of every
/// sub-structure at its absolute offset, round trips and the decoder's refusals.
/// </summary>
public class NdisOffloadTests
{
    private const string Rev2Header = "a7029000"; // Type 0xA7, Revision 2, Size 144 (0x0090)

    private static IEnumerable<TestCaseData> OffloadFields() =>
        Abis.SelectMany(abi => CapabilityFieldCases.Offload(abi)
            .Select(c => new TestCaseData(c, abi).SetArgDisplayNames($"{c.Name}@{abi}")));

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void Sizes_Revision1Is112_Revision2Is144(NdisAbi abi)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NdisOffload.SizeOf(NdisOffload.Revision1, abi), Is.EqualTo(112));
            Assert.That(NdisOffload.SizeOf(NdisOffload.Revision2, abi), Is.EqualTo(144));
            Assert.That(NdisOffload.SizeOf(3, abi), Is.EqualTo(144), "later revisions: the modelled part");
            Assert.That(NdisOffload.SizeRevision1, Is.EqualTo(112));
            Assert.That(NdisOffload.SizeRevision2, Is.EqualTo(144));
            Assert.That(NdisOffload.CreateHeader(NdisOffload.Revision1, abi), Is.EqualTo(new NdisObjectHeader(0xA7, 1, 112)));
            Assert.That(NdisOffload.CreateHeader(NdisOffload.Revision2, abi), Is.EqualTo(new NdisObjectHeader(0xA7, 2, 144)));
            Assert.That(() => NdisOffload.SizeOf(0, abi), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    [TestCaseSource(nameof(OffloadFields))]
    public void OneMember_WritesExactlyItsBytesAtItsOffset_AndReadsBack(FieldCase<NdisOffload> c, NdisAbi abi)
    {
        byte[] bytes = c.Value.ToArray(abi);
        byte[] expected = ZerosWith(NdisOffload.SizeRevision2, c.Offset, c.Hex);
        Hex.Parse(Rev2Header).CopyTo(expected, 0);
        HexAssert.AreEqual(expected, bytes, $"NDIS_OFFLOAD.{c.Name} @{abi}");

        bool ok = NdisOffload.TryRead(bytes, abi, out NdisOffload back, out NdisError? error);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error?.ToString());
            Assert.That(back, Is.EqualTo(c.Value));
        }
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void Revision1_Writes112Bytes_WithoutIPsecV2_AndReadsIPsecV2AsZero(NdisAbi abi)
    {
        var random = TestSeeds.Create(501);
        NdisOffload full = RandomOffload(random, NdisOffload.Revision2, abi);
        NdisOffload rev1 = full with { Header = NdisOffload.CreateHeader(NdisOffload.Revision1, abi) };
        byte[] bytes = rev1.ToArray(abi);
        byte[] rev2Bytes = full.ToArray(abi);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(bytes, Has.Length.EqualTo(112));
            HexAssert.AreEqual(rev2Bytes.AsSpan(4, 108), bytes.AsSpan(4), "members through Flags are unchanged");
            HexAssert.AreEqual("a7017000", bytes.AsSpan(0, 4), "revision 1 header");
            Assert.That(NdisOffload.TryRead(bytes, abi, out NdisOffload back, out _), Is.True);
            Assert.That(back, Is.EqualTo(rev1 with { IPsecV2 = default }));
        }
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void RandomTyped_RoundTripsThroughBytes_BothRevisions(NdisAbi abi)
    {
        var random = TestSeeds.Create(502);
        for (int i = 0; i < 1000; i++)
        {
            byte revision = (byte)(i % 2 == 0 ? 1 : 2);
            NdisOffload value = RandomOffload(random, revision, abi);
            byte[] bytes = value.ToArray(abi);
            if (!NdisOffload.TryRead(bytes, abi, out NdisOffload back, out NdisError? error) || back != value)
            {
                Assert.Fail($"revision {revision} iteration {i}, seed {TestSeeds.Current}: {error}; {value} -> {back}");
            }
        }

        Assert.Pass($"seed {TestSeeds.Current}");
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void RandomBytes_RoundTripThroughTyped(NdisAbi abi)
    {
        var random = TestSeeds.Create(503);
        var bytes = new byte[NdisOffload.SizeRevision2];
        for (int i = 0; i < 1000; i++)
        {
            random.NextBytes(bytes);
            Hex.Parse(Rev2Header).CopyTo(bytes, 0);
            CanonicalizeV1(bytes.AsSpan(52, 28));
            CanonicalizeV2(bytes.AsSpan(112, 32));
            Assert.That(NdisOffload.TryRead(bytes, abi, out NdisOffload value, out NdisError? error), Is.True, error?.ToString());
            HexAssert.AreEqual(bytes, value.ToArray(abi), $"NDIS_OFFLOAD iteration {i}, seed {TestSeeds.Current}");
        }
    }

    [TestCase(NdisAbi.X64)]
    [TestCase(NdisAbi.X86)]
    public void LaterRevision_IsReadThroughIPsecV2(NdisAbi abi)
    {
        // Revision 3 (NDIS 6.30) is 156 bytes: Rsc and EncapsulatedPacketTaskOffloadGre follow IPsecV2.
        var random = TestSeeds.Create(504);
        NdisOffload rev2 = RandomOffload(random, NdisOffload.Revision2, abi);
        var bytes = new byte[156];
        rev2.Write(bytes, abi);
        new NdisObjectHeader(0xA7, 3, 156).Write(bytes);
        bytes[150] = 0x5A;
        Assert.That(NdisOffload.TryRead(bytes, abi, out NdisOffload back, out NdisError? error), Is.True, error?.ToString());
        Assert.That(back, Is.EqualTo(rev2 with { Header = new NdisObjectHeader(0xA7, 3, 156) }));
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        foreach (NdisAbi abi in Abis)
        {
            yield return Refusal("BufferShorterThanHeader", abi, "a702", NdisStatus.InvalidLength, "NDIS_OFFLOAD.Header", "buffer has 2 bytes");
            yield return Refusal("WrongType", abi, "80029000", NdisStatus.InvalidData, "NDIS_OFFLOAD.Header.Type", "0x80");
            yield return Refusal("Revision0", abi, "a7009000", NdisStatus.InvalidData, "NDIS_OFFLOAD.Header.Revision", "revision 0");
            yield return Refusal("Revision2SizeOfRevision1", abi, "a7027000", NdisStatus.InvalidLength, "NDIS_OFFLOAD.Header.Size", "size 112 is below the 144 bytes");
            yield return Refusal("Revision1Size111", abi, "a7016f00", NdisStatus.InvalidLength, "NDIS_OFFLOAD.Header.Size", "size 111 is below the 112 bytes");
            yield return Refusal("BufferShorterThanSize", abi, "a7029000", NdisStatus.InvalidLength, "NDIS_OFFLOAD", "says 144 bytes, buffer has 143", 143);
        }
    }

    private static TestCaseData Refusal(
        string name, NdisAbi abi, string header, NdisStatus status, string field, string messagePart, int? length = null)
    {
        byte[] h = Hex.Parse(header);
        var buffer = new byte[length ?? (h.Length < 4 ? h.Length : 144)];
        h.CopyTo(buffer, 0);
        return new TestCaseData(buffer, abi, status, field, messagePart).SetArgDisplayNames($"{name}@{abi}");
    }

    [TestCaseSource(nameof(Refusals))]
    public void Decode_BadInput_IsRefusedWithStatusAndField(byte[] buffer, NdisAbi abi, NdisStatus status, string field, string messagePart)
    {
        bool ok = NdisOffload.TryRead(buffer, abi, out _, out NdisError? error);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.False);
            Assert.That(error?.Status, Is.EqualTo(status), error?.ToString());
            Assert.That(error?.Field, Is.EqualTo(field));
            Assert.That(error?.Message, Does.Contain(messagePart));
        }
    }

    [Test]
    public void Write_ShortDestination_Throws()
    {
        NdisOffload value = new() { Header = NdisOffload.CreateHeader(2, NdisAbi.X64) };
        Assert.That(() => value.Write(new byte[143], NdisAbi.X64), Throws.ArgumentException.With.Message.Contains("144"));
    }
}
