namespace ModelGen.Kernels;

/// <summary>
/// Keras' Masking layer: the padding mask of a sequence of floats, computed from its values. A step (a row of F
/// features) is padding when every feature equals the mask value; such a step is zeroed and its mask is 0, and the
/// (B, T) mask goes on to the layers after it (the recurrent steps, the attention softmax, the masked mean) as an
/// embedding's MaskZero mask does.
/// </summary>
/// <remarks>
/// Shapes are row-major, (batch, steps, features). The comparison is IEEE equality, as Keras' <c>not_equal</c>: a NaN
/// feature never equals the value, so its step is kept. Both operations overwrite their outputs.
/// </remarks>
public partial interface IBackend
{
    /// <summary>
    /// x, y (batch, steps, features), mask (batch, steps): mask[b, t] = 1 where some feature x[b, t, f] != value,
    /// else 0; y = x * mask (each step's features times its mask). y may alias x.
    /// </summary>
    void Masking(Buf x, Buf y, Buf mask, int batch, int steps, int features, float value);

    /// <summary>
    /// Backward of <see cref="Masking"/>: dx (batch, steps, features) = dy * mask, dy where the step is kept and 0 where
    /// it is padding (the mask itself, a step function of x, has no gradient). dx may alias dy.
    /// </summary>
    void MaskingBackward(Buf dy, Buf mask, Buf dx, int batch, int steps, int features);
}
