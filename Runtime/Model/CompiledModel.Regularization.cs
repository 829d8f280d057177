using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' L1 and L2 weight regularisers (a layer's <c>KernelL1</c>, <c>BiasL2</c>, ... which the generator writes into
/// <see cref="ParameterInfo.L1"/> and <see cref="ParameterInfo.L2"/>): every pass that computes the loss adds each
/// regularised tensor's penalty to the batch loss, and a pass that computes gradients adds the penalty's gradient, so
/// <see cref="Fit"/>'s loss and val_loss, <see cref="Evaluate"/>, <see cref="TrainOnBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, Optimizer)"/>,
/// <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float})"/> and the callbacks all see the regularised loss,
/// as Keras 3's <c>compute_loss</c> adds <c>model.losses</c> in its train and test steps alike.
/// </summary>
/// <remarks>
/// As Keras only regularises trainable weights (<c>Layer._get_regularization_losses</c> reads <c>trainable_weights</c>),
/// so are only trainable tensors here. The penalty uses the weights the loss was computed with (before the step's update).
/// A model without regularisers runs exactly as before: no call is made.
/// </remarks>
public abstract partial class CompiledModel
{
    // The trainable tensors with a non-zero L1 or L2 factor, in layout order, found once (no allocation per step).
    private ParameterInfo[]? _regularized;

    private ParameterInfo[] RegularizedParameters => _regularized ??= Array.FindAll(Layout.Parameters, p => p.Trainable && (p.L1 != 0f || p.L2 != 0f));

    /// <summary>
    /// Right after <see cref="ComputeLoss"/>: adds every regularised tensor's penalty, l1 sum|w| + l2 sum w^2, to the loss
    /// slot and, with <paramref name="withGradient"/>, its gradient, l1 sign(w) + 2 l2 w, to the tensor's gradient. The
    /// gradient region was zeroed before the pass and <see cref="Backward"/> accumulates onto it, so the term is counted
    /// once per step whichever comes first (a full-batch epoch adds it with its first chunk only).
    /// </summary>
    private void AddRegularization(bool withGradient)
    {
        ParameterInfo[] regularized = RegularizedParameters;
        if (regularized.Length == 0)
        {
            return;
        }

        Buf loss = Fixed(Layout.LossSlot, 1);
        foreach (ParameterInfo p in regularized)
        {
            Buf gradient = withGradient ? Fixed(Layout.GradientBase + p.Offset, p.Length) : default;
            Backend.Regularize(Fixed(p.Offset, p.Length), gradient, loss, p.L1, p.L2);
        }
    }
}
