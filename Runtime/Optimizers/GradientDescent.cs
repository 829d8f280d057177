using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Plain (full-batch) gradient descent: each epoch accumulates the gradient of the mean loss over every
/// training row, then takes one step p -= lr * g.
/// </summary>
public sealed class GradientDescent : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size (Keras' SGD default, 0.01).</param>
    public GradientDescent(float learningRate = 0.01f)
        : base(learningRate)
    {
    }

    internal override bool FullBatch => true;

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, Buf slot1, Buf slot2, int step) =>
        backend.SgdStep(parameters, gradients, default, LearningRate, 0f, false);
}
