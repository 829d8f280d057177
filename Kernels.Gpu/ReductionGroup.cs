namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Sizes of the single-group reductions (loss, metric, finiteness, norm): one group strides over the data,
/// each thread keeps a partial sum, and the first thread adds the partials in thread order, so the result
/// does not depend on scheduling.
/// </summary>
internal static class ReductionGroup
{
    /// <summary>The most threads a reduction group uses; shared partial sums are allocated at this size.</summary>
    public const int MaxThreads = 256;

    /// <summary>The group size for an accelerator allowing <paramref name="maxThreadsPerGroup"/> threads.</summary>
    public static int For(int maxThreadsPerGroup) => Math.Min(MaxThreads, maxThreadsPerGroup);
}
