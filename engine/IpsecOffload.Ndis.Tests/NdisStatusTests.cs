namespace IpsecOffload.Ndis.Tests;

public class NdisStatusTests
{
    // Spec digest §9.1; note the trap: REQUEST_ABORTED 0xC001000C is not SEND_ABORTED 0xC023000C.
    [TestCase(NdisStatus.Success, 0x0000_0000u, "NDIS_STATUS_SUCCESS")]
    [TestCase(NdisStatus.Pending, 0x0000_0103u, "NDIS_STATUS_PENDING")]
    [TestCase(NdisStatus.NotAccepted, 0x0001_0003u, "NDIS_STATUS_NOT_ACCEPTED")]
    [TestCase(NdisStatus.BufferOverflow, 0x8000_0005u, "NDIS_STATUS_BUFFER_OVERFLOW")]
    [TestCase(NdisStatus.Failure, 0xC000_0001u, "NDIS_STATUS_FAILURE")]
    [TestCase(NdisStatus.InvalidParameter, 0xC000_000Du, "NDIS_STATUS_INVALID_PARAMETER")]
    [TestCase(NdisStatus.InvalidDeviceRequest, 0xC000_0010u, "NDIS_STATUS_INVALID_DEVICE_REQUEST")]
    [TestCase(NdisStatus.Resources, 0xC000_009Au, "NDIS_STATUS_RESOURCES")]
    [TestCase(NdisStatus.NotSupported, 0xC000_00BBu, "NDIS_STATUS_NOT_SUPPORTED")]
    [TestCase(NdisStatus.RequestAborted, 0xC001_000Cu, "NDIS_STATUS_REQUEST_ABORTED")]
    [TestCase(NdisStatus.ResetInProgress, 0xC001_000Du, "NDIS_STATUS_RESET_IN_PROGRESS")]
    [TestCase(NdisStatus.InvalidPacket, 0xC001_000Fu, "NDIS_STATUS_INVALID_PACKET")]
    [TestCase(NdisStatus.InvalidLength, 0xC001_0014u, "NDIS_STATUS_INVALID_LENGTH")]
    [TestCase(NdisStatus.InvalidData, 0xC001_0015u, "NDIS_STATUS_INVALID_DATA")]
    [TestCase(NdisStatus.BufferTooShort, 0xC001_0016u, "NDIS_STATUS_BUFFER_TOO_SHORT")]
    [TestCase(NdisStatus.InvalidOid, 0xC001_0017u, "NDIS_STATUS_INVALID_OID")]
    [TestCase(NdisStatus.SendAborted, 0xC023_000Cu, "NDIS_STATUS_SEND_ABORTED")]
    [TestCase(NdisStatus.Paused, 0xC023_002Au, "NDIS_STATUS_PAUSED")]
    [TestCase(NdisStatus.TaskOffloadCurrentConfig, 0x4002_0006u, "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG")]
    public void Status_HasHeaderValueAndName(NdisStatus status, uint code, string name)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((uint)status, Is.EqualTo(code), $"{name} code");
            Assert.That(status.ToNdisName(), Is.EqualTo(name));
        }
    }

    [Test]
    public void SendCompletionStatuses_AreExactlyTheSevenOfSend21()
    {
        var allowed = Enum.GetValues<NdisStatus>().Where(s => s.IsValidSendCompletion()).ToArray();
        Assert.That(allowed, Is.EquivalentTo(new[]
        {
            NdisStatus.Success, NdisStatus.InvalidLength, NdisStatus.Resources, NdisStatus.Paused,
            NdisStatus.SendAborted, NdisStatus.ResetInProgress, NdisStatus.Failure,
        }));
    }
}
