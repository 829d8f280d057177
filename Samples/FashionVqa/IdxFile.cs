using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// (A copy of the FashionMnist sample's reader.) Reads the IDX files of MNIST and Fashion-MNIST (gzip-compressed or plain): a big-endian header, the magic
/// number 0x00000803 (unsigned bytes, three dimensions) for images or 0x00000801 (one dimension) for labels, each
/// dimension's size, then the bytes. Every check names the file, what was expected and what was found.
/// </summary>
internal static class IdxFile
{
    /// <summary>The magic number of an image file: unsigned bytes, three dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of a label file: unsigned bytes, one dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an image file of <paramref name="rows"/> by <paramref name="columns"/> images: the pixels of every image, row by row.</summary>
    /// <returns>The number of images and their bytes, (count, rows, columns) row-major.</returns>
    /// <exception cref="InvalidDataException">The file is not such an image file, or it is cut short.</exception>
    public static (int Count, byte[] Pixels) ReadImages(string path, int rows, int columns)
    {
        byte[] bytes = ReadAll(path);
        int count = ReadHeader(path, bytes, ImagesMagic, "an image file (magic 0x00000803: unsigned bytes, three dimensions)", 3);
        int fileRows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int fileColumns = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (fileRows != rows || fileColumns != columns)
        {
            throw new InvalidDataException($"{path}: expected images of {rows}x{columns} pixels, but the file holds {fileRows}x{fileColumns}.");
        }

        const int headerBytes = 16;
        long expected = headerBytes + (long)count * rows * columns;
        RequireLength(path, bytes, expected, $"{count:N0} images of {rows}x{columns} bytes after the 16-byte header");
        return (count, bytes[headerBytes..]);
    }

    /// <summary>Reads a label file whose labels are all below <paramref name="classes"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a label file, is cut short, or holds a label outside [0, classes).</exception>
    public static byte[] ReadLabels(string path, int classes)
    {
        byte[] bytes = ReadAll(path);
        int count = ReadHeader(path, bytes, LabelsMagic, "a label file (magic 0x00000801: unsigned bytes, one dimension)", 1);
        const int headerBytes = 8;
        RequireLength(path, bytes, headerBytes + (long)count, $"{count:N0} labels of one byte after the 8-byte header");
        byte[] labels = bytes[headerBytes..];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
            {
                throw new InvalidDataException($"{path}: label {i} is {labels[i]}, but the classes are 0 to {classes - 1}.");
            }
        }

        return labels;
    }

    /// <summary>The whole file, decompressed when it starts with gzip's signature (whatever its name).</summary>
    private static byte[] ReadAll(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B)
        {
            return raw;
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            gzip.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is damaged ({e.Message}).", e);
        }
    }

    /// <summary>Checks the magic number and returns the first dimension, the item count.</summary>
    private static int ReadHeader(string path, byte[] bytes, int magic, string what, int dimensions)
    {
        int found = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(bytes) : -1;
        if (found != magic)
        {
            string seen = bytes.Length >= 4 ? $"its magic number is 0x{found:X8}" : $"the file holds only {bytes.Length} bytes";
            throw new InvalidDataException($"{path}: expected {what}, but {seen}.");
        }

        int headerBytes = 4 + 4 * dimensions;
        if (bytes.Length < headerBytes)
        {
            throw new InvalidDataException($"{path}: expected {what} with a {headerBytes}-byte header, but the file holds only {bytes.Length} bytes.");
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0)
        {
            throw new InvalidDataException($"{path}: the item count is {count}; expected a count of zero or more.");
        }

        return count;
    }

    private static void RequireLength(string path, byte[] bytes, long expected, string what)
    {
        if (bytes.LongLength != expected)
        {
            string problem = bytes.LongLength < expected ? "is cut short" : "has bytes left over";
            throw new InvalidDataException($"{path}: expected {expected:N0} bytes ({what}), but the file {problem} at {bytes.LongLength:N0} bytes.");
        }
    }
}
