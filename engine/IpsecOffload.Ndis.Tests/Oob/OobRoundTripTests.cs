using IpsecOffload.Ndis.Oob;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oob;

/// <summary>
/// Round trips over full-range values from a recorded seed (TestSeeds): typed → slot → typed for
/// random field values, and slot → typed → slot for random 32-bit words where every bit is declared.
/// </summary>
public class OobRoundTripTests
{
    private const int Iterations = 2000;

    private static readonly NdisAbi[] Abis = [NdisAbi.X64, NdisAbi.X86];

    private static void TypedRoundTrip<T>(int salt, Func<Random, T> generate)
        where T : struct, INetBufferListInfo<T>
    {
        var random = TestSeeds.Create(salt);
        for (int i = 0; i < Iterations; i++)
        {
            T value = generate(random);
            foreach (NdisAbi abi in Abis)
            {
                ulong slot = value.ToSlot(abi);
                T back = T.FromSlot(slot, abi);
                if (!back.Equals(value) || slot > uint.MaxValue)
                {
                    Assert.Fail($"{typeof(T).Name} {value} @{abi}: slot 0x{slot:X16} unpacked to {back} " +
                        $"(seed {TestSeeds.Current}, salt {salt}, iteration {i})");
                }
            }
        }
    }

    private static void WordRoundTrip<T>(int salt, uint declaredBits)
        where T : struct, INetBufferListInfo<T>
    {
        var random = TestSeeds.Create(salt);
        for (int i = 0; i < Iterations; i++)
        {
            uint word = random.NextUInt32() & declaredBits;
            foreach (NdisAbi abi in Abis)
            {
                ulong back = T.FromSlot(word, abi).ToSlot(abi);
                if (back != word)
                {
                    Assert.Fail($"{typeof(T).Name} @{abi}: 0x{word:X8} came back as 0x{back:X16} " +
                        $"(seed {TestSeeds.Current}, salt {salt}, iteration {i})");
                }
            }
        }

        Assert.Pass($"{Iterations} words × {Abis.Length} ABIs, seed {TestSeeds.Current}");
    }

    [Test]
    public void V1Receive_RandomFields_RoundTrip() => TypedRoundTrip(101, r => new IPsecOffloadV1Receive(
        r.NextBool(), r.NextBool(), r.NextBool(), (CryptoStatus)r.NextBits(16), (ushort)r.NextBits(13)));

    [Test]
    public void V2Receive_RandomFields_RoundTrip() => TypedRoundTrip(102, r => new IPsecOffloadV2Receive(
        r.NextBool(), r.NextBool(), r.NextBool(), (CryptoStatus)r.NextBits(16), (ushort)r.NextBits(13)));

    [Test]
    public void HeaderTransmit_RandomFields_RoundTrip() => TypedRoundTrip(103, r => new IPsecOffloadV2HeaderTransmit(
        (byte)r.NextBits(8), (byte)r.NextBits(8), (byte)r.NextBits(8), (byte)r.NextBits(8)));

    [Test]
    public void HeaderReceive_RandomFields_RoundTrip() => TypedRoundTrip(104, r => new IPsecOffloadV2HeaderReceive(
        (byte)r.NextBits(8), (byte)r.NextBits(8), r.NextBool()));

    [Test]
    public void LsoV1Transmit_RandomFields_RoundTrip() => TypedRoundTrip(105, r => new LsoV1Transmit(
        r.NextBits(20), r.NextBits(10), (LargeSendOffloadType)r.NextBits(1), r.NextBool()));

    [Test]
    public void LsoV1TransmitComplete_RandomFields_RoundTrip() => TypedRoundTrip(106, r => new LsoV1TransmitComplete(
        r.NextBits(30), (LargeSendOffloadType)r.NextBits(1), r.NextBool()));

    [Test]
    public void LsoV2Transmit_RandomFields_RoundTrip() => TypedRoundTrip(107, r => new LsoV2Transmit(
        r.NextBits(20), r.NextBits(10), (LargeSendOffloadIPVersion)r.NextBits(1), (LargeSendOffloadType)r.NextBits(1)));

    [Test]
    public void LsoV2TransmitComplete_RandomFields_RoundTrip() => TypedRoundTrip(108, r => new LsoV2TransmitComplete(
        r.NextBits(30), (LargeSendOffloadType)r.NextBits(1), r.NextBool()));

    [Test]
    public void ChecksumTransmit_RandomFields_RoundTrip() => TypedRoundTrip(109, r => new TcpIpChecksumTransmit(
        r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBits(10), r.NextBits(11)));

    [Test]
    public void ChecksumReceive_RandomFields_RoundTrip() => TypedRoundTrip(110, r => new TcpIpChecksumReceive(
        r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool(), r.NextBool()));

    [Test]
    public void MaxFields_RoundTrip()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (NdisAbi abi in Abis)
            {
                Assert.That(new LsoV1Transmit(0xF_FFFF, 1023, LargeSendOffloadType.V2, true).ToSlot(abi), Is.EqualTo(0xFFFF_FFFFul), $"LsoV1Transmit @{abi}");
                Assert.That(new LsoV2Transmit(0xF_FFFF, 1023, LargeSendOffloadIPVersion.IPv6).ToSlot(abi), Is.EqualTo(0xFFFF_FFFFul), $"LsoV2Transmit @{abi}");
                Assert.That(new LsoV1TransmitComplete(0x3FFF_FFFF, LargeSendOffloadType.V2, true).ToSlot(abi), Is.EqualTo(0xFFFF_FFFFul), $"LsoV1TransmitComplete @{abi}");
                Assert.That(new IPsecOffloadV2HeaderTransmit(0xFF, 0xFF, 0xFF, 0xFF).ToSlot(abi), Is.EqualTo(0xFFFF_FFFFul), $"HeaderTransmit @{abi}");
                Assert.That(new IPsecOffloadV2Receive(true, true, true, (CryptoStatus)0xFFFF, 0x1FFF).ToSlot(abi), Is.EqualTo(0xFFFF_FFFFul), $"V2Receive @{abi}");
                Assert.That(new IPsecOffloadV1Receive(true, true, true, (CryptoStatus)0xFFFF, 0x1FFF).ToSlot(abi), Is.EqualTo(0xFFFF_FFFFul), $"V1Receive @{abi}");
                Assert.That(new TcpIpChecksumTransmit(true, true, true, true, true, 1023, 0x7FF).ToSlot(abi), Is.EqualTo(0x03FF_FFFFul), $"ChecksumTransmit @{abi}");
            }
        }
    }

    // Every one of the 32 bits is a declared member: any word survives unpack and repack.
    [Test]
    public void V1Receive_AnyWord_RoundTrips() => WordRoundTrip<IPsecOffloadV1Receive>(201, 0xFFFF_FFFF);

    [Test]
    public void V2Receive_AnyWord_RoundTrips() => WordRoundTrip<IPsecOffloadV2Receive>(202, 0xFFFF_FFFF);

    [Test]
    public void HeaderTransmit_AnyWord_RoundTrips() => WordRoundTrip<IPsecOffloadV2HeaderTransmit>(203, 0xFFFF_FFFF);

    [Test]
    public void LsoV1Transmit_AnyWord_RoundTrips() => WordRoundTrip<LsoV1Transmit>(204, 0xFFFF_FFFF);

    [Test]
    public void LsoV1TransmitComplete_AnyWord_RoundTrips() => WordRoundTrip<LsoV1TransmitComplete>(205, 0xFFFF_FFFF);

    [Test]
    public void LsoV2Transmit_AnyWord_RoundTrips() => WordRoundTrip<LsoV2Transmit>(206, 0xFFFF_FFFF);

    [Test]
    public void LsoV2TransmitComplete_AnyWord_RoundTrips() => WordRoundTrip<LsoV2TransmitComplete>(207, 0xFFFF_FFFF);

    // Undeclared bits (header Receive 17..31, checksum Transmit 26..31, checksum Receive 9..31) are dropped.
    [Test]
    public void HeaderReceive_DeclaredBits_RoundTrip() => WordRoundTrip<IPsecOffloadV2HeaderReceive>(208, 0x0001_FFFF);

    [Test]
    public void ChecksumTransmit_DeclaredBits_RoundTrip() => WordRoundTrip<TcpIpChecksumTransmit>(209, 0x03FF_FFFF);

    [Test]
    public void ChecksumReceive_DeclaredBits_RoundTrip() => WordRoundTrip<TcpIpChecksumReceive>(210, 0x0000_01FF);

    [Test]
    public void UndeclaredBits_AreIgnoredOnUnpack()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(IPsecOffloadV2HeaderReceive.FromSlot(0xFFFE_0000, NdisAbi.X86), Is.EqualTo(default(IPsecOffloadV2HeaderReceive)));
            Assert.That(TcpIpChecksumTransmit.FromSlot(0xFC00_0000, NdisAbi.X86), Is.EqualTo(default(TcpIpChecksumTransmit)));
            Assert.That(TcpIpChecksumReceive.FromSlot(0xFFFF_FE00, NdisAbi.X86), Is.EqualTo(default(TcpIpChecksumReceive)));
        }
    }
}
