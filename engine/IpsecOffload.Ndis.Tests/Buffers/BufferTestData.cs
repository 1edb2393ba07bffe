using IpsecOffload.Testing;

namespace IpsecOffload.Ndis.Tests.Buffers;

/// <summary>Inputs and independent oracles for the buffer tests.</summary>
internal static class BufferTestData
{
    /// <summary>Random bytes in 1..255, so a byte left at zero or written to the wrong place shows.</summary>
    public static byte[] NonZeroBytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)random.Next(1, 256);
        }

        return bytes;
    }

    /// <summary>
    /// Whether chain bytes [<paramref name="chainStart"/>, + <paramref name="length"/>) lie inside a
    /// single MDL of <paramref name="layout"/>, worked out from the MDL sizes alone.
    /// </summary>
    public static bool LiesInOneMdl(BufferLayout layout, int chainStart, int length)
    {
        int mdlStart = 0;
        foreach (int size in layout.MdlSizes)
        {
            int mdlEnd = mdlStart + size;
            if (chainStart >= mdlStart && chainStart + length <= mdlEnd && size > 0)
            {
                return true;
            }

            mdlStart = mdlEnd;
        }

        return false;
    }
}
