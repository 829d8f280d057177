namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// A 2x2 grid of four Fashion-MNIST items, 56x56 pixels: <see cref="Items"/> and <see cref="Labels"/> in position
/// order (top left, top right, bottom left, bottom right). Its regions are the 16 patches of 14x14 pixels,
/// row-major over the 4x4 patch grid: each item fills the 2x2 patches of its quadrant.
/// </summary>
/// <param name="Items">The items' indices in <see cref="FashionItems"/>, by position.</param>
/// <param name="Labels">The items' classes, by position.</param>
public sealed record Picture(int[] Items, int[] Labels)
{
    /// <summary>Picture height and width in pixels.</summary>
    public const int Size = 2 * FashionItems.Size;

    /// <summary>Patch height and width in pixels.</summary>
    public const int PatchSize = 14;

    /// <summary>Patches per row and per column.</summary>
    public const int PatchesPerSide = Size / PatchSize;

    /// <summary>Regions (patches) per picture.</summary>
    public const int Regions = PatchesPerSide * PatchesPerSide;

    /// <summary>Floats per region.</summary>
    public const int RegionWidth = PatchSize * PatchSize;

    /// <summary>How many items have the class <paramref name="label"/>.</summary>
    public int Count(int label) => Labels.Count(l => l == label);

    /// <summary>The pixels as floats in [0, 1], (56, 56) row-major.</summary>
    public float[] Pixels(FashionItems items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var pixels = new float[Size * Size];
        for (int position = 0; position < 4; position++)
        {
            ReadOnlySpan<byte> item = items.Item(Items[position]);
            int top = position / 2 * FashionItems.Size;
            int left = position % 2 * FashionItems.Size;
            for (int row = 0; row < FashionItems.Size; row++)
            {
                for (int column = 0; column < FashionItems.Size; column++)
                {
                    pixels[(top + row) * Size + left + column] = item[row * FashionItems.Size + column] / 255f;
                }
            }
        }

        return pixels;
    }

    /// <summary>Writes the 16 regions, (16, 196): region r is patch (r / 4, r % 4), its 14x14 pixels row by row.</summary>
    public void WriteRegions(FashionItems items, Span<float> destination)
    {
        if (destination.Length != Regions * RegionWidth)
        {
            throw new ArgumentException($"The regions take {Regions * RegionWidth} floats, but the span holds {destination.Length}.", nameof(destination));
        }

        float[] pixels = Pixels(items);
        for (int region = 0; region < Regions; region++)
        {
            int top = region / PatchesPerSide * PatchSize;
            int left = region % PatchesPerSide * PatchSize;
            for (int row = 0; row < PatchSize; row++)
            {
                pixels.AsSpan((top + row) * Size + left, PatchSize).CopyTo(destination.Slice(region * RegionWidth + row * PatchSize, PatchSize));
            }
        }
    }
}
