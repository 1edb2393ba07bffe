using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Capabilities;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Sa;

/// <summary>Capabilities, SA builders and a recording crypto backend for the SA handler tests.</summary>
internal static class SaTestKit
{
    public const uint Spi1 = 0x8F1E_2D3C;
    public const uint Spi2 = 0xA1B2_C3D4;

    public static NdisIPsecOffloadV2 FullV2(uint capacity = 64) => new()
    {
        Encapsulation = NdisEncapsulation.Ieee8023,
        IPv6Supported = true,
        Ah = true,
        Esp = true,
        AhEspCombined = true,
        Transport = true,
        Tunnel = true,
        ExtendedSequenceNumbers = true,
        UdpEsp = (IPsecV2UdpEspEncapsulation)0xF,
        AuthenticationAlgorithms = (IPsecV2Authentication)0x3F,
        EncryptionAlgorithms = (IPsecV2Encryption)0x1FF,
        SaOffloadCapacity = capacity,
    };

    public static NdisIPsecOffloadV1 FullV1() => new()
    {
        Supported = new IPsecV1Supported
        {
            Encapsulation = NdisEncapsulation.Ieee8023,
            AhEspCombined = 1,
            Flags = (IPsecV1UdpEspEncapsulationTypes)0xFF,
        },
        IPv4Ah = new IPsecV1AhCapabilities { Md5 = 1, Sha1 = 1, Transport = 1, Tunnel = 1, Send = 1, Receive = 1 },
        IPv4Esp = new IPsecV1EspCapabilities { Des = 1, TripleDes = 1, NullEsp = 1, Transport = 1, Tunnel = 1, Send = 1, Receive = 1 },
    };

    public static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>ESP AES-CBC-128 (key at 0) + HMAC-SHA1 (key at 16): 36 key bytes.</summary>
    public static IPsecV2SecurityAssociation EspCbcSha1(uint spi = Spi1, IPsecV2SaFlags flags = IPsecV2SaFlags.None, uint high = 0) => new(
        flags, IPsecV2Operation.Esp, spi,
        IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha1, 20, 16),
        IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.AesCbc128, 16, 0), high);

    /// <summary>ESP AES-GCM-128 (key ‖ salt at 0, ICV 16 bytes): 20 key bytes.</summary>
    public static IPsecV2SecurityAssociation EspGcm128(uint spi = Spi1, IPsecV2SaFlags flags = IPsecV2SaFlags.None, uint icv = 16, uint keyLength = 20) => new(
        flags, IPsecV2Operation.Esp, spi, default, IPsecV2AlgorithmInfo.ForEncryption(IPsecV2Encryption.AesGcm128, keyLength, 0, icv), 0);

    /// <summary>AH HMAC-SHA-256 with its key at <paramref name="keyOffset"/>.</summary>
    public static IPsecV2SecurityAssociation AhSha256(uint spi = Spi2, uint keyOffset = 36) => new(
        IPsecV2SaFlags.None, IPsecV2Operation.Ah, spi,
        IPsecV2AlgorithmInfo.ForAuthentication(IPsecV2Authentication.Sha256, 32, keyOffset), default, 0);

    public static IPsecV2AddSa AddSa(byte[] keys, params IPsecV2SecurityAssociation[] sas) =>
        AddSa(IPsecV2AddSaFlags.None, keys, sas);

    public static IPsecV2AddSa AddSa(IPsecV2AddSaFlags flags, byte[] keys, params IPsecV2SecurityAssociation[] sas) => new(
        flags,
        (flags & IPsecV2AddSaFlags.IPv6) != 0
            ? IPsecV2Endpoints.IPv6(Enumerable.Range(0x20, 16).Select(i => (byte)i).ToArray(), Enumerable.Range(0x40, 16).Select(i => (byte)i).ToArray())
            : IPsecV2Endpoints.IPv4(0xC000_0201, 0xC633_6402),
        0, IPsecV2UdpEspEncapsulation.None, sas, keys);

    public static IPsecV2AddSaEx AddSaEx(byte[] keys, params IPsecV2SecurityAssociation[] sas) => new(
        IPsecV2AddSaFlags.None, IPsecV2Endpoints.IPv4(0xC000_0201, 0xC633_6402), 0, IPsecV2UdpEspEncapsulation.None, sas, keys);

    public static SaOidHandler V2Handler(NdisAbi abi, NdisIPsecOffloadV2? caps = null, OffloadProfile? profile = null, ICryptoBackend? backend = null) =>
        new(abi, caps ?? FullV2(), null, profile, backend);

    public static SaOidHandler V1Handler(NdisAbi abi, NdisIPsecOffloadV1? caps = null, OffloadProfile? profile = null, ICryptoBackend? backend = null,
        uint? capacity = null) =>
        new(abi, null, caps ?? FullV1(), profile, backend, capacity);

    /// <summary>Adds one v2 SA element and returns its handle (0 when it failed).</summary>
    public static ulong AddV2(SaOidHandler handler, NdisAbi abi, IPsecV2AddSa sa)
    {
        OidResult result = handler.Handle(OidRequest.V2AddSa([sa], abi));
        return IPsecV2Codec.ReadAddSaOffloadHandles(result.InformationBuffer, abi).GetValueOrThrow()[0];
    }

    /// <summary>Encrypts one zero block with a cipher and returns the ciphertext.</summary>
    public static byte[] EncryptBlock(ICipherTransform cipher)
    {
        byte[] data = new byte[cipher.BlockSize * 2];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(0xA5 ^ i);
        }

        cipher.Encrypt(new byte[cipher.IvLength], data);
        return data;
    }

    /// <summary>The ICV of a fixed message.</summary>
    public static byte[] Mac(IIntegrityTransform integrity)
    {
        integrity.Start(new byte[integrity.IvLength]);
        integrity.Append("0123456789abcdef"u8);
        byte[] icv = new byte[integrity.IcvLength];
        integrity.Finish(icv);
        return icv;
    }

    public static Random Seeded(int salt) => TestSeeds.Create(salt);
}

/// <summary>Wraps a backend; records every transform it creates and whether it was disposed; can be told to refuse.</summary>
internal sealed class RecordingBackend(ICryptoBackend inner) : ICryptoBackend
{
    private readonly Lock _lock = new();
    private readonly List<RecordingTransform> _created = [];

    public bool Refuse { get; set; }

    public string Name => $"recording {inner.Name}";

    public IReadOnlyList<RecordingTransform> Created
    {
        get
        {
            lock (_lock)
            {
                return [.. _created];
            }
        }
    }

    public ICipherTransform CreateCipher(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key) =>
        Record(new RecordingCipher(Check(inner.CreateCipher(algorithm, key))));

    public IAeadTransform CreateAead(CryptoAlgorithm algorithm, ReadOnlySpan<byte> keyMaterial, int icvLength) =>
        Record(new RecordingAead(Check(inner.CreateAead(algorithm, keyMaterial, icvLength))));

    public IIntegrityTransform CreateIntegrity(CryptoAlgorithm algorithm, ReadOnlySpan<byte> key) =>
        Record(new RecordingIntegrity(Check(inner.CreateIntegrity(algorithm, key))));

    private T Check<T>(T transform) where T : IDisposable
    {
        if (Refuse)
        {
            transform.Dispose();
            throw new ArgumentException("test backend refuses every key");
        }

        return transform;
    }

    private T Record<T>(T transform) where T : RecordingTransform
    {
        lock (_lock)
        {
            _created.Add(transform);
        }

        return transform;
    }
}

internal abstract class RecordingTransform(IPacketTransform inner) : IPacketTransform
{
    public bool Disposed { get; private set; }

    public CryptoAlgorithm Algorithm => inner.Algorithm;

    public string Implementation => inner.Implementation;

    public void Dispose()
    {
        Disposed = true;
        inner.Dispose();
    }
}

internal sealed class RecordingCipher(ICipherTransform inner) : RecordingTransform(inner), ICipherTransform
{
    public int IvLength => inner.IvLength;

    public int BlockSize => inner.BlockSize;

    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data) => inner.Encrypt(iv, data);

    public void Decrypt(ReadOnlySpan<byte> iv, Span<byte> data) => inner.Decrypt(iv, data);
}

internal sealed class RecordingAead(IAeadTransform inner) : RecordingTransform(inner), IAeadTransform
{
    public int IvLength => inner.IvLength;

    public int IcvLength => inner.IcvLength;

    public void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> icv) =>
        inner.Encrypt(iv, associatedData, data, icv);

    public bool TryDecrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> icv) =>
        inner.TryDecrypt(iv, associatedData, data, icv);
}

internal sealed class RecordingIntegrity(IIntegrityTransform inner) : RecordingTransform(inner), IIntegrityTransform
{
    public int IvLength => inner.IvLength;

    public int IcvLength => inner.IcvLength;

    public void Start(ReadOnlySpan<byte> iv) => inner.Start(iv);

    public void Append(ReadOnlySpan<byte> data) => inner.Append(data);

    public void Finish(Span<byte> icv) => inner.Finish(icv);

    public bool FinishAndVerify(ReadOnlySpan<byte> icv) => inner.FinishAndVerify(icv);
}
