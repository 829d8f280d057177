using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// An element-wise or normalisation kernel split over the GEMM's worker pool: [0, units) (elements, rows or features)
/// cut into contiguous ranges of whole grains, one per thread, the last range taking the rest. A grain is a multiple of
/// every vector width, so an element lands in the vector body or the scalar tail whatever the split, and each part
/// gets the caller's <see cref="SimdWidth.Forced"/>: results do not depend on the thread count. One instance per
/// kernel and back end, made with the back end and reused (no allocation per call).
/// </summary>
internal abstract class CpuJob(GemmCpu gemm) : IParallelJob
{
    /// <summary>
    /// Floats a call must touch (read plus written) before it is split: below this the hand-off to the other thread
    /// costs more than its half of the work saves (measured with --profile-hotel at 2 threads).
    /// </summary>
    internal const long MinSplitFloats = 1L << 15;

    /// <summary>The grain of element ranges: a cache line of floats, a multiple of every vector width.</summary>
    internal const int ElementGrain = 16;

    /// <summary>The grain of feature ranges (columns of a (B, F) buffer).</summary>
    internal const int FeatureGrain = 16;

    private int _units, _grain, _width;

    /// <summary>For tests: split every call this thread makes, however small (as far as the grains allow).</summary>
    [ThreadStatic]
    internal static bool SplitAlways;

    /// <summary>Runs <see cref="Range"/> over [0, <paramref name="units"/>), split when <paramref name="floats"/> is large enough to pay.</summary>
    protected void Run(int units, int grain, long floats)
    {
        int parts = 1;
        if (gemm.Threads > 1 && (floats >= MinSplitFloats || SplitAlways))
        {
            parts = Math.Min(gemm.Threads, units / grain);
        }

        if (parts <= 1)
        {
            Range(0, units);
            return;
        }

        (_units, _grain, _width) = (units, grain, SimdWidth.Forced);
        gemm.Parallel(this, parts);
    }

    /// <inheritdoc/>
    public void Execute(int part, int parts)
    {
        int saved = SimdWidth.Forced;
        SimdWidth.Forced = _width;
        try
        {
            Range(Bound(part, parts), Bound(part + 1, parts));
        }
        finally
        {
            SimdWidth.Forced = saved;
        }
    }

    /// <summary>Does the work of units [start, end).</summary>
    protected abstract void Range(int start, int end);

    private int Bound(int part, int parts) => part == parts ? _units : (int)((long)(_units / _grain) * part / parts) * _grain;
}
