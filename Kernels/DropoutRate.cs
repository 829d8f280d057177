namespace ModelGen.Kernels;

/// <summary>The one check of a dropout rate, shared by every back end and by <see cref="IBackend"/>'s fused default.</summary>
public static class DropoutRate
{
    /// <summary>Throws unless <paramref name="rate"/> is a dropout rate, in [0, 1) (NaN is not).</summary>
    /// <param name="rate">The fraction of elements dropped.</param>
    public static void Require(float rate)
    {
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        }
    }
}
