using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The graph and attention operations (<c>IBackend.Attention.cs</c>), timed and forwarded like the others; each label
/// names the call's sizes, so the calls of one shape sum to one line of a profile.
/// </summary>
internal sealed partial class ProfilingBackend
{
    public void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon) =>
        Time($"LayerNormForward ({rows}, {features})", () => inner.LayerNormForward(x, y, gamma, beta, savedMean, savedInvStd, rows, features, epsilon));

    public void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features) =>
        Time($"LayerNormBackward ({rows}, {features})", () => inner.LayerNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, rows, features));

    public void BatchedGemm(bool transA, bool transB, int count, int m, int n, int k, float alpha, Buf a, int strideA, Buf b, int strideB, float beta, Buf c, int strideC) =>
        Time($"BatchedGemm {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {count} x {m}x{n}x{k}",
            () => inner.BatchedGemm(transA, transB, count, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC));

    public void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale) =>
        Time($"AttentionSoftmax ({batch}, {heads}, {queries}, {keys}){Masked(mask)}", () => inner.AttentionSoftmax(scores, mask, probabilities, batch, heads, queries, keys, scale));

    public void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale) =>
        Time($"AttentionSoftmaxBackward ({rows}, {keys})", () => inner.AttentionSoftmaxBackward(probabilities, dProbabilities, dScores, rows, keys, scale));

    public void Gelu(Buf x, Buf y, int count) =>
        Time($"Gelu {count}", () => inner.Gelu(x, y, count));

    public void GeluBackward(Buf x, Buf dy, Buf dx, int count) =>
        Time($"GeluBackward {count}", () => inner.GeluBackward(x, dy, dx, count));

    public void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count) =>
        Time($"Axpby {count} ({alpha:G3} a + {beta:G3} b{(b.Offset == y.Offset && beta != 0 ? ", in place" : "")})", () => inner.Axpby(alpha, a, beta, b, y, count));

    public void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate) =>
        Time($"Multiply {count}{(accumulate ? " +=" : "")}", () => inner.Multiply(a, b, y, count, accumulate));

    public void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate) =>
        Time($"SwapAxes ({outer}, {first}, {middle}, {second}, {innermost}) -> ({outer}, {second}, {middle}, {first}, {innermost}){(accumulate ? " +=" : "")}",
            () => inner.SwapAxes(x, y, outer, first, middle, second, innermost, accumulate));

    public void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate) =>
        Time($"CopyRows {rows} x {width}{(accumulate ? " +=" : "")}", () => inner.CopyRows(source, sourceStride, destination, destinationStride, rows, width, accumulate));

    public void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width) =>
        Time($"MeanAxis ({outer}, {length}, {width}){Masked(mask)}", () => inner.MeanAxis(x, mask, y, outer, length, width));

    public void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate) =>
        Time($"MeanAxisBackward ({outer}, {length}, {width}){Masked(mask)}", () => inner.MeanAxisBackward(dy, mask, dx, outer, length, width, accumulate));
}
