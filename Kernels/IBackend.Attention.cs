namespace ModelGen.Kernels;

/// <summary>
/// The operations of graph models and the attention family: layer normalisation, products of many small matrices,
/// the scaled, masked softmax of attention, GELU, element-wise arithmetic of whole tensors, axis swaps, strided
/// copies (concatenation and splitting) and the mean over one axis. The projections themselves are <see cref="Gemm"/>.
/// </summary>
/// <remarks>
/// Shapes are row-major; "rows" is every leading axis taken together. Unless an operation says "accumulates", it
/// overwrites its output; where it says "may alias", the output may be the same view as that input.
/// </remarks>
public partial interface IBackend
{
    /// <summary>
    /// Layer normalisation of each row of x (rows, F): mean and biased variance over the row,
    /// y = gamma * (x - mean) / sqrt(var + epsilon) + beta; savedMean (rows) and savedInvStd (rows) =
    /// 1 / sqrt(var + epsilon) are kept for the backward pass. The statistics are accumulated in double.
    /// </summary>
    void LayerNormForward(Buf x, Buf y, Buf gamma, Buf beta, Buf savedMean, Buf savedInvStd, int rows, int features, float epsilon);

    /// <summary>
    /// Backward of <see cref="LayerNormForward"/>: with xhat = (x - savedMean) * savedInvStd and g = dy * gamma,
    /// dx = savedInvStd * (g - mean_f(g) - xhat * mean_f(g * xhat)) (overwrites), and accumulates
    /// dGamma += sum over rows of dy * xhat, dBeta += sum over rows of dy.
    /// </summary>
    void LayerNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int rows, int features);

    /// <summary>
    /// <paramref name="count"/> independent products C_i = alpha * op(A_i) op(B_i) + beta * C_i, with the shapes and
    /// transposes of <see cref="Gemm"/>; A_i starts at i * strideA in <paramref name="a"/>, B_i at i * strideB (a
    /// stride of 0 shares one matrix among all products), C_i at i * strideC. With beta = 0, C's old contents are
    /// ignored. Results are bitwise independent of the thread count. With more than one product, strideC must be at
    /// least M N (the products of C must not overlap); strides are never negative.
    /// </summary>
    void BatchedGemm(bool transA, bool transB, int count, int m, int n, int k, float alpha,
        Buf a, int strideA, Buf b, int strideB, float beta, Buf c, int strideC);

    /// <summary>
    /// The softmax of attention over the last axis of scores (batch, heads, queries, keys):
    /// p = softmax(scale * s + bias) per row, numerically stable (the row's maximum subtracted), with bias = 0 where
    /// mask (batch, keys) is 1 and -1e9 where it is 0, as Keras adds it (a row whose keys are all masked comes out
    /// uniform). An empty mask masks nothing. probabilities may alias scores.
    /// </summary>
    void AttentionSoftmax(Buf scores, Buf mask, Buf probabilities, int batch, int heads, int queries, int keys, float scale);

    /// <summary>
    /// Backward of <see cref="AttentionSoftmax"/> from its output p (rows, keys):
    /// dScores = scale * p * (dp - sum_k(dp * p)) per row. dScores may alias dp.
    /// </summary>
    void AttentionSoftmaxBackward(Buf probabilities, Buf dProbabilities, Buf dScores, int rows, int keys, float scale);

    /// <summary>
    /// GELU, exact (erf) form as Keras' and PyTorch's default: y = x * 0.5 * (1 + erf(x / sqrt(2))), element-wise over
    /// the first <paramref name="count"/> floats. y may alias x.
    /// </summary>
    void Gelu(Buf x, Buf y, int count);

    /// <summary>
    /// Backward of <see cref="Gelu"/> from its input x: dx = dy * (Phi(x) + x * phi(x)), with Phi the standard normal
    /// distribution function and phi its density. dx may alias dy.
    /// </summary>
    void GeluBackward(Buf x, Buf dy, Buf dx, int count);

    /// <summary>
    /// y = alpha * a + beta * b element-wise over the first <paramref name="count"/> floats; with beta = 0, b is not
    /// read (even NaN). y may alias a or b. Covers sums, differences, scaling, and accumulating gradients (y = a).
    /// </summary>
    void Axpby(float alpha, Buf a, float beta, Buf b, Buf y, int count);

    /// <summary>
    /// y = a * b element-wise over the first <paramref name="count"/> floats, or y += a * b when
    /// <paramref name="accumulate"/>. y may alias a or b when not accumulating.
    /// </summary>
    void Multiply(Buf a, Buf b, Buf y, int count, bool accumulate);

    /// <summary>
    /// Swaps two axes of x (outer, first, middle, second, innermost) into y (outer, second, middle, first, innermost); any
    /// transpose of two axes is one of these (a 1 stands for an absent group). With <paramref name="accumulate"/>,
    /// y += the swapped x. The views must not overlap.
    /// </summary>
    void SwapAxes(Buf x, Buf y, int outer, int first, int middle, int second, int innermost, bool accumulate);

    /// <summary>
    /// Copies <paramref name="rows"/> runs of <paramref name="width"/> floats: run r from source at r * sourceStride
    /// to destination at r * destinationStride (concatenation writes each part at its column offset, splitting reads
    /// it). With <paramref name="accumulate"/>, destination += the runs. The views must not overlap, nor may the
    /// destination's runs (destinationStride at least width when rows &gt; 1); a sourceStride of 0 repeats one run.
    /// </summary>
    void CopyRows(Buf source, int sourceStride, Buf destination, int destinationStride, int rows, int width, bool accumulate);

    /// <summary>
    /// The mean over the middle axis of x (outer, length, width) into y (outer, width). With mask (outer, length) not
    /// empty, the mean of the unmasked positions only (Keras' GlobalAveragePooling1D with a mask; a row with none
    /// gives 0).
    /// </summary>
    void MeanAxis(Buf x, Buf mask, Buf y, int outer, int length, int width);

    /// <summary>
    /// Backward of <see cref="MeanAxis"/>: dx (outer, length, width) = dy (outer, width) / n at every (unmasked)
    /// position, 0 at masked ones, with n the count of positions averaged; with <paramref name="accumulate"/>, dx +=.
    /// </summary>
    void MeanAxisBackward(Buf dy, Buf mask, Buf dx, int outer, int length, int width, bool accumulate);
}
