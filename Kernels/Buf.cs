namespace ModelGen.Kernels;

/// <summary>
/// A view of a backend's arena: <see cref="Length"/> floats starting at <see cref="Offset"/>.
/// Generated code addresses every parameter, gradient and activation through these views, never
/// through host arrays, so any back end (CPU memory or a device allocation) can sit behind it.
/// </summary>
/// <param name="Offset">First element, in floats from the start of the arena.</param>
/// <param name="Length">Number of floats.</param>
public readonly record struct Buf(int Offset, int Length)
{
    /// <summary>The end of the view (exclusive), in floats from the start of the arena.</summary>
    public int End => Offset + Length;

    /// <summary>A sub-view of <paramref name="length"/> floats starting <paramref name="start"/> floats in.</summary>
    public Buf Slice(int start, int length)
    {
        if ((uint)start > (uint)Length || (uint)length > (uint)(Length - start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + length}) does not fit a view of length {Length}.");
        }

        return new Buf(Offset + start, length);
    }

    /// <summary>A view of the first <paramref name="length"/> floats.</summary>
    public Buf Take(int length) => Slice(0, length);

    /// <inheritdoc/>
    public override string ToString() => $"[{Offset}, {End})";
}
