using IpsecOffload.Engine.Capture;
using IpsecOffload.Testing.Tools;

namespace IpsecOffload.Engine.Tests.Capture;

/// <summary>
/// Real interop: published ESP packets go into a pcapng (Ethernet frames, vector id as the packet
/// comment) with the exported esp_sa table, and tshark 4.0 must decrypt each to the expected inner
/// protocol and accept its ICV. Where tshark 4.0 cannot check (AES-GMAC, ESN) the test asserts the
/// documented behaviour (docs/wireshark-interop.md) and reports the limitation, so a newer tshark
/// that lifts it makes the test fail and the document gets updated.
/// </summary>
[Category("ExternalTool")]
[Category("tshark")]
public sealed class WiresharkInteropTests
{
    private static IEnumerable<TestCaseData> Vectors() =>
        EspInteropVectors.All().Select(v =>
        {
            TestCaseData data = new TestCaseData(v).SetArgDisplayNames(v.Name);
            return v.Limitation is null ? data : data.SetCategory("Tshark40Limitation").SetProperty("Limitation", v.Limitation);
        });

    [TestCaseSource(nameof(Vectors))]
    public void PublishedEspPacket_TsharkDecryptsAndChecksIcv(EspInteropVector vector)
    {
        Tshark tshark = Tshark.Require();
        TsharkEspFrame frame = Dissect(tshark, vector, EspInteropVectors.EthernetFrame(vector.IpPacket));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Comment, Is.EqualTo(vector.Name), "pcapng opt_comment read back by tshark");
            Assert.That(frame.Spi, Is.EqualTo(vector.Sa.Spi), "esp.spi");
            Assert.That(frame.NextHeader, Is.EqualTo(vector.NextHeader), $"esp.protocol (trailer decrypted); frame.protocols {frame.Protocols}");
            Assert.That(frame.LayersAfterEsp.Take(vector.InnerLayers.Length), Is.EqualTo(vector.InnerLayers), $"layers after ESP in {frame.Protocols}");
            Assert.That(frame.Icv, Is.EqualTo(vector.Icv), vector.Limitation ?? "esp.icv_good");
        }

        if (vector.Limitation is not null)
        {
            // Passing means: payload verified, and the ICV verdict is the documented tshark 4.0 one.
            TestContext.Out.WriteLine($"Documented tshark {tshark.Version()} limitation for {vector.Name}: {vector.Limitation}.");
        }
    }

    [Test]
    public void FlippedIcvBit_CbcHmacSha256_TsharkReportsIcvBad() => AssertFlippedIcvIsBad(EspInteropVectors.DpdkCbcSha256());

    [Test]
    public void FlippedIcvBit_AesGcm128_TsharkReportsIcvBad() =>
        AssertFlippedIcvIsBad(EspInteropVectors.All().Single(v => v.Name == "dpdk-aes-128-gcm-tunnel-udp"));

    [Test]
    public void TsharkVersion_Is40_TheReleaseTheTableFormatTargets()
    {
        Tshark tshark = Tshark.Require();

        Assert.That(tshark.Version(), Does.StartWith(WiresharkEspSaTable.WiresharkVersion + "."),
            "esp_sa field order and algorithm names were taken from tshark 4.0; re-check them for another release");
    }

    private static void AssertFlippedIcvIsBad(EspInteropVector vector)
    {
        Tshark tshark = Tshark.Require();
        byte[] packet = (byte[])vector.IpPacket.Clone();
        packet[^1] ^= 0x01; // last ICV byte, lowest bit

        TsharkEspFrame frame = Dissect(tshark, vector, EspInteropVectors.EthernetFrame(packet));

        Assert.That(frame.Icv, Is.EqualTo(TsharkIcvStatus.Bad), $"one flipped ICV bit in {vector.Name}; frame.protocols {frame.Protocols}");
    }

    private static TsharkEspFrame Dissect(Tshark tshark, EspInteropVector vector, byte[] frame)
    {
        var writer = new PcapngWriter();
        writer.WritePacket(PcapngLinkType.Ethernet, frame, vector.Name);
        string directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "wireshark-interop");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, vector.Name + ".pcapng");
        File.WriteAllBytes(path, writer.ToArray());

        // Evidence file only; the SA table (key material) lives in tshark's temporary config directory.
        string table = WiresharkEspSaTable.ToUatFile([vector.Sa], WiresharkExportMode.BestEffort);
        IReadOnlyList<TsharkEspFrame> frames = tshark.DissectEsp(path, table);

        Assert.That(frames, Has.Count.EqualTo(1), $"tshark frames in {path}");
        return frames[0];
    }
}
