namespace ModelGen;

/// <summary>
/// A tensor in a graph model's <c>[Forward]</c> body. The body is a specification that ModelGen's generator reads at
/// compile time and compiles into straight-line Forward and Backward passes; it never runs. Every shape is the shape
/// of one sample; axes count the batch as axis 0, as PyTorch and Keras do, so the sample's first axis is 1 and -1 is
/// the last.
/// </summary>
/// <remarks>Calling any member at run time throws: use the model's Predict, Fit and Evaluate.</remarks>
public readonly struct Tensor
{
    private const string Message = "A [Forward] body is compiled by ModelGen's generator and never runs; call Predict, Fit or Evaluate on the model.";

    /// <summary>Element-wise sum of two tensors of the same shape.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => throw new NotSupportedException(Message);

    /// <summary>Element-wise difference of two tensors of the same shape.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => throw new NotSupportedException(Message);

    /// <summary>Element-wise product of two tensors of the same shape.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => throw new NotSupportedException(Message);

    /// <summary>Scales a tensor by a compile-time constant.</summary>
    public static Tensor operator *(Tensor a, float scale) => throw new NotSupportedException(Message);

    /// <summary>Scales a tensor by a compile-time constant.</summary>
    public static Tensor operator *(float scale, Tensor a) => throw new NotSupportedException(Message);

    /// <summary>Divides a tensor by a compile-time constant.</summary>
    public static Tensor operator /(Tensor a, float divisor) => throw new NotSupportedException(Message);

    /// <summary>Negates a tensor.</summary>
    public static Tensor operator -(Tensor a) => throw new NotSupportedException(Message);

    /// <summary>
    /// The product of the last two axes of a and b, batched over the axes before them (which must match):
    /// (..., M, K) x (..., K, N) -> (..., M, N), each operand transposed first when asked (torch.matmul).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false) => throw new NotSupportedException(Message);

    /// <summary>
    /// Softmax over one axis (the last by default), numerically stable. Over the step axis (1) of a sequence that
    /// carries a padding mask (from an embedding with MaskZero), masked steps get Keras' -1e9 before it, as Keras'
    /// Softmax layer applies its mask: MCAN's attentional reduction over positions.
    /// </summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => throw new NotSupportedException(Message);

    /// <summary>Swaps two axes (torch.transpose); axis 0 is the batch and cannot move.</summary>
    public static Tensor Transpose(Tensor x, int axis1, int axis2) => throw new NotSupportedException(Message);

    /// <summary>The same floats seen with another per-sample shape of the same size (the batch is not given).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape) => throw new NotSupportedException(Message);

    /// <summary>Joins tensors along one axis (torch.cat); the other axes must match.</summary>
    public static Tensor Concat(Tensor[] parts, int axis = -1) => throw new NotSupportedException(Message);

    /// <summary>Splits a tensor into <paramref name="parts"/> equal pieces along one axis (torch.chunk).</summary>
    public static Tensor[] Split(Tensor x, int parts, int axis = -1) => throw new NotSupportedException(Message);

    /// <summary>Splits a tensor into pieces of the given sizes along one axis (torch.split with a list of sizes).</summary>
    public static Tensor[] Split(Tensor x, int[] sizes, int axis = -1) => throw new NotSupportedException(Message);

    /// <summary>The mean over one axis, which is removed (torch.mean with keepdim false).</summary>
    public static Tensor Mean(Tensor x, int axis) => throw new NotSupportedException(Message);
}
