using System.Buffers.Binary;
using System.IO.Compression;
using ModelGen.Samples.FashionMnist;

namespace ModelGen.Samples.Tests;

/// <summary>The Fashion-MNIST sample's IDX reader: good files in both encodings, and each kind of bad file refused by name.</summary>
public sealed class IdxFileTests
{
    private const int Side = 28;

    [Fact]
    public void ReadSet_GzipAndPlainFiles_GivePixelsScaledToOneAndLabels()
    {
        using var folder = new TempFolder();
        byte[] pixels = [.. Enumerable.Range(0, 3 * Side * Side).Select(i => (byte)(i % 256))];
        WriteGzip(folder.File("t10k-images-idx3-ubyte.gz"), Images(3, Side, Side, pixels));
        File.WriteAllBytes(folder.File("t10k-labels-idx1-ubyte"), Labels(3, [9, 0, 4]));

        FashionImages images = FashionData.ReadSet(folder.Path, "t10k");

        Assert.Equal(3, images.Count);
        Assert.Equal([9f, 0f, 4f], images.Labels);
        Assert.Equal(pixels.Length, images.Pixels.Length);
        Assert.Equal(255 / 255f, images.Pixels[255]);
        Assert.Equal(17 / 255f, images.Pixels[256 + 17]);
    }

    [Fact]
    public void ReadImages_LabelFile_IsRefusedByItsMagicNumber()
    {
        using var folder = new TempFolder();
        string path = folder.File("images.gz");
        WriteGzip(path, Labels(2, [1, 2]));

        var refused = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path, Side, Side));

        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("magic 0x00000803", refused.Message, StringComparison.Ordinal);
        Assert.Contains("its magic number is 0x00000801", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_OtherSize_NamesBothSizes()
    {
        using var folder = new TempFolder();
        string path = folder.File("images");
        File.WriteAllBytes(path, Images(1, 32, 32, new byte[32 * 32]));

        var refused = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path, Side, Side));

        Assert.Contains("expected images of 28x28 pixels, but the file holds 32x32", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_CutShort_NamesTheExpectedAndActualLength()
    {
        using var folder = new TempFolder();
        string path = folder.File("images.gz");
        WriteGzip(path, Images(2, Side, Side, new byte[2 * Side * Side])[..1000]);

        var refused = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path, Side, Side));

        Assert.Contains("expected 1,584 bytes (2 images of 28x28 bytes after the 16-byte header)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("cut short at 1,000 bytes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_LabelOutsideTheClasses_IsNamed()
    {
        using var folder = new TempFolder();
        string path = folder.File("labels");
        File.WriteAllBytes(path, Labels(3, [1, 10, 2]));

        var refused = Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path, 10));

        Assert.Contains("label 1 is 10, but the classes are 0 to 9", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSet_FewerLabelsThanImages_IsRefused()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("t10k-images-idx3-ubyte"), Images(3, Side, Side, new byte[3 * Side * Side]));
        File.WriteAllBytes(folder.File("t10k-labels-idx1-ubyte"), Labels(2, [1, 2]));

        var refused = Assert.Throws<InvalidDataException>(() => FashionData.ReadSet(folder.Path, "t10k"));

        Assert.Contains("one label for each of the 3 images", refused.Message, StringComparison.Ordinal);
        Assert.Contains("holds 2 labels", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderWithoutTheTestSet_NamesTheMissingFile()
    {
        using var folder = new TempFolder();

        var refused = Assert.Throws<InvalidDataException>(() => FashionData.Load(folder.Path, seed: 0));

        Assert.Contains("t10k-images-idx3-ubyte.gz", refused.Message, StringComparison.Ordinal);
    }

    private static byte[] Images(int count, int rows, int columns, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    private static byte[] Labels(int count, byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static void WriteGzip(string path, byte[] bytes)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(bytes);
    }
}
