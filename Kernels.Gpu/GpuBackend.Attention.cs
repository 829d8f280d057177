using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The graph and attention operations (<c>IBackend.Attention.cs</c>): validation of views as the CPU back end does it,
/// then dispatch to <see cref="LayerNormGpu"/>, <see cref="BatchedGemmGpu"/>, <see cref="AttentionGpu"/>,
/// <see cref="ElementwiseGpu"/> and <see cref="AxisGpu"/>, created on first use (their kernels compile then). An empty
/// mask view means "none". The batched GEMM follows the back end's GEMM choice (tiled or direct, and its tile).
/// </summary>
public sealed partial class GpuBackend
{
    private LayerNormGpu? _layerNorm;
    private AttentionGpu? _attention;
    private ElementwiseGpu? _elementwise;
    private AxisGpu? _axis;

    private LayerNormGpu LayerNormKernels => _layerNorm ??= new LayerNormGpu(_accelerator);

    private AttentionGpu AttentionKernels => _attention ??= new AttentionGpu(_accelerator);

    private ElementwiseGpu ElementwiseKernels => _elementwise ??= new ElementwiseGpu(_accelerator);

    private AxisGpu AxisKernels => _axis ??= new AxisGpu(_accelerator);

    /// <inheritdoc/>
    public void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon)
    {
        long count = Count(rows, features);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        ArrayView<float> gv = Sized(gamma, features, nameof(gamma)), bv = Sized(beta, features, nameof(beta));
        ArrayView<float> mv = Sized(savedMean, rows, nameof(savedMean)), sv = Sized(savedInvStd, rows, nameof(savedInvStd));
        LayerNormKernels.Forward(xv, yv, gv, bv, mv, sv, rows, features, epsilon);
    }

    /// <inheritdoc/>
    public void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features)
    {
        long count = Count(rows, features);
        ArrayView<float> xv = Sized(x, count, nameof(x)), dyv = Sized(dy, count, nameof(dy)), dxv = Sized(dx, count, nameof(dx));
        ArrayView<float> gv = Sized(gamma, features, nameof(gamma));
        ArrayView<float> dgv = Sized(dGamma, features, nameof(dGamma)), dbv = Sized(dBeta, features, nameof(dBeta));
        ArrayView<float> mv = Sized(savedMean, rows, nameof(savedMean)), sv = Sized(savedInvStd, rows, nameof(savedInvStd));
        LayerNormKernels.Backward(xv, dyv, dxv, gv, dgv, dbv, mv, sv, rows, features);
    }

    /// <inheritdoc/>
    public void BatchedGemm(bool transA, bool transB, int count, int m, int n, int k, float alpha, Buf a, int strideA, Buf b, int strideB, float beta, Buf c, int strideC)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        long product = (long)m * n;
        if (count > 1 && product > 0 && strideC < product)
        {
            // Overlapping products of C would race and depend on their order.
            throw new ArgumentOutOfRangeException(nameof(strideC), strideC, $"BatchedGemm writes {count} products of {product} floats: 'strideC' must be at least {product}.");
        }

        ArrayView<float> av = Sized(a, Extent(count, strideA, (long)m * k), nameof(a));
        ArrayView<float> bv = Sized(b, Extent(count, strideB, (long)k * n), nameof(b));
        ArrayView<float> cv = Sized(c, Extent(count, strideC, product), nameof(c));
        _gemm.Batched.Run(transA, transB, count, m, n, k, alpha, av, strideA, bv, strideB, beta, cv, strideC, _gemm.Tiled ? _gemm.Tile : 0);
    }

    /// <inheritdoc/>
    public void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale)
    {
        long rows = Count(batch, heads) * Count(queries, 1);
        long count = rows * Count(1, keys);
        ArrayView<float> sv = Sized(scores, count, nameof(scores));
        ArrayView<float> mv = Optional(mask, Count(batch, keys), nameof(mask));
        ArrayView<float> pv = Sized(probabilities, count, nameof(probabilities));
        AttentionKernels.Softmax(sv, mv, pv, (int)rows, heads * queries, keys, scale);
    }

    /// <inheritdoc/>
    public void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale)
    {
        long count = Count(rows, keys);
        ArrayView<float> pv = Sized(probabilities, count, nameof(probabilities));
        ArrayView<float> dpv = Sized(dProbabilities, count, nameof(dProbabilities));
        AttentionKernels.SoftmaxBackward(pv, dpv, Sized(dScores, count, nameof(dScores)), rows, keys, scale);
    }

    /// <inheritdoc/>
    public void Gelu(Buf x, Buf y, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArrayView<float> xv = Sized(x, count, nameof(x));
        ElementwiseKernels.Gelu(xv, Sized(y, count, nameof(y)));
    }

    /// <inheritdoc/>
    public void GeluBackward(Buf x, Buf dy, Buf dx, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArrayView<float> xv = Sized(x, count, nameof(x)), dyv = Sized(dy, count, nameof(dy));
        ElementwiseKernels.GeluBackward(xv, dyv, Sized(dx, count, nameof(dx)));
    }

    /// <inheritdoc/>
    /// <remarks>With beta = 0, b is neither read nor checked, as on the CPU back end (a stands in for it in the launch).</remarks>
    public void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArrayView<float> av = Sized(a, count, nameof(a));
        ArrayView<float> bv = beta == 0f ? av : Sized(b, count, nameof(b));
        ElementwiseKernels.Axpby(alpha, av, beta, bv, Sized(y, count, nameof(y)));
    }

    /// <inheritdoc/>
    public void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArrayView<float> av = Sized(a, count, nameof(a)), bv = Sized(b, count, nameof(b));
        ElementwiseKernels.Multiply(av, bv, Sized(y, count, nameof(y)), accumulate);
    }

    /// <inheritdoc/>
    public void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate)
    {
        long count = Count(outer, first) * Count(middle, second) * Count(innermost, 1);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        RequireApart("SwapAxes", x, nameof(x), count, y, nameof(y), count);
        AxisKernels.SwapAxes(xv, yv, new AxisSwap(first, middle, second, innermost, accumulate ? 1 : 0));
    }

    /// <inheritdoc/>
    public void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate)
    {
        long runs = Count(rows, width);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceStride);
        if (rows > 1 && width > 0 && destinationStride < width)
        {
            // Overlapping runs of the destination would race and depend on the copy order.
            throw new ArgumentOutOfRangeException(nameof(destinationStride), destinationStride, $"CopyRows writes runs of {width} floats: 'destinationStride' must be at least {width}.");
        }

        long read = runs == 0 ? 0 : Extent(rows, sourceStride, width), written = runs == 0 ? 0 : Extent(rows, destinationStride, width);
        ArrayView<float> sv = Sized(source, read, nameof(source)), dv = Sized(destination, written, nameof(destination));
        RequireApart("CopyRows", source, nameof(source), read, destination, nameof(destination), written);
        AxisKernels.CopyRows(sv, sourceStride, dv, destinationStride, rows, width, accumulate);
    }

    /// <inheritdoc/>
    public void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width)
    {
        long positions = Count(outer, length);
        ArrayView<float> xv = Sized(x, positions * Count(1, width), nameof(x));
        ArrayView<float> mv = Optional(mask, positions, nameof(mask));
        AxisKernels.Mean(xv, mv, Sized(y, Count(outer, width), nameof(y)), outer, length, width);
    }

    /// <inheritdoc/>
    public void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate)
    {
        long positions = Count(outer, length);
        ArrayView<float> dyv = Sized(dy, Count(outer, width), nameof(dy));
        ArrayView<float> mv = Optional(mask, positions, nameof(mask));
        AxisKernels.MeanBackward(dyv, mv, Sized(dx, positions * Count(1, width), nameof(dx)), outer, length, width, accumulate);
    }

    /// <summary>The floats <paramref name="count"/> items of <paramref name="size"/> floats span at <paramref name="stride"/>; 0 when there is nothing to reach.</summary>
    private static long Extent(int count, long stride, long size) => count == 0 || size == 0 ? 0 : ((count - 1) * stride) + size;

    /// <summary>Refuses two views whose first <paramref name="firstCount"/> and <paramref name="secondCount"/> floats overlap, as SequenceTranspose does.</summary>
    private static void RequireApart(string operation, Buf first, string firstName, long firstCount, Buf second, string secondName, long secondCount)
    {
        if (firstCount > 0 && secondCount > 0 && first.Offset < second.Offset + secondCount && second.Offset < first.Offset + firstCount)
        {
            throw new ArgumentException(
                $"{operation} cannot work in place: '{firstName}' {first.Take((int)firstCount)} and '{secondName}' {second.Take((int)secondCount)} overlap.",
                secondName);
        }
    }
}
