using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' AdamW: <see cref="Adam"/> with decoupled weight decay, p -= p * weightDecay * lr before each Adam update,
/// <see cref="Optimizer.WeightDecay"/> 0.004 unless given (Keras' default). The same as
/// <c>new Adam(...) { WeightDecay = weightDecay }</c>, under its own name.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="weightDecay">The decoupled weight decay, finite and not negative (0.004).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v), positive (1e-7).</param>
    public AdamW(float learningRate = 1e-3f, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(learningRate, null, weightDecay, beta1, beta2, epsilon)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>AdamW(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update (the decay uses it too).</param>
    /// <param name="weightDecay">The decoupled weight decay, finite and not negative (0.004).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v), positive (1e-7).</param>
    public AdamW(LearningRateSchedule learningRate, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), weightDecay, beta1, beta2, epsilon)
    {
    }

    private AdamW(float learningRate, LearningRateSchedule? schedule, float weightDecay, float beta1, float beta2, float epsilon)
        : base(learningRate, schedule)
    {
        WeightDecay = weightDecay;
        Beta1 = RequireFraction(beta1, nameof(beta1));
        Beta2 = RequireFraction(beta2, nameof(beta2));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the root of the second moment.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => ["m", "v"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"AdamW(beta_1={Beta1}, beta_2={Beta2}, epsilon={Epsilon})");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, Buf slot1, Buf slot2, float learningRate, int step) =>
        backend.AdamStep(parameters, gradients, slot1, slot2, learningRate, Beta1, Beta2, Epsilon, step);
}
