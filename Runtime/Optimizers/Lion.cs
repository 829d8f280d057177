using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' Lion (evolved sign momentum): p -= lr * sign(beta1 * m + (1 - beta1) * g), then
/// m = beta2 * m + (1 - beta2) * g. Its update has unit size per element, so its rate is usually 3 to 10 times
/// smaller than Adam's.
/// </summary>
public sealed class Lion : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="beta1">The momentum's weight in the update's sign, in (0, 1] (0.9).</param>
    /// <param name="beta2">Decay of the momentum, in [0, 1] (0.99).</param>
    public Lion(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.99f)
        : this(learningRate, null, beta1, beta2)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>Lion(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="beta1">The momentum's weight in the update's sign, in (0, 1] (0.9).</param>
    /// <param name="beta2">Decay of the momentum, in [0, 1] (0.99).</param>
    public Lion(LearningRateSchedule learningRate, float beta1 = 0.9f, float beta2 = 0.99f)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), beta1, beta2)
    {
    }

    private Lion(float learningRate, LearningRateSchedule? schedule, float beta1, float beta2)
        : base(learningRate, schedule)
    {
        if (!(beta1 > 0f && beta1 <= 1f))
        {
            // Keras: "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to SignSGD."
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"beta1 must lie in (0, 1], but it is {beta1}; at 0 Lion degenerates to SignSGD.");
        }

        if (!(beta2 >= 0f && beta2 <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"beta2 must lie in [0, 1], but it is {beta2}.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
    }

    /// <summary>The momentum's weight in the update's sign.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the momentum.</summary>
    public float Beta2 { get; }

    /// <summary>The momentum <c>m</c>.</summary>
    private protected override IReadOnlyList<string> RuleVariableNames => ["m"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Lion(beta_1={Beta1}, beta_2={Beta2})");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step) =>
        backend.LionStep(parameters, gradients, slots.First, learningRate, Beta1, Beta2);
}
