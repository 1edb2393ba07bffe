using IpsecOffload.Ndis.Oob;

namespace IpsecOffload.Ndis.Tests.Oob;

public class NetBufferListInfoExtensionsTests
{
    [Test]
    public void Set_WritesTheViewsOwnSlotOnly()
    {
        var nbl = new NetBufferList();
        nbl.Info.Set(new IPsecOffloadV2TunnelTransmit(0xFEDC_BA98_7654_3210), NdisAbi.X64);
        nbl.Info.Set(IPsecOffloadV2HeaderTransmit.FromByteOffsets(6, 2, 0, 20), NdisAbi.X64);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(nbl.Info[NetBufferListInfoId.IPsecOffloadV2Tunnel], Is.EqualTo(0xFEDC_BA98_7654_3210));
            Assert.That(nbl.Info[NetBufferListInfoId.IPsecOffloadV2Header], Is.EqualTo(0x0500_0206UL));
            Assert.That(nbl.Info[NetBufferListInfoId.IPsecOffload], Is.Zero);
            Assert.That(nbl.Info.Get<IPsecOffloadV2HeaderTransmit>(NdisAbi.X86).EspHeaderOffsetBytes, Is.EqualTo(20));
        }
    }

    [Test]
    public void Get_OnX86_RefusesA64BitSlot()
    {
        var nbl = new NetBufferList();
        nbl.Info[NetBufferListInfoId.IPsecOffload] = 0x1_0000_0000;
        Assert.That(() => nbl.Info.Get<IPsecOffloadV2Transmit>(NdisAbi.X86), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
