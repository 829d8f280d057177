namespace ModelGen.Samples.FashionVqa;

/// <summary>Fashion-MNIST items: each one's 28x28 pixels (bytes, 0 background to 255) and its class, 0 to 9.</summary>
public sealed class FashionItems
{
    /// <summary>Item height and width in pixels.</summary>
    public const int Size = 28;

    /// <summary>Pixels per item.</summary>
    public const int PixelCount = Size * Size;

    /// <summary>The ten classes' names as Fashion-MNIST gives them, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Wraps the arrays (not copied).</summary>
    /// <param name="pixels">n items of <see cref="PixelCount"/> bytes, row by row.</param>
    /// <param name="labels">n classes, 0 to 9.</param>
    public FashionItems(byte[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != labels.Length * PixelCount)
        {
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * PixelCount} pixels, but there are {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>The bundled test set, copied beside the program.</summary>
    public static string BundledFolder => Path.Combine(AppContext.BaseDirectory, "Data", "fashion-mnist");

    /// <summary>(n, 28, 28) bytes, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Each item's class, 0 to 9.</summary>
    public byte[] Labels { get; }

    /// <summary>The number of items.</summary>
    public int Count => Labels.Length;

    /// <summary>One item's pixels.</summary>
    public ReadOnlySpan<byte> Item(int index) => Pixels.AsSpan(index * PixelCount, PixelCount);

    /// <summary>
    /// Reads Fashion-MNIST's test set from <paramref name="folder"/>: <c>t10k-images-idx3-ubyte</c> and
    /// <c>t10k-labels-idx1-ubyte</c>, each .gz or plain.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder or a file is missing, a file is not what IDX promises, or the counts differ.</exception>
    public static FashionItems Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"The data folder {folder} does not exist; expected a folder with Fashion-MNIST's t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz).");
        }

        string imagesPath = Find(folder, "t10k-images-idx3-ubyte");
        string labelsPath = Find(folder, "t10k-labels-idx1-ubyte");
        var (count, pixels) = IdxFile.ReadImages(imagesPath, Size, Size);
        byte[] labels = IdxFile.ReadLabels(labelsPath, ClassNames.Count);
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{labelsPath}: expected one label for each of the {count:N0} images of {Path.GetFileName(imagesPath)}, but the file holds {labels.Length:N0} labels.");
        }

        return new FashionItems(pixels, labels);
    }

    private static string Find(string folder, string name)
    {
        string gzip = Path.Combine(folder, name + ".gz");
        string plain = Path.Combine(folder, name);
        return File.Exists(gzip) ? gzip
            : File.Exists(plain) ? plain
            : throw new InvalidDataException($"{folder}: expected {name}.gz (or {name}), but neither is there.");
    }
}
