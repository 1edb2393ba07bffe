/*
 * Layout check for the NDIS OOB and capability structures the C# codecs model.
 * Declarations are re-typed from the WDK/SDK headers (ndis.h, ntddndis.h; spec digest §2, §5)
 * with fixed-width types: ULONG must stay 32 bits under gcc's LP64, so it is `unsigned int` here.
 * No system headers are included, so `gcc -m32` works without 32-bit libc headers.
 * Offsets and sizes are _Static_asserts (compilation fails on a mismatch); bitfield positions are
 * checked by check.sh from the bytes of `vectors` in .data.
 */
typedef unsigned char  UCHAR;
typedef unsigned char  BOOLEAN;
typedef unsigned short USHORT;
typedef unsigned int   ULONG;
typedef void          *PVOID;
typedef void          *NDIS_HANDLE;

#define OFF(t, m) __builtin_offsetof(t, m)
#define PTR ((unsigned)sizeof(void *))

/* ---- OOB (NET_BUFFER_LIST info) ---- */
typedef struct {
    union {
        struct { NDIS_HANDLE OffloadHandle; } Transmit;
        struct { USHORT SaDeleteReq:1; USHORT CryptoDone:1; USHORT NextCryptoDone:1; USHORT Pad:13; USHORT CryptoStatus; } Receive;
    };
} V1_NBL;
typedef struct {
    union {
        struct { PVOID OffloadHandle; } Transmit;
        struct { ULONG SaDeleteReq:1; ULONG CryptoDone:1; ULONG NextCryptoDone:1; ULONG Reserved:13; ULONG CryptoStatus:16; } Receive;
    };
} V2_NBL;
typedef struct { struct { NDIS_HANDLE TunnelHandle; } Transmit; } V2_TUNNEL_NBL;
typedef struct {
    union {
        struct { ULONG NextHeader:8; ULONG PadLength:8; ULONG AhHeaderOffset:8; ULONG EspHeaderOffset:8; } Transmit;
        struct { ULONG NextHeader:8; ULONG PadLength:8; ULONG HeaderInfoSet:1; } Receive;
    };
} V2_HEADER_NBL;
typedef struct {
    union {
        struct { ULONG MSS:20; ULONG TcpHeaderOffset:10; ULONG Type:1; ULONG Reserved2:1; } LsoV1Transmit;
        struct { ULONG TcpPayload:30; ULONG Type:1; ULONG Reserved2:1; } LsoV1TransmitComplete;
        struct { ULONG MSS:20; ULONG TcpHeaderOffset:10; ULONG Type:1; ULONG IPVersion:1; } LsoV2Transmit;
        struct { ULONG Reserved:30; ULONG Type:1; ULONG Reserved2:1; } LsoV2TransmitComplete;
        PVOID Value;
    };
} LSO_NBL;
typedef struct {
    union {
        struct { ULONG IsIPv4:1; ULONG IsIPv6:1; ULONG TcpChecksum:1; ULONG UdpChecksum:1; ULONG IpHeaderChecksum:1;
                 ULONG Reserved:11; ULONG TcpHeaderOffset:10; } Transmit;
        struct { ULONG TcpChecksumFailed:1; ULONG UdpChecksumFailed:1; ULONG IpChecksumFailed:1; ULONG TcpChecksumSucceeded:1;
                 ULONG UdpChecksumSucceeded:1; ULONG IpChecksumSucceeded:1; ULONG Loopback:1; ULONG TcpChecksumValueInvalid:1;
                 ULONG IpChecksumValueInvalid:1; } Receive;
        PVOID Value;
    };
} CSUM_NBL;

_Static_assert(sizeof(V1_NBL) == PTR && sizeof(V2_NBL) == PTR && sizeof(V2_TUNNEL_NBL) == PTR, "handle OOB = pointer");
_Static_assert(sizeof(V2_HEADER_NBL) == 4, "header OOB 4 on both ABIs");
_Static_assert(sizeof(LSO_NBL) == PTR && sizeof(CSUM_NBL) == PTR, "LSO/checksum OOB = pointer (PVOID Value)");
_Static_assert(OFF(V1_NBL, Receive.CryptoStatus) == 2, "V1 Receive.CryptoStatus at byte 2");

/* ---- capabilities (ntddndis.h) ---- */
typedef struct { UCHAR Type; UCHAR Revision; USHORT Size; } NDIS_OBJECT_HEADER;
typedef struct {
    struct { ULONG Encapsulation; ULONG IpOptionsSupported:2; ULONG TcpOptionsSupported:2; ULONG TcpChecksum:2; ULONG UdpChecksum:2; ULONG IpChecksum:2; } IPv4Transmit;
    struct { ULONG Encapsulation; ULONG IpOptionsSupported:2; ULONG TcpOptionsSupported:2; ULONG TcpChecksum:2; ULONG UdpChecksum:2; ULONG IpChecksum:2; } IPv4Receive;
    struct { ULONG Encapsulation; ULONG IpExtensionHeadersSupported:2; ULONG TcpOptionsSupported:2; ULONG TcpChecksum:2; ULONG UdpChecksum:2; } IPv6Transmit;
    struct { ULONG Encapsulation; ULONG IpExtensionHeadersSupported:2; ULONG TcpOptionsSupported:2; ULONG TcpChecksum:2; ULONG UdpChecksum:2; } IPv6Receive;
} NDIS_TCP_IP_CHECKSUM_OFFLOAD;
typedef struct {
    struct { ULONG Encapsulation; ULONG MaxOffLoadSize; ULONG MinSegmentCount; ULONG TcpOptions:2; ULONG IpOptions:2; } IPv4;
} NDIS_TCP_LARGE_SEND_OFFLOAD_V1;
typedef struct {
    struct { ULONG Encapsulation; ULONG AhEspCombined; ULONG TransportTunnelCombined; ULONG IPv4Options; ULONG Flags; } Supported;
    struct { ULONG Md5:2; ULONG Sha_1:2; ULONG Transport:2; ULONG Tunnel:2; ULONG Send:2; ULONG Receive:2; } IPv4AH;
    struct { ULONG Des:2; ULONG Reserved:2; ULONG TripleDes:2; ULONG NullEsp:2; ULONG Transport:2; ULONG Tunnel:2; ULONG Send:2; ULONG Receive:2; } IPv4ESP;
} NDIS_IPSEC_OFFLOAD_V1;
typedef struct {
    struct { ULONG Encapsulation; ULONG MaxOffLoadSize; ULONG MinSegmentCount; } IPv4;
    struct { ULONG Encapsulation; ULONG MaxOffLoadSize; ULONG MinSegmentCount; ULONG IpExtensionHeadersSupported:2; ULONG TcpOptionsSupported:2; } IPv6;
} NDIS_TCP_LARGE_SEND_OFFLOAD_V2;
typedef struct {
    ULONG Encapsulation;
    BOOLEAN IPv6Supported, IPv4Options, IPv6NonIPsecExtensionHeaders, Ah, Esp, AhEspCombined, Transport, Tunnel,
            TransportTunnelCombined, LsoSupported, ExtendedSequenceNumbers;
    ULONG UdpEsp; ULONG AuthenticationAlgorithms; ULONG EncryptionAlgorithms; ULONG SaOffloadCapacity;
} NDIS_IPSEC_OFFLOAD_V2;
typedef struct {
    NDIS_OBJECT_HEADER Header;
    NDIS_TCP_IP_CHECKSUM_OFFLOAD Checksum;
    NDIS_TCP_LARGE_SEND_OFFLOAD_V1 LsoV1;
    NDIS_IPSEC_OFFLOAD_V1 IPsecV1;
    NDIS_TCP_LARGE_SEND_OFFLOAD_V2 LsoV2;
    ULONG Flags;
    NDIS_IPSEC_OFFLOAD_V2 IPsecV2;
} NDIS_OFFLOAD; /* through revision 2 */

#define THROUGH(t, m) (OFF(t, m) + sizeof(((t *)0)->m))

_Static_assert(sizeof(NDIS_OBJECT_HEADER) == 4, "header");
_Static_assert(sizeof(NDIS_TCP_IP_CHECKSUM_OFFLOAD) == 32, "checksum");
_Static_assert(OFF(NDIS_TCP_IP_CHECKSUM_OFFLOAD, IPv4Receive) == 8 && OFF(NDIS_TCP_IP_CHECKSUM_OFFLOAD, IPv6Transmit) == 16
               && OFF(NDIS_TCP_IP_CHECKSUM_OFFLOAD, IPv6Receive) == 24, "checksum members");
_Static_assert(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_V1) == 16, "lso v1");
_Static_assert(OFF(NDIS_TCP_LARGE_SEND_OFFLOAD_V1, IPv4.MaxOffLoadSize) == 4 && OFF(NDIS_TCP_LARGE_SEND_OFFLOAD_V1, IPv4.MinSegmentCount) == 8, "lso v1 members");
_Static_assert(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_V2) == 28, "lso v2");
_Static_assert(OFF(NDIS_TCP_LARGE_SEND_OFFLOAD_V2, IPv6) == 12 && OFF(NDIS_TCP_LARGE_SEND_OFFLOAD_V2, IPv6.MaxOffLoadSize) == 16
               && OFF(NDIS_TCP_LARGE_SEND_OFFLOAD_V2, IPv6.MinSegmentCount) == 20, "lso v2 members");
_Static_assert(sizeof(NDIS_IPSEC_OFFLOAD_V1) == 28, "ipsec v1 = 28 (§5.2)");
_Static_assert(OFF(NDIS_IPSEC_OFFLOAD_V1, Supported.AhEspCombined) == 4 && OFF(NDIS_IPSEC_OFFLOAD_V1, Supported.TransportTunnelCombined) == 8
               && OFF(NDIS_IPSEC_OFFLOAD_V1, Supported.IPv4Options) == 12 && OFF(NDIS_IPSEC_OFFLOAD_V1, Supported.Flags) == 16
               && OFF(NDIS_IPSEC_OFFLOAD_V1, IPv4AH) == 20 && OFF(NDIS_IPSEC_OFFLOAD_V1, IPv4ESP) == 24, "ipsec v1 members");
_Static_assert(sizeof(NDIS_IPSEC_OFFLOAD_V2) == 32, "ipsec v2 = 32 (§5.3)");
_Static_assert(OFF(NDIS_IPSEC_OFFLOAD_V2, IPv6Supported) == 4 && OFF(NDIS_IPSEC_OFFLOAD_V2, IPv4Options) == 5
               && OFF(NDIS_IPSEC_OFFLOAD_V2, IPv6NonIPsecExtensionHeaders) == 6 && OFF(NDIS_IPSEC_OFFLOAD_V2, Ah) == 7
               && OFF(NDIS_IPSEC_OFFLOAD_V2, Esp) == 8 && OFF(NDIS_IPSEC_OFFLOAD_V2, AhEspCombined) == 9
               && OFF(NDIS_IPSEC_OFFLOAD_V2, Transport) == 10 && OFF(NDIS_IPSEC_OFFLOAD_V2, Tunnel) == 11
               && OFF(NDIS_IPSEC_OFFLOAD_V2, TransportTunnelCombined) == 12 && OFF(NDIS_IPSEC_OFFLOAD_V2, LsoSupported) == 13
               && OFF(NDIS_IPSEC_OFFLOAD_V2, ExtendedSequenceNumbers) == 14 && OFF(NDIS_IPSEC_OFFLOAD_V2, UdpEsp) == 16
               && OFF(NDIS_IPSEC_OFFLOAD_V2, AuthenticationAlgorithms) == 20 && OFF(NDIS_IPSEC_OFFLOAD_V2, EncryptionAlgorithms) == 24
               && OFF(NDIS_IPSEC_OFFLOAD_V2, SaOffloadCapacity) == 28, "ipsec v2 members");
_Static_assert(OFF(NDIS_OFFLOAD, Checksum) == 4 && OFF(NDIS_OFFLOAD, LsoV1) == 36 && OFF(NDIS_OFFLOAD, IPsecV1) == 52
               && OFF(NDIS_OFFLOAD, LsoV2) == 80 && OFF(NDIS_OFFLOAD, Flags) == 108 && OFF(NDIS_OFFLOAD, IPsecV2) == 112, "NDIS_OFFLOAD members");
_Static_assert(THROUGH(NDIS_OFFLOAD, Flags) == 112, "NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1");
_Static_assert(THROUGH(NDIS_OFFLOAD, IPsecV2) == 144, "NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2");

/* ---- bitfield vectors (check.sh compares the bytes of `vectors` in .data) ----
 * Pointer-sized OOB unions come first: 4 bytes on x86; 8 on x64, where check.sh expects the low
 * dword followed by 4 zero bytes. Then the 4-byte header OOB and NDIS_IPSEC_OFFLOAD_V1.
 * Expected low dwords: digest §2.3 0x00070007 (v1 and v2 Receive), §2.6 0xC36005B4, 0x40000001,
 * §2.7 0x00220005, §2.5 0x44332211, 0x00010000; IPv4AH 0x00000939 and IPv4ESP 0x00007939 here. */
struct vector_set {
    V1_NBL v1Receive; V2_NBL v2Receive; LSO_NBL lsoV2Transmit; LSO_NBL lsoV1Complete; CSUM_NBL checksumTransmit;
    V2_HEADER_NBL headerTransmit; V2_HEADER_NBL headerReceive; NDIS_IPSEC_OFFLOAD_V1 cap1;
};

struct vector_set vectors = {
    .v1Receive = { .Receive = { .SaDeleteReq = 1, .CryptoDone = 1, .NextCryptoDone = 1, .CryptoStatus = 7 } },
    .v2Receive = { .Receive = { .SaDeleteReq = 1, .CryptoDone = 1, .NextCryptoDone = 1, .CryptoStatus = 7 } },
    .lsoV2Transmit = { .LsoV2Transmit = { .MSS = 1460, .TcpHeaderOffset = 54, .Type = 1, .IPVersion = 1 } },
    .lsoV1Complete = { .LsoV1TransmitComplete = { .TcpPayload = 1, .Type = 1 } },
    .checksumTransmit = { .Transmit = { .IsIPv4 = 1, .TcpChecksum = 1, .TcpHeaderOffset = 34 } },
    .headerTransmit = { .Transmit = { .NextHeader = 0x11, .PadLength = 0x22, .AhHeaderOffset = 0x33, .EspHeaderOffset = 0x44 } },
    .headerReceive = { .Receive = { .HeaderInfoSet = 1 } },
    .cap1 = {
        .IPv4AH = { .Md5 = 1, .Sha_1 = 2, .Transport = 3, .Tunnel = 0, .Send = 1, .Receive = 2 },
        .IPv4ESP = { .Des = 1, .Reserved = 2, .TripleDes = 3, .NullEsp = 0, .Transport = 1, .Tunnel = 2, .Send = 3, .Receive = 1 } },
};
