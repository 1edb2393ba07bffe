namespace IpsecOffload.Ndis;

/// <summary>
/// <c>NDIS_STATUS</c> values a miniport returns or completes NBLs with (ndis.h, ntstatus.h;
/// spec digest §9.1). The enum value is the exact 32-bit code.
/// </summary>
public enum NdisStatus : uint
{
    /// <summary><c>NDIS_STATUS_SUCCESS</c>.</summary>
    Success = 0x0000_0000,
    /// <summary><c>NDIS_STATUS_PENDING</c>.</summary>
    Pending = 0x0000_0103,
    /// <summary><c>NDIS_STATUS_NOT_RECOGNIZED</c>.</summary>
    NotRecognized = 0x0001_0001,
    /// <summary><c>NDIS_STATUS_NOT_COPIED</c>.</summary>
    NotCopied = 0x0001_0002,
    /// <summary><c>NDIS_STATUS_NOT_ACCEPTED</c>.</summary>
    NotAccepted = 0x0001_0003,
    /// <summary><c>NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG</c> (status indication).</summary>
    TaskOffloadCurrentConfig = 0x4002_0006,
    /// <summary><c>NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES</c> (status indication).</summary>
    TaskOffloadHardwareCapabilities = 0x4002_0007,
    /// <summary><c>NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE</c> (spelled so in ndis.h).</summary>
    OffloadEncapsulationChange = 0x4002_0008,
    /// <summary><c>NDIS_STATUS_BUFFER_OVERFLOW</c>.</summary>
    BufferOverflow = 0x8000_0005,
    /// <summary><c>NDIS_STATUS_FAILURE</c> (<c>STATUS_UNSUCCESSFUL</c>).</summary>
    Failure = 0xC000_0001,
    /// <summary><c>NDIS_STATUS_INVALID_PARAMETER</c>.</summary>
    InvalidParameter = 0xC000_000D,
    /// <summary><c>NDIS_STATUS_INVALID_DEVICE_REQUEST</c>.</summary>
    InvalidDeviceRequest = 0xC000_0010,
    /// <summary><c>NDIS_STATUS_RESOURCES</c> (<c>STATUS_INSUFFICIENT_RESOURCES</c>).</summary>
    Resources = 0xC000_009A,
    /// <summary><c>NDIS_STATUS_NOT_SUPPORTED</c>.</summary>
    NotSupported = 0xC000_00BB,
    /// <summary><c>NDIS_STATUS_CLOSING</c>.</summary>
    Closing = 0xC001_0002,
    /// <summary><c>NDIS_STATUS_DEVICE_FAILED</c>.</summary>
    DeviceFailed = 0xC001_0008,
    /// <summary><c>NDIS_STATUS_REQUEST_ABORTED</c> (not the same code as <see cref="SendAborted"/>).</summary>
    RequestAborted = 0xC001_000C,
    /// <summary><c>NDIS_STATUS_RESET_IN_PROGRESS</c>.</summary>
    ResetInProgress = 0xC001_000D,
    /// <summary><c>NDIS_STATUS_INVALID_PACKET</c>.</summary>
    InvalidPacket = 0xC001_000F,
    /// <summary><c>NDIS_STATUS_ADAPTER_NOT_READY</c>.</summary>
    AdapterNotReady = 0xC001_0011,
    /// <summary><c>NDIS_STATUS_INVALID_LENGTH</c>.</summary>
    InvalidLength = 0xC001_0014,
    /// <summary><c>NDIS_STATUS_INVALID_DATA</c>.</summary>
    InvalidData = 0xC001_0015,
    /// <summary><c>NDIS_STATUS_BUFFER_TOO_SHORT</c>.</summary>
    BufferTooShort = 0xC001_0016,
    /// <summary><c>NDIS_STATUS_INVALID_OID</c>.</summary>
    InvalidOid = 0xC001_0017,
    /// <summary><c>NDIS_STATUS_SEND_ABORTED</c> (<c>STATUS_NDIS_REQUEST_ABORTED</c>).</summary>
    SendAborted = 0xC023_000C,
    /// <summary><c>NDIS_STATUS_MEDIA_DISCONNECTED</c>.</summary>
    MediaDisconnected = 0xC023_001F,
    /// <summary><c>NDIS_STATUS_PAUSED</c>.</summary>
    Paused = 0xC023_002A,
    /// <summary><c>NDIS_STATUS_LOW_POWER_STATE</c>.</summary>
    LowPowerState = 0xC023_002F,
}

/// <summary>Names and classes of <see cref="NdisStatus"/> codes.</summary>
public static class NdisStatusExtensions
{
    /// <summary>The ndis.h name, e.g. <c>NDIS_STATUS_FAILURE</c>, or the hex code for values ndis.h does not name here.</summary>
    public static string ToNdisName(this NdisStatus status) => status switch
    {
        NdisStatus.Success => "NDIS_STATUS_SUCCESS",
        NdisStatus.Pending => "NDIS_STATUS_PENDING",
        NdisStatus.NotRecognized => "NDIS_STATUS_NOT_RECOGNIZED",
        NdisStatus.NotCopied => "NDIS_STATUS_NOT_COPIED",
        NdisStatus.NotAccepted => "NDIS_STATUS_NOT_ACCEPTED",
        NdisStatus.TaskOffloadCurrentConfig => "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG",
        NdisStatus.TaskOffloadHardwareCapabilities => "NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES",
        NdisStatus.OffloadEncapsulationChange => "NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE",
        NdisStatus.BufferOverflow => "NDIS_STATUS_BUFFER_OVERFLOW",
        NdisStatus.Failure => "NDIS_STATUS_FAILURE",
        NdisStatus.InvalidParameter => "NDIS_STATUS_INVALID_PARAMETER",
        NdisStatus.InvalidDeviceRequest => "NDIS_STATUS_INVALID_DEVICE_REQUEST",
        NdisStatus.Resources => "NDIS_STATUS_RESOURCES",
        NdisStatus.NotSupported => "NDIS_STATUS_NOT_SUPPORTED",
        NdisStatus.Closing => "NDIS_STATUS_CLOSING",
        NdisStatus.DeviceFailed => "NDIS_STATUS_DEVICE_FAILED",
        NdisStatus.RequestAborted => "NDIS_STATUS_REQUEST_ABORTED",
        NdisStatus.ResetInProgress => "NDIS_STATUS_RESET_IN_PROGRESS",
        NdisStatus.InvalidPacket => "NDIS_STATUS_INVALID_PACKET",
        NdisStatus.AdapterNotReady => "NDIS_STATUS_ADAPTER_NOT_READY",
        NdisStatus.InvalidLength => "NDIS_STATUS_INVALID_LENGTH",
        NdisStatus.InvalidData => "NDIS_STATUS_INVALID_DATA",
        NdisStatus.BufferTooShort => "NDIS_STATUS_BUFFER_TOO_SHORT",
        NdisStatus.InvalidOid => "NDIS_STATUS_INVALID_OID",
        NdisStatus.SendAborted => "NDIS_STATUS_SEND_ABORTED",
        NdisStatus.MediaDisconnected => "NDIS_STATUS_MEDIA_DISCONNECTED",
        NdisStatus.Paused => "NDIS_STATUS_PAUSED",
        NdisStatus.LowPowerState => "NDIS_STATUS_LOW_POWER_STATE",
        _ => $"0x{(uint)status:X8}",
    };

    /// <summary>True for the error severity (top two bits 11), as <c>NT_ERROR</c>.</summary>
    public static bool IsError(this NdisStatus status) => ((uint)status >> 30) == 3;

    /// <summary>
    /// True for the statuses <c>NdisMSendNetBufferListsComplete</c> accepts in <c>NET_BUFFER_LIST.Status</c>
    /// (spec digest SEND-21).
    /// </summary>
    public static bool IsValidSendCompletion(this NdisStatus status) => status is
        NdisStatus.Success or NdisStatus.InvalidLength or NdisStatus.Resources or NdisStatus.Paused
        or NdisStatus.SendAborted or NdisStatus.ResetInProgress or NdisStatus.Failure;
}
