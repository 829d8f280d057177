namespace ModelGen.Kernels.Cpu;

// SCAFFOLD: replaced by the CPU attention kernels (helper owns this file).
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon) => throw new NotImplementedException("LayerNormForward");

    /// <inheritdoc/>
    public void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features) => throw new NotImplementedException("LayerNormBackward");

    /// <inheritdoc/>
    public void BatchedGemm(bool transA, bool transB, int count, int m, int n, int k, float alpha, Buf a, int strideA, Buf b, int strideB, float beta, Buf c, int strideC) => throw new NotImplementedException("BatchedGemm");

    /// <inheritdoc/>
    public void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale) => throw new NotImplementedException("AttentionSoftmax");

    /// <inheritdoc/>
    public void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale) => throw new NotImplementedException("AttentionSoftmaxBackward");

    /// <inheritdoc/>
    public void Gelu(Buf x, Buf y, int count) => throw new NotImplementedException("Gelu");

    /// <inheritdoc/>
    public void GeluBackward(Buf x, Buf dy, Buf dx, int count) => throw new NotImplementedException("GeluBackward");

    /// <inheritdoc/>
    public void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count) => throw new NotImplementedException("Axpby");

    /// <inheritdoc/>
    public void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate) => throw new NotImplementedException("Multiply");

    /// <inheritdoc/>
    public void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate) => throw new NotImplementedException("SwapAxes");

    /// <inheritdoc/>
    public void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate) => throw new NotImplementedException("CopyRows");

    /// <inheritdoc/>
    public void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width) => throw new NotImplementedException("MeanAxis");

    /// <inheritdoc/>
    public void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate) => throw new NotImplementedException("MeanAxisBackward");
}
