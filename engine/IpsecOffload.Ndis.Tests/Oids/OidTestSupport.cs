using System.Buffers.Binary;
using IpsecOffload.Ndis.Oids;
using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Oids;

/// <summary>Assertions and full-range value sources shared by the OID codec tests.</summary>
internal static class OidAssert
{
    /// <summary>
    /// <paramref name="modified"/> equals <paramref name="baseline"/> except at
    /// [<paramref name="offset"/>, +expected.Length), which holds exactly <paramref name="expected"/>.
    /// </summary>
    public static void OnlyFieldChanged(byte[] baseline, byte[] modified, int offset, byte[] expected, string field)
    {
        Assert.That(modified, Has.Length.EqualTo(baseline.Length), $"{field}: buffer length");
        HexAssert.AreEqual(expected, modified.AsSpan(offset, expected.Length), $"{field} at offset {offset}");
        byte[] outside = (byte[])modified.Clone();
        baseline.AsSpan(offset, expected.Length).CopyTo(outside.AsSpan(offset));
        HexAssert.AreEqual(baseline, outside, $"bytes outside {field} (offset {offset}, {expected.Length} bytes)");
    }

    public static void Rejected<T>(OidDecodeResult<T> result, NdisStatus status, string fieldPart, params string[] messageParts)
    {
        Assert.That(result.Succeeded, Is.False, $"expected rejection with {status.ToNdisName()}, got {result}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error!.Status, Is.EqualTo(status), result.Error.ToString());
            Assert.That(result.Error.Field, Does.Contain(fieldPart), result.Error.ToString());
            foreach (string part in messageParts)
            {
                Assert.That(result.Error.Message, Does.Contain(part), result.Error.ToString());
            }
        }
    }

    public static T Accepted<T>(OidDecodeResult<T> result)
    {
        Assert.That(result.Succeeded, Is.True, result.ToString());
        return result.Value!;
    }
}

/// <summary>Distinctive values: every byte non-zero and different, so a misplaced or narrowed field shows.</summary>
internal static class Distinct
{
    public const uint U32 = 0xA1B2_C3D4;
    public const ushort U16 = 0xE5F6;
    public const byte U8 = 0xA7;
    public const ulong HandleX64 = 0x8877_6655_4433_2211;
    public const uint HandleX86 = 0x99AA_BBCC;

    public static readonly byte[] U32Bytes = [0xD4, 0xC3, 0xB2, 0xA1];
    public static readonly byte[] U16Bytes = [0xF6, 0xE5];

    /// <summary><see cref="U32"/> in network byte order (AMB-19: SPIs, IPv4 addresses, masks).</summary>
    public static readonly byte[] U32NetworkBytes = [0xA1, 0xB2, 0xC3, 0xD4];

    /// <summary><see cref="U16"/> in network byte order (AMB-19: v1 ports).</summary>
    public static readonly byte[] U16NetworkBytes = [0xE5, 0xF6];

    public static ulong Handle(NdisAbi abi) => abi == NdisAbi.X64 ? HandleX64 : HandleX86;

    public static byte[] HandleBytes(NdisAbi abi) => abi == NdisAbi.X64
        ? [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        : [0xCC, 0xBB, 0xAA, 0x99];

    public static byte[] Address16() => [0x20, 0x01, 0x0D, 0xB8, 0x85, 0xA3, 0x11, 0x22, 0x33, 0x44, 0x8A, 0x2E, 0x03, 0x70, 0x73, 0x34];
}

/// <summary>Full-range random values from a recorded seed (TestSeeds), with edges mixed in.</summary>
internal sealed class FullRange(int salt)
{
    private readonly Random _random = TestSeeds.Create(salt);

    public int Int(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);

    public bool Bool() => _random.Next(2) == 0;

    public T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];

    public uint U32() => _random.Next(8) switch
    {
        0 => uint.MaxValue,
        1 => 0x8000_0001,
        _ => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)),
    };

    public ushort U16() => _random.Next(8) == 0 ? ushort.MaxValue : BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));

    public ulong Handle(NdisAbi abi)
    {
        ulong value = _random.Next(8) == 0 ? ulong.MaxValue : BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
        return abi == NdisAbi.X64 ? value : value & uint.MaxValue;
    }

    public byte[] Bytes(int count)
    {
        byte[] bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
