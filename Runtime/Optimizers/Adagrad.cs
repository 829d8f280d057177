using ModelGen.Kernels;

namespace ModelGen;

/// <summary>Keras' Adagrad: a += g^2; p -= lr * g / sqrt(a + epsilon), the accumulator starting at <see cref="InitialAccumulator"/>.</summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="initialAccumulator">The accumulator's start, not negative (0.1).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    public Adagrad(float learningRate = 1e-3f, float initialAccumulator = 0.1f, float epsilon = 1e-7f)
        : this(learningRate, null, initialAccumulator, epsilon)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>Adagrad(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="initialAccumulator">The accumulator's start, not negative (0.1).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    public Adagrad(LearningRateSchedule learningRate, float initialAccumulator = 0.1f, float epsilon = 1e-7f)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), initialAccumulator, epsilon)
    {
    }

    private Adagrad(float learningRate, LearningRateSchedule? schedule, float initialAccumulator, float epsilon)
        : base(learningRate, schedule)
    {
        if (!(initialAccumulator >= 0f) || !float.IsFinite(initialAccumulator))
        {
            throw new ArgumentOutOfRangeException(nameof(initialAccumulator), initialAccumulator, $"initialAccumulator must be finite and not negative, but it is {initialAccumulator}.");
        }

        InitialAccumulator = initialAccumulator;
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>The accumulator's start.</summary>
    public float InitialAccumulator { get; }

    /// <summary>Added inside the square root.</summary>
    public float Epsilon { get; }

    private protected override void ResetState(IBackend backend, OptimizerSlots slots)
    {
        backend.Fill(slots.First, InitialAccumulator);
        backend.Fill(slots.Second, 0f);
        backend.Fill(slots.Third, 0f);
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> RuleVariableNames => ["accumulator"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Adagrad(initial_accumulator_value={InitialAccumulator}, epsilon={Epsilon})");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step) =>
        backend.AdagradStep(parameters, gradients, slots.First, learningRate, Epsilon);
}
