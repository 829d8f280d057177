using ModelGen.Kernels.Cpu.Gemm;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The graph and attention operations (<c>IBackend.Attention.cs</c>): views validated here, before anything is written,
/// the work done in LayerNormCpu, BatchedGemmCpu, AttentionCpu, GeluCpu and ElementwiseCpu. An empty mask means "none".
/// Each split kernel's job is made on first use and reused (no allocation per call).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private LayerNormCpu.ForwardJob? _layerNormForward;
    private LayerNormCpu.BackwardJob? _layerNormBackward;
    private BatchedGemmCpu? _batchedGemm;
    private AttentionCpu.SoftmaxJob? _attentionSoftmax;
    private AttentionCpu.SoftmaxBackwardJob? _attentionSoftmaxBackward;
    private GeluCpu.ForwardJob? _gelu;
    private GeluCpu.BackwardJob? _geluBackward;
    private ElementwiseCpu.AxpbyJob? _axpby;
    private ElementwiseCpu.MultiplyJob? _multiply;

    /// <inheritdoc/>
    public void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon)
    {
        long count = Count(rows, features);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Sized(gamma, features, nameof(gamma));
        Sized(beta, features, nameof(beta));
        Sized(savedMean, rows, nameof(savedMean));
        Sized(savedInvStd, rows, nameof(savedInvStd));
        (_layerNormForward ??= new LayerNormCpu.ForwardJob(_gemm)).Run(_base + x.Offset, _base + y.Offset, _base + gamma.Offset,
            _base + beta.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset, rows, features, epsilon);
    }

    /// <inheritdoc/>
    public void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features)
    {
        long count = Count(rows, features);
        Sized(x, count, nameof(x));
        Sized(dy, count, nameof(dy));
        Sized(dx, count, nameof(dx));
        Sized(gamma, features, nameof(gamma));
        Sized(dGamma, features, nameof(dGamma));
        Sized(dBeta, features, nameof(dBeta));
        Sized(savedMean, rows, nameof(savedMean));
        Sized(savedInvStd, rows, nameof(savedInvStd));
        (_layerNormBackward ??= new LayerNormCpu.BackwardJob(_gemm)).Run(_base + x.Offset, _base + dy.Offset, _base + dx.Offset,
            _base + gamma.Offset, _base + dGamma.Offset, _base + dBeta.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset, rows, features);
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
            // Overlapping products of C would race on the pool and depend on their order.
            throw new ArgumentOutOfRangeException(nameof(strideC), strideC, $"BatchedGemm writes {count} products of {product} floats: 'strideC' must be at least {product}.");
        }

        Sized(a, Extent(count, strideA, (long)m * k), nameof(a));
        Sized(b, Extent(count, strideB, (long)k * n), nameof(b));
        Sized(c, Extent(count, strideC, product), nameof(c));
        (_batchedGemm ??= new BatchedGemmCpu(_gemm)).Run(transA, transB, count, m, n, k, alpha, _base + a.Offset, strideA, _base + b.Offset, strideB,
            beta, _base + c.Offset, strideC);
    }

    /// <inheritdoc/>
    public void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale)
    {
        long rows = Count(batch, heads) * Count(queries, 1);
        long count = rows * Count(1, keys);
        Sized(scores, count, nameof(scores));
        float* m = Optional(mask, Count(batch, keys), nameof(mask));
        Sized(probabilities, count, nameof(probabilities));
        if (count == 0)
        {
            return;
        }

        (_attentionSoftmax ??= new AttentionCpu.SoftmaxJob(_gemm)).Run(_base + scores.Offset, m, _base + probabilities.Offset, (int)rows,
            heads * queries, keys, scale);
    }

    /// <inheritdoc/>
    public void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale)
    {
        long count = Count(rows, keys);
        Sized(probabilities, count, nameof(probabilities));
        Sized(dProbabilities, count, nameof(dProbabilities));
        Sized(dScores, count, nameof(dScores));
        (_attentionSoftmaxBackward ??= new AttentionCpu.SoftmaxBackwardJob(_gemm)).Run(_base + probabilities.Offset, _base + dProbabilities.Offset,
            _base + dScores.Offset, rows, keys, scale);
    }

    /// <inheritdoc/>
    public void Gelu(Buf x, Buf y, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        (_gelu ??= new GeluCpu.ForwardJob(_gemm)).Run(_base + x.Offset, _base + y.Offset, count);
    }

    /// <inheritdoc/>
    public void GeluBackward(Buf x, Buf dy, Buf dx, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Sized(x, count, nameof(x));
        Sized(dy, count, nameof(dy));
        Sized(dx, count, nameof(dx));
        (_geluBackward ??= new GeluCpu.BackwardJob(_gemm)).Run(_base + x.Offset, _base + dy.Offset, _base + dx.Offset, count);
    }

    /// <inheritdoc/>
    public void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Sized(a, count, nameof(a));
        float* pb = null;
        if (beta != 0f)
        {
            Sized(b, count, nameof(b));
            pb = _base + b.Offset;
        }

        Sized(y, count, nameof(y));
        (_axpby ??= new ElementwiseCpu.AxpbyJob(_gemm)).Run(alpha, _base + a.Offset, beta, pb, _base + y.Offset, count);
    }

    /// <inheritdoc/>
    public void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Sized(a, count, nameof(a));
        Sized(b, count, nameof(b));
        Sized(y, count, nameof(y));
        (_multiply ??= new ElementwiseCpu.MultiplyJob(_gemm)).Run(_base + a.Offset, _base + b.Offset, _base + y.Offset, count, accumulate);
    }

    /// <inheritdoc/>
    public void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate)
    {
        long count = Count(outer, first) * Count(middle, second) * Count(innermost, 1);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Disjoint("SwapAxes", x.Offset, count, nameof(x), y.Offset, count, nameof(y));
        ElementwiseCpu.SwapAxes(_base + x.Offset, _base + y.Offset, outer, first, middle, second, innermost, accumulate);
    }

    /// <inheritdoc/>
    public void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate)
    {
        long runs = Count(rows, width);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceStride);
        if (rows > 1 && width > 0 && destinationStride < width)
        {
            // Overlapping runs of the destination would make the result depend on the copy order.
            throw new ArgumentOutOfRangeException(nameof(destinationStride), destinationStride, $"CopyRows writes runs of {width} floats: 'destinationStride' must be at least {width}.");
        }

        long sourceExtent = runs == 0 ? 0 : Extent(rows, sourceStride, width), destinationExtent = runs == 0 ? 0 : Extent(rows, destinationStride, width);
        Sized(source, sourceExtent, nameof(source));
        Sized(destination, destinationExtent, nameof(destination));
        Disjoint("CopyRows", source.Offset, sourceExtent, nameof(source), destination.Offset, destinationExtent, nameof(destination));
        ElementwiseCpu.CopyRows(_base + source.Offset, sourceStride, _base + destination.Offset, destinationStride, rows, width, accumulate);
    }

    /// <inheritdoc/>
    public void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width)
    {
        long positions = Count(outer, length);
        Sized(x, positions * Count(1, width), nameof(x));
        float* m = Optional(mask, positions, nameof(mask));
        Sized(y, Count(outer, width), nameof(y));
        ElementwiseCpu.MeanAxis(_base + x.Offset, m, _base + y.Offset, outer, length, width);
    }

    /// <inheritdoc/>
    public void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate)
    {
        long positions = Count(outer, length);
        Sized(dy, Count(outer, width), nameof(dy));
        float* m = Optional(mask, positions, nameof(mask));
        Sized(dx, positions * Count(1, width), nameof(dx));
        ElementwiseCpu.MeanAxisBackward(_base + dy.Offset, m, _base + dx.Offset, outer, length, width, accumulate);
    }

    /// <summary>Floats spanned by <paramref name="count"/> blocks of <paramref name="size"/> placed <paramref name="stride"/> apart (0 when there are none).</summary>
    private static long Extent(int count, long stride, long size) => count == 0 || size == 0 ? 0 : ((count - 1) * stride) + size;

    /// <summary>Throws when the spans [first, first + firstCount) and [second, second + secondCount) overlap.</summary>
    private static void Disjoint(string operation, int first, long firstCount, string firstName, int second, long secondCount, string secondName)
    {
        if (firstCount > 0 && secondCount > 0 && first < second + secondCount && second < first + firstCount)
        {
            throw new ArgumentException(
                $"{operation} cannot work in place: '{firstName}' [{first}, {first + firstCount}) and '{secondName}' [{second}, {second + secondCount}) overlap.",
                secondName);
        }
    }
}
