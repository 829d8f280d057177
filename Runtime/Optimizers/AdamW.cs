namespace ModelGen;

/// <summary>
/// Keras' AdamW: <see cref="Adam"/> (whose subclass it is, as in Keras) with decoupled weight decay,
/// p -= p * weightDecay * lr before each Adam update, <see cref="Optimizer.WeightDecay"/> 0.004 unless given (Keras'
/// default). The same as <c>new Adam(...) { WeightDecay = weightDecay }</c>, under its own name.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="weightDecay">The decoupled weight decay, finite and not negative (0.004).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v), positive (1e-7).</param>
    /// <param name="amsgrad">Keras' <c>amsgrad</c>: divide by the running maximum of v, velocity_hat, instead of v (false).</param>
    public AdamW(float learningRate = 1e-3f, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f, bool amsgrad = false)
        : base(learningRate, null, beta1, beta2, epsilon, amsgrad) => WeightDecay = weightDecay;

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>AdamW(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update (the decay uses it too).</param>
    /// <param name="weightDecay">The decoupled weight decay, finite and not negative (0.004).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v), positive (1e-7).</param>
    /// <param name="amsgrad">Keras' <c>amsgrad</c>: divide by the running maximum of v, velocity_hat, instead of v (false).</param>
    public AdamW(LearningRateSchedule learningRate, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f, bool amsgrad = false)
        : base(0f, RequireSchedule(learningRate, nameof(learningRate)), beta1, beta2, epsilon, amsgrad) => WeightDecay = weightDecay;

    /// <inheritdoc/>
    private protected override string DescribeRule() => "AdamW" + base.DescribeRule()["Adam".Length..];
}
