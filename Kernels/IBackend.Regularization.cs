namespace ModelGen.Kernels;

/// <summary>
/// Keras' L1 and L2 weight regularisers (<c>keras.regularizers.L1L2</c>): the penalty of one parameter tensor, added to
/// the batch loss, and its gradient, added to the tensor's gradient. The runtime calls it once per regularised tensor
/// after the loss (and the backward pass, when gradients are wanted).
/// </summary>
/// <remarks>
/// Keras' penalty is <c>l1 * sum(|w|) + l2 * sum(w^2)</c>, each term only when its factor is non-zero; its gradient
/// <c>l1 * sign(w) + 2 * l2 * w</c>, with sign(+-0) = 0 and sign(NaN) = NaN as TensorFlow's. The sums are taken in
/// double in an order fixed by the element count alone (not by the vector width or the thread count), so the loss is
/// the same bits on every run of a back end.
/// </remarks>
public partial interface IBackend
{
    /// <summary>
    /// parameters, gradients (N), loss (1): when <paramref name="gradients"/> is not empty, accumulates
    /// g += l1 * sign(w) + 2 * l2 * w (a term only when its factor is non-zero); then
    /// loss[0] += l1 * sum |w| + l2 * sum w^2, the sums in double, the total rounded once to float.
    /// <paramref name="l1"/> and <paramref name="l2"/> are finite and non-negative; the views must not overlap.
    /// </summary>
    void Regularize(Buf parameters, Buf gradients, Buf loss, float l1, float l2);
}
