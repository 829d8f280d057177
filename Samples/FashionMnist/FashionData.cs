namespace ModelGen.Samples.FashionMnist;

/// <summary>
/// Where the images come from: a folder of IDX files (train-* and t10k-*), Debian's dataset-fashion-mnist when it
/// is installed, or the bundled 10,000 test images split 8,000 / 2,000.
/// </summary>
public static class FashionData
{
    /// <summary>Image height and width.</summary>
    public const int Size = 28;

    /// <summary>Pixels per image, one channel.</summary>
    public const int PixelCount = Size * Size;

    /// <summary>Where Debian's package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The share of a test-only folder's images that trains when there is no training set.</summary>
    public const double TestOnlyTrainShare = 0.8;

    /// <summary>The ten classes, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The bundled test set, copied beside the program.</summary>
    public static string BundledFolder => Path.Combine(AppContext.BaseDirectory, "Data", "fashion-mnist");

    /// <summary>
    /// Reads the training and test images. With no <paramref name="folder"/>, Debian's folder when its four files
    /// are there, else the bundled test set. A folder with only the test set (t10k-*) is split at random
    /// (seeded): 80 % trains, 20 % tests.
    /// </summary>
    /// <exception cref="InvalidDataException">A folder lacks the test files, or a file is not what IDX promises.</exception>
    public static FashionSource Load(string? folder, int seed)
    {
        if (folder is null)
        {
            return HasSet(DebianFolder, "train") && HasSet(DebianFolder, "t10k")
                ? LoadFull(DebianFolder)
                : LoadTestOnly(BundledFolder, seed,
                    (train, all, test) => $"Debian's dataset-fashion-mnist is not installed: training on {train:N0} of the {all:N0} bundled test images, testing on the other {test:N0}");
        }

        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"The data folder {folder} does not exist; expected a folder with Fashion-MNIST's IDX files (t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz, and train-* for the full training set).");
        }

        return HasSet(folder, "train")
            ? LoadFull(folder)
            : LoadTestOnly(folder, seed,
                (train, all, test) => $"Fashion-MNIST: {folder} has no training files: training on {train:N0} of its {all:N0} test images, testing on the other {test:N0}");
    }

    /// <summary>Reads one set: <c>{prefix}-images-idx3-ubyte</c> and <c>{prefix}-labels-idx1-ubyte</c>, each .gz or plain.</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed, or the counts of images and labels differ.</exception>
    public static FashionImages ReadSet(string folder, string prefix)
    {
        string imagesPath = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var (count, pixels) = IdxFile.ReadImages(imagesPath, Size, Size);
        byte[] labels = IdxFile.ReadLabels(labelsPath, ClassNames.Count);
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{labelsPath}: expected one label for each of the {count:N0} images of {Path.GetFileName(imagesPath)}, but the file holds {labels.Length:N0} labels.");
        }

        return FashionImages.FromBytes(pixels, labels);
    }

    private static FashionSource LoadFull(string folder)
    {
        FashionImages train = ReadSet(folder, "train");
        FashionImages test = ReadSet(folder, "t10k");
        return new FashionSource(train, test, $"Fashion-MNIST: {train.Count:N0} training images from {folder}, {test.Count:N0} test images");
    }

    private static FashionSource LoadTestOnly(string folder, int seed, Func<int, int, int, string> describe)
    {
        FashionImages all = ReadSet(folder, "t10k");
        int testCount = all.Count - (int)Math.Round(all.Count * TestOnlyTrainShare);
        var (train, test) = all.Split(testCount, new Random(seed));
        return new FashionSource(train, test, describe(train.Count, all.Count, test.Count));
    }

    private static bool HasSet(string folder, string prefix) =>
        Exists(folder, $"{prefix}-images-idx3-ubyte") && Exists(folder, $"{prefix}-labels-idx1-ubyte");

    private static bool Exists(string folder, string name) =>
        File.Exists(Path.Combine(folder, name + ".gz")) || File.Exists(Path.Combine(folder, name));

    private static string Find(string folder, string name)
    {
        string gzip = Path.Combine(folder, name + ".gz");
        string plain = Path.Combine(folder, name);
        return File.Exists(gzip) ? gzip
            : File.Exists(plain) ? plain
            : throw new InvalidDataException($"{folder}: expected {name}.gz (or {name}), but neither is there.");
    }
}
