using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Ndis.Tests.Oob;

/// <summary>Out-of-range bitfield values are refused at construction, with the numbers in the message.</summary>
public class OobValidationTests
{
    private static IEnumerable<TestCaseData> OutOfRange()
    {
        yield return Case("LsoV1Transmit.MSS", () => new LsoV1Transmit(0x10_0000, 0), "1048576", "1048575");
        yield return Case("LsoV1Transmit.TcpHeaderOffset", () => new LsoV1Transmit(0, 1024), "1024", "1023");
        yield return Case("LsoV1Transmit.Type", () => new LsoV1Transmit(0, 0, (LargeSendOffloadType)2), "2", "1");
        yield return Case("LsoV2Transmit.MSS", () => new LsoV2Transmit(uint.MaxValue, 0, LargeSendOffloadIPVersion.IPv4), "4294967295", "1048575");
        yield return Case("LsoV2Transmit.TcpHeaderOffset", () => new LsoV2Transmit(0, 0xFFFF, LargeSendOffloadIPVersion.IPv4), "65535", "1023");
        yield return Case("LsoV2Transmit.IPVersion", () => new LsoV2Transmit(0, 0, (LargeSendOffloadIPVersion)2), "2", "1");
        yield return Case("LsoV1TransmitComplete.TcpPayload", () => new LsoV1TransmitComplete(0x4000_0000), "1073741824", "1073741823");
        yield return Case("LsoV2TransmitComplete.Reserved", () => new LsoV2TransmitComplete(0x4000_0000), "1073741824", "1073741823");
        yield return Case("IPsecOffloadV1Receive.Pad", () => new IPsecOffloadV1Receive(false, false, false, 0, 0x2000), "8192", "8191");
        yield return Case("IPsecOffloadV2Receive.Reserved", () => new IPsecOffloadV2Receive(false, false, false, 0, 0x2000), "8192", "8191");
        yield return Case("TcpIpChecksumTransmit.TcpHeaderOffset", () => new TcpIpChecksumTransmit(true, false, true, false, false, 1024), "1024", "1023");
        yield return Case("TcpIpChecksumTransmit.Reserved", () => new TcpIpChecksumTransmit(true, false, true, false, false, 0, 0x800), "2048", "2047");
    }

    private static TestCaseData Case(string name, Func<object> construct, string value, string max) =>
        new TestCaseData(construct, value, max).SetArgDisplayNames(name);

    [TestCaseSource(nameof(OutOfRange))]
    public void OutOfRangeField_ThrowsWithValueAndLimit(Func<object> construct, string value, string max)
    {
        Assert.That(() => construct(), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains($" {value} ").And.Message.Contains($" {max} "));
    }

    [Test]
    public void LsoFields_AtTheirLimits_AreAccepted()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new LsoV1Transmit(LargeSendOffloadLimits.MaxMss, LargeSendOffloadLimits.MaxTcpHeaderOffset).Mss, Is.EqualTo(0xF_FFFFu));
            Assert.That(new LsoV2Transmit(0, LargeSendOffloadLimits.MaxTcpHeaderOffset, LargeSendOffloadIPVersion.IPv6).TcpHeaderOffset, Is.EqualTo(1023u));
            Assert.That(new LsoV1TransmitComplete(LargeSendOffloadLimits.MaxTcpPayload).TcpPayload, Is.EqualTo(0x3FFF_FFFFu));
        }
    }

    [TestCase(0, 0, 0, 0)]
    [TestCase(20, 5, 40, 10)]
    [TestCase(1020, 255, 4, 1)]
    public void HeaderFromByteOffsets_StoresFourByteUnits(int ahBytes, int ahUnits, int espBytes, int espUnits)
    {
        var h = IPsecOffloadV2HeaderTransmit.FromByteOffsets(50, 2, ahBytes, espBytes);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(h.AhHeaderOffset, Is.EqualTo(ahUnits));
            Assert.That(h.EspHeaderOffset, Is.EqualTo(espUnits));
            Assert.That(h.AhHeaderOffsetBytes, Is.EqualTo(ahBytes));
            Assert.That(h.EspHeaderOffsetBytes, Is.EqualTo(espBytes));
            Assert.That(h.NextHeader, Is.EqualTo(50));
            Assert.That(h.PadLength, Is.EqualTo(2));
        }
    }

    [TestCase(2)]
    [TestCase(-4)]
    [TestCase(1024)]
    [TestCase(1021)]
    public void HeaderFromByteOffsets_OffsetNotAMultipleOf4InRange_Throws(int bytes)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => IPsecOffloadV2HeaderTransmit.FromByteOffsets(50, 0, bytes, 20),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(() => IPsecOffloadV2HeaderTransmit.FromByteOffsets(50, 0, 20, bytes),
                Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }
}
