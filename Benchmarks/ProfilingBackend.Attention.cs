using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>The graph and attention operations (<c>IBackend.Attention.cs</c>), timed and forwarded like the others.</summary>
internal sealed partial class ProfilingBackend
{
    public void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon) =>
        Time("LayerNormForward", () => inner.LayerNormForward(x, y, gamma, beta, savedMean, savedInvStd, rows, features, epsilon));

    public void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features) =>
        Time("LayerNormBackward", () => inner.LayerNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, rows, features));

    public void BatchedGemm(bool transA, bool transB, int count, int m, int n, int k, float alpha, Buf a, int strideA, Buf b, int strideB, float beta, Buf c, int strideC) =>
        Time("BatchedGemm", () => inner.BatchedGemm(transA, transB, count, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC));

    public void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale) =>
        Time("AttentionSoftmax", () => inner.AttentionSoftmax(scores, mask, probabilities, batch, heads, queries, keys, scale));

    public void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale) =>
        Time("AttentionSoftmaxBackward", () => inner.AttentionSoftmaxBackward(probabilities, dProbabilities, dScores, rows, keys, scale));

    public void Gelu(Buf x, Buf y, int count) =>
        Time("Gelu", () => inner.Gelu(x, y, count));

    public void GeluBackward(Buf x, Buf dy, Buf dx, int count) =>
        Time("GeluBackward", () => inner.GeluBackward(x, dy, dx, count));

    public void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count) =>
        Time("Axpby", () => inner.Axpby(alpha, a, beta, b, y, count));

    public void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate) =>
        Time("Multiply", () => inner.Multiply(a, b, y, count, accumulate));

    public void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate) =>
        Time("SwapAxes", () => inner.SwapAxes(x, y, outer, first, middle, second, innermost, accumulate));

    public void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate) =>
        Time("CopyRows", () => inner.CopyRows(source, sourceStride, destination, destinationStride, rows, width, accumulate));

    public void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width) =>
        Time("MeanAxis", () => inner.MeanAxis(x, mask, y, outer, length, width));

    public void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate) =>
        Time("MeanAxisBackward", () => inner.MeanAxisBackward(dy, mask, dx, outer, length, width, accumulate));
}
