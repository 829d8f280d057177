using System.Buffers.Binary;

namespace ModelGen.Data;

/// <summary>
/// The CRC-32 of gzip's trailer (ISO 3309, reflected polynomial 0xEDB88320, as zlib's crc32), computed eight bytes
/// at a time with eight tables ("slicing by 8"). The BCL has it only in the System.IO.Hashing package.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320;

    private static readonly uint[] Tables = Build();

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var tables = Tables.AsSpan();
        crc = ~crc;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = tables[7 * 256 + (int)(low & 0xFF)] ^ tables[6 * 256 + (int)((low >> 8) & 0xFF)]
                ^ tables[5 * 256 + (int)((low >> 16) & 0xFF)] ^ tables[4 * 256 + (int)(low >> 24)]
                ^ tables[3 * 256 + (int)(high & 0xFF)] ^ tables[2 * 256 + (int)((high >> 8) & 0xFF)]
                ^ tables[256 + (int)((high >> 16) & 0xFF)] ^ tables[(int)(high >> 24)];
            data = data[8..];
        }
        foreach (var b in data) crc = tables[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] Build()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            tables[n] = c;
        }
        for (var t = 1; t < 8; t++)
        {
            for (var n = 0; n < 256; n++)
            {
                var previous = tables[(t - 1) * 256 + n];
                tables[t * 256 + n] = (previous >> 8) ^ tables[(int)(previous & 0xFF)];
            }
        }
        return tables;
    }
}
