using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Moving data between axes: the swap of two axes, strided runs of rows (concatenation and splitting), and the mean
/// over the middle axis with its backward pass. The swaps and copies run one destination element per thread; the mean
/// one (outer, column) per thread, walking the middle axis in order (neighbouring threads read neighbouring addresses).
/// Without a mask the kernel never reads that view: another view of the launch stands in for it and a flag says it is
/// absent.
/// </summary>
internal sealed class AxisGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, AxisSwap>? _swap;
    private Action<Index2D, ArrayView<float>, long, ArrayView<float>, long, int>? _copyRows;
    private Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _mean;
    private Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>? _meanBackward;

    /// <summary>x (O, F, M, S, I), y (O, S, M, F, I): y = x with the axes F and S swapped, or y += it.</summary>
    public void SwapAxes(ArrayView<float> x, ArrayView<float> y, AxisSwap swap)
    {
        if (y.Length == 0)
        {
            return;
        }

        _swap ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, AxisSwap>(SwapAxesKernel);
        _swap((int)y.Length, x, y, swap);
    }

    /// <summary>source, destination: <paramref name="rows"/> runs of <paramref name="width"/> floats at their strides, copied or added.</summary>
    public void CopyRows(ArrayView<float> source, long sourceStride, ArrayView<float> destination, long destinationStride, int rows, int width, bool accumulate)
    {
        if (rows == 0 || width == 0)
        {
            return;
        }

        _copyRows ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, long, ArrayView<float>, long, int>(CopyRowsKernel);
        _copyRows(new Index2D(width, rows), source, sourceStride, destination, destinationStride, accumulate ? 1 : 0);
    }

    /// <summary>x (O, L, W), mask (O, L) or empty, y (O, W): the (masked) mean over L.</summary>
    public void Mean(ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, int outer, int length, int width)
    {
        if (outer == 0 || width == 0)
        {
            return;
        }

        _mean ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(MeanAxisKernel);
        _mean(new Index2D(width, outer), x, mask.Length > 0 ? mask : y, y, length, width, mask.Length > 0 ? 1 : 0);
    }

    /// <summary>dy (O, W), mask (O, L) or empty, dx (O, L, W): dy / n at every averaged position, 0 elsewhere, or dx += it.</summary>
    public void MeanBackward(ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx, int outer, int length, int width, bool accumulate)
    {
        if (outer == 0 || length == 0 || width == 0)
        {
            return;
        }

        _meanBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(
            MeanAxisBackwardKernel);
        _meanBackward(new Index2D(width, outer), dy, mask.Length > 0 ? mask : dy, dx, length, width, mask.Length > 0 ? 1 : 0, accumulate ? 1 : 0);
    }

    /// <summary>
    /// x (O, F, M, S, I), y (O, S, M, F, I), one element of y per thread: y[o, s, m, f, i] = x[o, f, m, s, i], or
    /// y[o, s, m, f, i] += it when accumulating.
    /// </summary>
    internal static void SwapAxesKernel(Index1D index, ArrayView<float> x, ArrayView<float> y, AxisSwap p)
    {
        int at = index;
        int i = at % p.Innermost, rest = at / p.Innermost;
        int f = rest % p.First;
        rest /= p.First;
        int m = rest % p.Middle;
        rest /= p.Middle;
        int s = rest % p.Second, o = rest / p.Second;
        long from = ((((((((long)o * p.First) + f) * p.Middle) + m) * p.Second) + s) * p.Innermost) + i;
        float v = x[from];
        y[at] = p.Accumulate != 0 ? y[at] + v : v;
    }

    /// <summary>
    /// source, destination as runs at their strides, one (column, run) per thread:
    /// destination[r destinationStride + w] = source[r sourceStride + w], or += when <paramref name="accumulate"/> is 1.
    /// </summary>
    internal static void CopyRowsKernel(Index2D index, ArrayView<float> source, long sourceStride, ArrayView<float> destination, long destinationStride,
        int accumulate)
    {
        int w = index.X, r = index.Y;
        float v = source[(r * sourceStride) + w];
        long to = (r * destinationStride) + w;
        destination[to] = accumulate != 0 ? destination[to] + v : v;
    }

    /// <summary>
    /// x (O, L, W), mask (O, L) when <paramref name="masked"/>, y (O, W), one (column, outer) per thread, in order over L,
    /// with weights m = mask[o, l] (1 without a mask), as the CPU back end weighs them: y[o, w] = sum_l m x[o, l, w] / sum_l m,
    /// 0 when the weights sum to 0. Positions of weight 0 are skipped, not multiplied by 0, so a NaN there does not leak.
    /// </summary>
    internal static void MeanAxisKernel(Index2D index, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, int length, int width,
        int masked)
    {
        int w = index.X, o = index.Y;
        long row = (long)o * length;
        float sum = 0f, weight = 0f;
        for (int l = 0; l < length; l++)
        {
            float m = masked != 0 ? mask[row + l] : 1f;
            weight += m;
            if (m != 0f)
            {
                sum += x[((row + l) * width) + w] * m;
            }
        }

        y[((long)o * width) + w] = weight == 0f ? 0f : sum * (1f / weight);
    }

    /// <summary>
    /// dy (O, W), mask (O, L) when <paramref name="masked"/>, dx (O, L, W), one (column, outer) per thread, with weights
    /// m = mask[o, l] (1 without a mask): y = sum_l m x / sum_l m gives dx[o, l, w] = dy[o, w] m / sum_l m, so dy / n at
    /// the averaged positions of a 0/1 mask and 0 at masked ones (overwrites, or adds when <paramref name="accumulate"/> is 1).
    /// </summary>
    internal static void MeanAxisBackwardKernel(Index2D index, ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx, int length, int width,
        int masked, int accumulate)
    {
        int w = index.X, o = index.Y;
        long row = (long)o * length;
        float weight = length;
        if (masked != 0)
        {
            weight = 0f;
            for (int l = 0; l < length; l++)
            {
                weight += mask[row + l];
            }
        }

        float inverse = weight == 0f ? 0f : 1f / weight, g = dy[((long)o * width) + w];
        for (int l = 0; l < length; l++)
        {
            float share = g * ((masked != 0 ? mask[row + l] : 1f) * inverse);
            long at = ((row + l) * width) + w;
            dx[at] = accumulate != 0 ? dx[at] + share : share;
        }
    }
}
