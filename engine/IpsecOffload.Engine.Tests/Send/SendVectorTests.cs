using System.Buffers.Binary;
using IpsecOffload.Engine.Crypto;
using IpsecOffload.Engine.Sa;
using IpsecOffload.Engine.Send;
using IpsecOffload.Engine.Tests.Crypto;
using IpsecOffload.Ndis;
using IpsecOffload.Testing;

namespace IpsecOffload.Engine.Tests.Send;

/// <summary>
/// PacketFramer ∘ OutboundProcessor against the published packets of wire-formats §6.2–§6.7, byte for
/// byte, on both crypto backends; and the framer's own output against the published packet with the
/// payload decrypted (by BouncyCastle, tags checked) and the ICVs zeroed.
/// </summary>
public sealed class SendVectorTests
{
    public static IEnumerable<SendVector> AllVectors() =>
        SendVectors.Rfc3602Cases().Concat(SendVectors.McgrewCases()).Concat(SendVectors.DpdkCases())
            .Concat(SendVectors.OdpCases()).Concat(SendVectors.EsnCases()).Concat(SendVectors.DerivedCases());

    private static IEnumerable<TestCaseData> BackendVectorCases() => CryptoTestCases.Cross(AllVectors(), v => v.Id);

    private static IEnumerable<TestCaseData> VectorCases() => AllVectors().Select(v => new TestCaseData(v).SetArgDisplayNames(v.Id));

    [TestCaseSource(nameof(BackendVectorCases))]
    public void FramerThenProcessor_V2Offsets_ReproducesPublishedPacket(ICryptoBackend backend, SendVector vector) =>
        Run(backend, vector, useOob: true);

    [TestCaseSource(nameof(BackendVectorCases))]
    public void FramerThenProcessor_V1Parsing_ReproducesPublishedPacket(ICryptoBackend backend, SendVector vector) =>
        Run(backend, vector, useOob: false);

    [TestCaseSource(nameof(VectorCases))]
    public void Framer_Output_IsPublishedPacketWithClearPayloadAndZeroIcv(SendVector vector)
    {
        SaTransform[] sas = vector.Bundle.Select(v => v.Create(BouncyCastleCryptoBackend.Instance)).ToArray();
        try
        {
            FramedPacket framed = PacketFramer.Frame(vector.Input, sas.Select((sa, i) => vector.Bundle[i].Framing(sa)).ToArray());
            byte[] expected = [.. framed.Packet.AsSpan(0, vector.CompareFrom), .. Hex.Parse(vector.Expected)];
            Assert.That(expected, Has.Length.EqualTo(framed.Packet.Length), "framed length vs published length");
            for (int i = framed.Headers.Count - 1; i >= 0; i--)
            {
                Unprotect(expected, framed.Headers[i], sas[i]);
            }

            HexAssert.AreEqual(expected, framed.Packet, $"framed {vector.Id}");
        }
        finally
        {
            Array.ForEach(sas, sa => sa.Dispose());
        }
    }

    private static void Run(ICryptoBackend backend, SendVector vector, bool useOob)
    {
        SaTransform[] sas = vector.Bundle.Select(v => v.Create(backend)).ToArray();
        try
        {
            FramedPacket framed = PacketFramer.Frame(vector.Input, sas.Select((sa, i) => vector.Bundle[i].Framing(sa)).ToArray());
            byte[] packet = framed.Packet;
            var request = new OutboundRequest(sas, isIPv6Sa: packet[0] >> 4 == 6, useOob ? framed.V2HeaderInfo : null);
            NdisError? error = OutboundProcessor.Process(packet, request);
            Assert.That(error, Is.Null, () => $"processor refused {vector.Id}: {error}");
            HexAssert.AreEqual(Hex.Parse(vector.Expected), packet.AsSpan(vector.CompareFrom), $"wire packet {vector.Id}");
        }
        finally
        {
            Array.ForEach(sas, sa => sa.Dispose());
        }
    }

    /// <summary>Turns the published bytes of one header back into what the transport framed.</summary>
    private static void Unprotect(byte[] packet, FramedHeader header, SaTransform sa)
    {
        Span<byte> icv = packet.AsSpan(header.IcvOffset, header.IcvLength);
        if (header.Protocol == IpsecProtocol.Esp)
        {
            ReadOnlySpan<byte> iv = packet.AsSpan(header.IvOffset, header.IvLength);
            Span<byte> data = packet.AsSpan(header.ProtectedOffset, header.ProtectedLength);
            if (sa.Aead is { } aead)
            {
                var aad = new List<byte>(packet.AsSpan(header.Offset, 4).ToArray());
                if (sa.ExtendedSequenceNumbers)
                {
                    var high = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(high, sa.SequenceNumberHigh);
                    aad.AddRange(high);
                }

                aad.AddRange(packet.AsSpan(header.Offset + 4, 4).ToArray());
                Assert.That(aead.TryDecrypt(iv, aad.ToArray(), data, icv), Is.True, "published GCM tag verifies");
            }
            else
            {
                sa.Cipher?.Decrypt(iv, data);
            }

            if (header.UdpOffset >= 0 && packet[0] >> 4 == 6)
            {
                packet.AsSpan(header.UdpOffset + 6, 2).Clear();
            }
        }

        icv.Clear();
    }
}
