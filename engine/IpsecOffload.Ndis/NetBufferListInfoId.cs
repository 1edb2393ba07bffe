namespace IpsecOffload.Ndis;

/// <summary>
/// <c>NDIS_NET_BUFFER_LIST_INFO</c> slot indices (ndis.h / nblinfo.h; spec digest §2.1). Indices
/// 0–17 are the same on x86 and x64; the IPsec send path uses only 0, 1, 2, 11 and 12.
/// </summary>
public enum NetBufferListInfoId
{
    /// <summary><c>TcpIpChecksumNetBufferListInfo</c> (= <c>TcpOffloadBytesTransferred</c>).</summary>
    TcpIpChecksum = 0,
    /// <summary><c>IPsecOffloadV1NetBufferListInfo</c> = <c>IPsecOffloadV2NetBufferListInfo</c>.</summary>
    IPsecOffload = 1,
    /// <summary><c>TcpLargeSendNetBufferListInfo</c> (= <c>TcpReceiveNoPush</c>).</summary>
    TcpLargeSend = 2,
    /// <summary><c>ClassificationHandleNetBufferListInfo</c>.</summary>
    ClassificationHandle = 3,
    /// <summary><c>Ieee8021QNetBufferListInfo</c>.</summary>
    Ieee8021Q = 4,
    /// <summary><c>NetBufferListCancelId</c>.</summary>
    CancelId = 5,
    /// <summary><c>MediaSpecificInformation</c>.</summary>
    MediaSpecificInformation = 6,
    /// <summary><c>NetBufferListFrameType</c> (= <c>NetBufferListProtocolId</c>).</summary>
    FrameType = 7,
    /// <summary><c>NetBufferListHashValue</c>.</summary>
    HashValue = 8,
    /// <summary><c>NetBufferListHashInfo</c>.</summary>
    HashInfo = 9,
    /// <summary><c>WfpNetBufferListInfo</c>.</summary>
    Wfp = 10,
    /// <summary><c>IPsecOffloadV2TunnelNetBufferListInfo</c>.</summary>
    IPsecOffloadV2Tunnel = 11,
    /// <summary><c>IPsecOffloadV2HeaderNetBufferListInfo</c>.</summary>
    IPsecOffloadV2Header = 12,
    /// <summary><c>NetBufferListCorrelationId</c>.</summary>
    CorrelationId = 13,
    /// <summary><c>NetBufferListFilteringInfo</c>.</summary>
    FilteringInfo = 14,
    /// <summary><c>MediaSpecificInformationEx</c>.</summary>
    MediaSpecificInformationEx = 15,
    /// <summary><c>NblOriginalInterfaceIfIndex</c>.</summary>
    OriginalInterfaceIfIndex = 16,
    /// <summary><c>TcpReceiveBytesTransferred</c>.</summary>
    TcpReceiveBytesTransferred = 17,
}
