using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Plain (full-batch) gradient descent: each epoch accumulates the gradient of the mean loss over every
/// training row, then takes one step p -= lr * g. A schedule therefore advances once per epoch: epoch e
/// (from 0) steps with the schedule's rate at step e.
/// </summary>
public sealed class GradientDescent : Optimizer
{
    /// <summary>Creates the optimizer with a constant learning rate.</summary>
    /// <param name="learningRate">The step size (Keras' SGD default, 0.01).</param>
    public GradientDescent(float learningRate = 0.01f)
        : base(learningRate, null)
    {
    }

    /// <summary>Creates the optimizer, its step size given by a schedule evaluated at the epoch's step count.</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> (the epochs done) before each update.</param>
    public GradientDescent(LearningRateSchedule learningRate)
        : base(0f, RequireSchedule(learningRate, nameof(learningRate)))
    {
    }

    internal override bool FullBatch => true;

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step) =>
        backend.SgdStep(parameters, gradients, default, learningRate, 0f, false);
}
