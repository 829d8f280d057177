namespace ModelGen.Samples.FashionMnist;

/// <summary>Images as the network takes them, (n, 1, 28, 28) floats in [0, 1], and one class index per image.</summary>
public sealed class FashionImages
{
    /// <summary>Wraps the arrays (not copied).</summary>
    /// <param name="pixels">n images of <see cref="FashionData.PixelCount"/> floats, (n, 1, 28, 28) row-major.</param>
    /// <param name="labels">n class indices, 0 to 9, as floats (sparse categorical targets).</param>
    public FashionImages(float[] pixels, float[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != labels.Length * FashionData.PixelCount)
        {
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * FashionData.PixelCount} pixels, but there are {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>(n, 1, 28, 28) row-major, 0 the background and 1 the darkest ink.</summary>
    public float[] Pixels { get; }

    /// <summary>The class of each image, 0 to 9.</summary>
    public float[] Labels { get; }

    /// <summary>The number of images, n.</summary>
    public int Count => Labels.Length;

    /// <summary>Converts IDX bytes (0 to 255) to floats in [0, 1].</summary>
    public static FashionImages FromBytes(byte[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        var scaled = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            scaled[i] = pixels[i] / 255f;
        }

        var classes = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            classes[i] = labels[i];
        }

        return new FashionImages(scaled, classes);
    }

    /// <summary>The images at <paramref name="indices"/>, in that order (copied).</summary>
    public FashionImages Take(ReadOnlySpan<int> indices)
    {
        var pixels = new float[indices.Length * FashionData.PixelCount];
        var labels = new float[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels.AsSpan(indices[i] * FashionData.PixelCount, FashionData.PixelCount).CopyTo(pixels.AsSpan(i * FashionData.PixelCount));
            labels[i] = Labels[indices[i]];
        }

        return new FashionImages(pixels, labels);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when <paramref name="count"/> is 0 or at least n).</summary>
    public FashionImages First(int count) =>
        count <= 0 || count >= Count ? this : new FashionImages(Pixels[..(count * FashionData.PixelCount)], Labels[..count]);

    /// <summary>Splits the images at random (seeded): <paramref name="secondCount"/> images in the second part, the rest in the first.</summary>
    public (FashionImages First, FashionImages Second) Split(int secondCount, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(secondCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(secondCount, Count);
        int[] order = [.. Enumerable.Range(0, Count)];
        random.Shuffle(order);
        return (Take(order.AsSpan(secondCount)), Take(order.AsSpan(0, secondCount)));
    }

    /// <summary>The images and labels as a dataset for Fit and Evaluate.</summary>
    public Dataset ToDataset() => new(Pixels, FashionData.PixelCount, Labels, 1);
}
