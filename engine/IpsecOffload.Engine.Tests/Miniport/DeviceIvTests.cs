using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Profile;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Transport;
using IpsecOffload.Ndis;
using IpsecOffload.Ndis.Miniport;
using IpsecOffload.Testing;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace IpsecOffload.Engine.Tests.Miniport;

/// <summary>
/// AMB-01 / ESP-06: under the profile's <c>EspIv = Device</c> the reference miniport writes the IV of
/// every ESP SA it applies on a non-LSO send. The transport frames every packet with an all-zero IV;
/// the IVs on the wire must be pairwise distinct, equal the documented derivation (GCM/GMAC: the
/// 64-bit SN; CBC: E_K(0…0 ‖ SN); docs/decisions/amb-01-esp-iv.md) — computed here independently
/// with raw BouncyCastle block ciphers and an explicit big-endian write, never through the engine —
/// and the packets must verify and decrypt with BouncyCastle using the IV found on the wire.
/// </summary>
public sealed class DeviceIvTests
{
    private const int Packets = 32, Ethernet = TransportSimulator.EthernetHeaderLength, SpiSnLength = 8, SnLength = 4;

    private static readonly OffloadProfile Device = OffloadProfile.Default with { EspIv = EspIvSource.Device };

    /// <summary>One ESP algorithm family of v2, with or without ESN.</summary>
    public sealed record Family(string Name, CryptoAlgorithm Cipher, CryptoAlgorithm? Mac, int IcvLength, bool Esn)
    {
        public SaSpec Sa(Random random)
        {
            SaSpec sa = SendKit.Esp(random, Cipher, Mac ?? CryptoAlgorithm.HmacSha1, Esn, Esn ? SendKit.Spi(random) : 0);
            return Mac is null
                ? sa with { Integrity = null, IntegrityKey = [], IcvLength = IcvLength }
                : sa;
        }

        public override string ToString() => Name;
    }

    private static readonly Family[] Families =
    [
        new("AesCbc128HmacSha1", CryptoAlgorithm.AesCbc128, CryptoAlgorithm.HmacSha1, 12, Esn: false),
        new("AesCbc256HmacSha256Esn", CryptoAlgorithm.AesCbc256, CryptoAlgorithm.HmacSha256, 16, Esn: true),
        new("TripleDesCbcHmacSha1", CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacSha1, 12, Esn: false),
        new("TripleDesCbcHmacMd5Esn", CryptoAlgorithm.TripleDesCbc, CryptoAlgorithm.HmacMd5, 12, Esn: true),
        new("AesGcm128Icv16", CryptoAlgorithm.AesGcm128, null, 16, Esn: false),
        new("AesGcm256Icv8Esn", CryptoAlgorithm.AesGcm256, null, 8, Esn: true),
        new("AesGmac128", CryptoAlgorithm.EspNull, CryptoAlgorithm.AesGmac128, 16, Esn: false),
        new("AesGmac256Esn", CryptoAlgorithm.EspNull, CryptoAlgorithm.AesGmac256, 16, Esn: true),
    ];

    private static IEnumerable<TestCaseData> FamilyModes() =>
        from family in Families.Select((f, i) => (f, i))
        from tunnel in new[] { false, true }
        select new TestCaseData(family.f, tunnel, 9_100 + (family.i * 2) + (tunnel ? 1 : 0))
            .SetArgDisplayNames(family.f.Name, tunnel ? "Tunnel" : "Transport");

    // ------------------------------------------------------------------ ESP-06, every v2 family, transport and tunnel

    [Category("Requirement:ESP-06")]
    [TestCaseSource(nameof(FamilyModes))]
    public void Esp06_DeviceProfile_32PacketsFramedWithZeroIv_LeaveWithDistinctDerivedIvsAndDecrypt(Family family, bool tunnel, int salt)
    {
        Random random = TestSeeds.Create(salt);
        using var rig = new SendRig(NdisAbi.X64, Device);
        SaSpec sa = family.Sa(random);
        TunnelHeader? outer = tunnel ? TunnelHeader.IPv6(SendKit.Bytes(random, 16), SendKit.Bytes(random, 16), hopLimit: 0x3f) : null;
        ulong handle = rig.Add(SaApi.V2, BundleSpec.Of(sa, ipv6: tunnel));
        ulong first = FirstSequence(random, sa);
        byte[] zeroIv = new byte[sa.IvLength];
        int payload = random.Next(0, 200); // one length: the NBs of an NBL share the OOB PadLength (SEND-32)
        FramedPacket[] packets = [.. Enumerable.Range(0, Packets).Select(i => TransportSimulator.Frame(
            tunnel ? SendKit.Udp6(random, payload) : SendKit.Udp4(random, payload),
            [TransportSimulator.Framing(sa, first + (ulong)i, zeroIv, outer)]))];

        // One single-NB NBL, then two multi-NB NBLs: both send paths of the miniport.
        int[] cuts = [0, 1, 16, Packets];
        NetBufferList[] nbls = [.. Enumerable.Range(0, cuts.Length - 1)
            .Select(n => rig.Nbl(SaApi.V2, packets[cuts[n]..cuts[n + 1]], handle, name: $"device-iv-{n}"))];
        rig.Send(nbls);
        byte[][] frames = [.. nbls.SelectMany(rig.AssertSucceeded)];

        Assert.That(frames, Has.Length.EqualTo(Packets), "one frame per NET_BUFFER");
        var ivs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Packets; i++)
        {
            string what = $"{family.Name} packet {i} (SN 0x{first + (ulong)i:x16})";
            FramedHeader header = packets[i].Headers.Single();
            byte[] expectedIv = ExpectedIv(sa, first + (ulong)i);
            HexAssert.AreEqual(expectedIv, frames[i].AsSpan(Ethernet + header.IvOffset, header.IvLength), $"{what}: IV on the wire");
            Assert.That(ivs.Add(Convert.ToHexString(expectedIv)), Is.True, $"{what}: IV repeats on the SA");
            DeviceIvOracle.AssertProtected(packets[i], [sa], frames[i], what);
        }
    }

    // ------------------------------------------------------------------ nested and bundled SAs

    [Category("Requirement:ESP-06")]
    [Category("Requirement:SEND-06")]
    [Test]
    public void Esp06_DeviceProfile_TransportOverTunnel_BothEspSasGetTheirOwnDerivedIv()
    {
        Random random = TestSeeds.Create(9_150);
        using var rig = new SendRig(NdisAbi.X64, Device);
        SaSpec inner = Families[5].Sa(random); // AES-GCM-256, ICV 8, ESN
        SaSpec outer = Families[2].Sa(random); // 3DES + HMAC-SHA1
        ulong transportHandle = rig.Add(SaApi.V2, BundleSpec.Of(inner));
        ulong tunnelHandle = rig.Add(SaApi.V2, BundleSpec.Of(outer));
        TunnelHeader header = TunnelHeader.IPv4(BinaryPrimitives.ReadUInt32BigEndian(SendKit.Bytes(random, 4)),
            BinaryPrimitives.ReadUInt32BigEndian(SendKit.Bytes(random, 4)), ttl: 0x3f);
        ulong innerFirst = FirstSequence(random, inner), outerFirst = FirstSequence(random, outer);
        FramedPacket[] packets = [.. Enumerable.Range(0, 4).Select(i => TransportSimulator.Frame(SendKit.Udp4(random, 97),
            [TransportSimulator.Framing(inner, innerFirst + (ulong)i, new byte[inner.IvLength])],
            [TransportSimulator.Framing(outer, outerFirst + (ulong)i, new byte[outer.IvLength], header)]))];
        NetBufferList nbl = rig.Nbl(SaApi.V2, packets, transportHandle, tunnelHandle, name: "transport-over-tunnel");

        rig.Send(nbl);
        IReadOnlyList<byte[]> frames = rig.AssertSucceeded(nbl);

        for (int i = 0; i < packets.Length; i++)
        {
            DeviceIvOracle.AssertProtected(packets[i], [inner, outer], frames[i], $"packet {i}",
                (sa, _) => ExpectedIv(sa, sa == inner ? innerFirst + (ulong)i : outerFirst + (ulong)i));
        }
    }

    [Category("Requirement:ESP-06")]
    [Category("Requirement:SEND-11")]
    [Test]
    public void Esp06_DeviceProfile_EspThenAhBundle_AhIcvCoversTheDeviceIv()
    {
        Random random = TestSeeds.Create(9_151);
        using var rig = new SendRig(NdisAbi.X64, Device);
        SaSpec esp = Families[0].Sa(random);
        SaSpec ah = SendKit.Ah(random, CryptoAlgorithm.HmacSha256);
        ulong handle = rig.Add(SaApi.V2, new BundleSpec { Sas = [esp, ah] });
        ulong first = SendKit.Sequence(random);
        byte[][] plains = [.. Enumerable.Range(0, 3).Select(i => SendKit.Udp4(random, 55))];
        FramedPacket[] packets = [.. plains.Select((p, i) => TransportSimulator.Frame(p,
            [TransportSimulator.Framing(esp, first + (ulong)i, new byte[esp.IvLength]), TransportSimulator.Framing(ah, first + (ulong)i, ReadOnlyMemory<byte>.Empty)]))];
        NetBufferList nbl = rig.Nbl(SaApi.V2, packets, handle, name: "esp-then-ah");

        rig.Send(nbl);
        IReadOnlyList<byte[]> frames = rig.AssertSucceeded(nbl);

        for (int i = 0; i < packets.Length; i++)
        {
            // The transport's framing of the same packet with the expected IV, judged by the CBC/HMAC/AH oracle.
            FramedPacket expected = TransportSimulator.Frame(plains[i],
                [TransportSimulator.Framing(esp, first + (ulong)i, ExpectedIv(esp, first + (ulong)i)), TransportSimulator.Framing(ah, first + (ulong)i, ReadOnlyMemory<byte>.Empty)]);
            WireOracle.AssertProtected(expected, [esp, ah], frames[i], $"packet {i}");
        }
    }

    [Category("Requirement:ESP-06")]
    [Category("Requirement:SEND-26")]
    [Test]
    public void Send26_DeviceProfile_V1DesSa_IvsAreTheDesOfTheSequenceNumberAndDistinct()
    {
        Random random = TestSeeds.Create(9_152);
        using var rig = new SendRig(NdisAbi.X86, Device);
        SaSpec sa = SendKit.Esp(random, CryptoAlgorithm.DesCbc, CryptoAlgorithm.HmacMd5);
        ulong handle = rig.Add(SaApi.V1, BundleSpec.Of(sa));
        ulong first = SendKit.Sequence(random);
        byte[][] plains = [.. Enumerable.Range(0, 8).Select(i => SendKit.Udp4(random, 3 + (i * 11)))];
        FramedPacket[] packets = [.. plains.Select((p, i) => TransportSimulator.Frame(p, [TransportSimulator.Framing(sa, first + (ulong)i, new byte[8])]))];
        NetBufferList nbl = rig.Nbl(SaApi.V1, packets, handle, name: "v1-des");

        rig.Send(nbl);
        IReadOnlyList<byte[]> frames = rig.AssertSucceeded(nbl);

        var ivs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < packets.Length; i++)
        {
            byte[] expectedIv = ExpectedIv(sa, first + (ulong)i);
            Assert.That(ivs.Add(Convert.ToHexString(expectedIv)) && expectedIv.Any(b => b != 0), Is.True, $"packet {i}: DES IV {Convert.ToHexString(expectedIv)} is new and non-zero");
            FramedPacket expected = TransportSimulator.Frame(plains[i], [TransportSimulator.Framing(sa, first + (ulong)i, expectedIv)]);
            WireOracle.AssertProtected(expected, [sa], frames[i], $"packet {i}");
        }
    }

    // ------------------------------------------------------------------ what does not change

    [Category("Requirement:ESP-06")]
    [TestCase(EspIvSource.Transport, TestName = "Amb01_TransportProfile_ZeroIvFramedByTheTransport_StaysOnTheWire")]
    [TestCase(EspIvSource.Device, TestName = "Amb01_DeviceProfile_EspNullHmacSa_FrameIsTheSameAsUnderTransport")]
    public void Amb01_IvOnTheWire(EspIvSource source)
    {
        Random random = TestSeeds.Create(9_153);
        SaSpec sa = source == EspIvSource.Transport
            ? Families[4].Sa(random) // AES-GCM-128: an IV the device profile would replace
            : SendKit.Esp(random, CryptoAlgorithm.EspNull, CryptoAlgorithm.HmacSha256);
        ulong sequence = SendKit.Sequence(random);
        FramedPacket framed = TransportSimulator.Frame(SendKit.Udp4(random, 40), [TransportSimulator.Framing(sa, sequence, new byte[sa.IvLength])]);

        byte[] Send(OffloadProfile profile)
        {
            using var rig = new SendRig(NdisAbi.X64, profile);
            NetBufferList nbl = rig.Nbl(SaApi.V2, framed, rig.Add(SaApi.V2, BundleSpec.Of(sa)), name: profile.EspIv.ToString());
            rig.Send(nbl);
            return rig.AssertSucceeded(nbl).Single();
        }

        byte[] wire = Send(OffloadProfile.Default with { EspIv = source });
        FramedHeader header = framed.Headers.Single();
        if (source == EspIvSource.Transport)
        {
            HexAssert.AreEqual(new byte[header.IvLength], wire.AsSpan(Ethernet + header.IvOffset, header.IvLength), "IV kept as the transport placed it");
            DeviceIvOracle.AssertProtected(framed, [sa], wire, "transport profile", (_, _) => new byte[header.IvLength]);
        }
        else
        {
            HexAssert.AreEqual(Send(OffloadProfile.Default), wire, "ESP-NULL has no IV: Device and Transport frames agree");
        }
    }

    // ------------------------------------------------------------------ independent expectations

    /// <summary>A first sequence number leaving room for 32 packets: full-range low half; with ESN the SA's high half above it.</summary>
    private static ulong FirstSequence(Random random, SaSpec sa)
    {
        ulong low = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(SendKit.Bytes(random, 4)), uint.MaxValue - Packets);
        return sa.Esn ? ((ulong)sa.SequenceNumberHigh << 32) | low : low;
    }

    /// <summary>
    /// The IV the device must write, from the decision record, with raw BouncyCastle engines: AES-GCM
    /// and AES-GMAC take the 64-bit SN big-endian; CBC takes E_K of one block holding zeros and then
    /// the SN big-endian (for DES/3DES the block is the SN).
    /// </summary>
    private static byte[] ExpectedIv(SaSpec sa, ulong sequenceNumber)
    {
        byte[] sn = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sn, sequenceNumber);
        if (sa.Encryption?.Kind == CryptoAlgorithmKind.Aead || sa.Integrity?.IvLength > 0)
        {
            return sn;
        }

        IBlockCipher engine = sa.Encryption!.Id switch
        {
            CryptoAlgorithmId.DesCbc => new DesEngine(),
            CryptoAlgorithmId.TripleDesCbc => new DesEdeEngine(),
            _ => new AesEngine(),
        };
        engine.Init(true, new KeyParameter(sa.EncryptionKey));
        byte[] block = new byte[engine.GetBlockSize()];
        sn.CopyTo(block, block.Length - sn.Length);
        byte[] iv = new byte[block.Length];
        engine.ProcessBlock(block, 0, iv, 0);
        return iv;
    }

    /// <summary>
    /// Undoes every ESP/AH header of a framed packet on the wire copy (outermost first) with raw
    /// BouncyCastle (AES-GCM and AES-GMAC through <see cref="GcmBlockCipher"/>, CBC through
    /// <see cref="CbcBlockCipher"/>, HMAC through <see cref="WireOracle.EspIcv"/>), using the IV found on
    /// the wire; checks each IV against <c>expectedIv</c> and puts the transport's IV back, so the result
    /// must equal the framed packet byte for byte.
    /// </summary>
    private static class DeviceIvOracle
    {
        public static void AssertProtected(FramedPacket framed, IReadOnlyList<SaSpec> sas, byte[] wireFrame, string what,
            Func<SaSpec, ulong, byte[]>? expectedIv = null)
        {
            Assert.That(wireFrame, Has.Length.EqualTo(Ethernet + framed.Packet.Length), $"{what}: frame length");
            byte[] packet = wireFrame[Ethernet..];
            foreach (FramedHeader header in framed.Headers.Reverse())
            {
                SaSpec sa = sas.Single(s => s.Spi == header.Spi && s.Protocol == header.Protocol);
                Assert.That(header.Protocol, Is.EqualTo(IpsecProtocol.Esp), "the device-IV oracle opens ESP only");
                uint low = BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(header.Offset + SnLength));
                ulong sequence = sa.Esn ? ((ulong)sa.SequenceNumberHigh << 32) | low : low;
                string where = $"{what}: ESP SPI 0x{sa.Spi:x8} SN 0x{sequence:x16} at 0x{header.Offset:x2}";
                byte[] iv = packet.AsSpan(header.IvOffset, header.IvLength).ToArray();
                HexAssert.AreEqual((expectedIv ?? ExpectedIv)(sa, sequence), iv, $"{where}: IV on the wire");
                Open(packet, header, sa, iv, where);
                framed.Packet.AsSpan(header.IvOffset, header.IvLength).CopyTo(packet.AsSpan(header.IvOffset));
            }

            HexAssert.AreEqual(framed.Packet, packet, $"{what}: the wire packet opened by BouncyCastle, with the transport's IVs put back");
        }

        private static void Open(byte[] packet, FramedHeader header, SaSpec sa, byte[] iv, string where)
        {
            byte[] snHigh = new byte[SnLength];
            BinaryPrimitives.WriteUInt32BigEndian(snHigh, sa.SequenceNumberHigh);
            byte[] esn = sa.Esn ? snHigh : [];
            byte[] spiSn = packet.AsSpan(header.Offset, SpiSnLength).ToArray();
            byte[] icv = packet.AsSpan(header.IcvOffset, header.IcvLength).ToArray();
            byte[] data = packet.AsSpan(header.ProtectedOffset, header.ProtectedLength).ToArray();
            if (sa.Encryption?.Kind == CryptoAlgorithmKind.Aead)
            {
                // RFC 4106 §5/§7.1: nonce = salt ‖ IV, AAD = SPI ‖ [SN_high ‖] SN_low, input = ciphertext ‖ ICV.
                GcmBlockCipher gcm = Gcm(sa.EncryptionKey, iv, header.IcvLength, [.. spiSn[..SnLength], .. esn, .. spiSn[SnLength..]], forEncryption: false);
                byte[] plain = new byte[data.Length];
                int written = gcm.ProcessBytes([.. data, .. icv], 0, data.Length + icv.Length, plain, 0);
                Assert.That(() => { written += gcm.DoFinal(plain, written); }, Throws.Nothing, $"{where}: AES-GCM ICV (BouncyCastle)");
                data = plain;
            }
            else if (sa.Integrity?.IvLength > 0)
            {
                // RFC 4543 §3.3 (ENCR_NULL_AUTH_AES_GMAC): AAD = SPI ‖ [SN_high ‖] SN_low ‖ IV ‖ payload ‖ trailer; no plaintext.
                GcmBlockCipher gmac = Gcm(sa.IntegrityKey, iv, header.IcvLength, [.. spiSn[..SnLength], .. esn, .. spiSn[SnLength..], .. iv, .. data], forEncryption: true);
                byte[] tag = new byte[header.IcvLength];
                gmac.DoFinal(tag, 0);
                HexAssert.AreEqual(tag, icv, $"{where}: AES-GMAC ICV (BouncyCastle)");
            }
            else
            {
                HexAssert.AreEqual(WireOracle.EspIcv(packet, header, sa, sa.SequenceNumberHigh), icv, $"{where}: HMAC ICV (BouncyCastle)");
                IBlockCipher engine = sa.Encryption!.Id == CryptoAlgorithmId.TripleDesCbc ? new DesEdeEngine() : new AesEngine();
                var cbc = new CbcBlockCipher(engine);
                cbc.Init(false, new ParametersWithIV(new KeyParameter(sa.EncryptionKey), iv));
                for (int offset = 0; offset < data.Length; offset += cbc.GetBlockSize())
                {
                    cbc.ProcessBlock(data, offset, data, offset);
                }
            }

            data.CopyTo(packet, header.ProtectedOffset);
            packet.AsSpan(header.IcvOffset, header.IcvLength).Clear();
        }

        private static GcmBlockCipher Gcm(byte[] keyMaterial, byte[] iv, int icvLength, byte[] aad, bool forEncryption)
        {
            const int Salt = 4;
            var gcm = new GcmBlockCipher(new AesEngine());
            gcm.Init(forEncryption, new AeadParameters(new KeyParameter(keyMaterial[..^Salt]), icvLength * 8, [.. keyMaterial[^Salt..], .. iv], aad));
            return gcm;
        }
    }
}
