using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' Adamax, Adam under the infinity norm: m += (g - m)(1 - beta1), u = max(beta2 * u, |g|),
/// p -= lr * m / ((1 - beta1^t) * (u + epsilon)).
/// </summary>
public sealed class Adamax : MomentOptimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the infinity norm, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to u, positive (1e-7).</param>
    public Adamax(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(learningRate, null, beta1, beta2, epsilon)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>Adamax(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the infinity norm, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to u, positive (1e-7).</param>
    public Adamax(LearningRateSchedule learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), beta1, beta2, epsilon)
    {
    }

    private Adamax(float learningRate, LearningRateSchedule? schedule, float beta1, float beta2, float epsilon)
        : base(learningRate, schedule, beta1, beta2, epsilon)
    {
    }

    /// <summary>The first moment <c>m</c> and the exponentially weighted infinity norm <c>u</c>.</summary>
    private protected override IReadOnlyList<string> RuleVariableNames => ["m", "u"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => DescribeMoments("Adamax");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step) =>
        backend.AdamaxStep(parameters, gradients, slots.First, slots.Second, learningRate, Beta1, Beta2, Epsilon, step);
}
