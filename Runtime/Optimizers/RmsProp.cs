using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' RMSprop: s = rho * s + (1 - rho) * g^2; p -= lr * g / sqrt(s + epsilon). Centred, the mean gradient
/// a = rho * a + (1 - rho) * g is kept too and the root is taken of s - a^2 + epsilon; with momentum the step is
/// accumulated, mom = momentum * mom + lr * g / sqrt(...), and p -= mom (Keras 3's rmsprop.py).
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="rho">Decay of the mean square, in [0, 1) (0.9).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    /// <param name="momentum">Keras' <c>momentum</c>, in [0, 1) (0: none).</param>
    /// <param name="centered">Keras' <c>centered</c>: normalise by the estimated variance of the gradient instead of its mean square (false).</param>
    public RmsProp(float learningRate = 1e-3f, float rho = 0.9f, float epsilon = 1e-7f, float momentum = 0f, bool centered = false)
        : this(learningRate, null, rho, epsilon, momentum, centered)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>RMSprop(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="rho">Decay of the mean square, in [0, 1) (0.9).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    /// <param name="momentum">Keras' <c>momentum</c>, in [0, 1) (0: none).</param>
    /// <param name="centered">Keras' <c>centered</c>: normalise by the estimated variance of the gradient instead of its mean square (false).</param>
    public RmsProp(LearningRateSchedule learningRate, float rho = 0.9f, float epsilon = 1e-7f, float momentum = 0f, bool centered = false)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), rho, epsilon, momentum, centered)
    {
    }

    private RmsProp(float learningRate, LearningRateSchedule? schedule, float rho, float epsilon, float momentum, bool centered)
        : base(learningRate, schedule)
    {
        Rho = RequireFraction(rho, nameof(rho));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
        Momentum = RequireFraction(momentum, nameof(momentum));
        Centered = centered;
    }

    /// <summary>Decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>Added inside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The momentum factor; 0 for none.</summary>
    public float Momentum { get; }

    /// <summary>Whether the mean gradient's square is taken off the mean square.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    /// <remarks>velocity, then momentum when <see cref="Momentum"/> is not 0, then average_gradient when <see cref="Centered"/> (Keras 3's names).</remarks>
    private protected override IReadOnlyList<string> RuleVariableNames => (Momentum != 0f, Centered) switch
    {
        (false, false) => ["velocity"],
        (true, false) => ["velocity", "momentum"],
        (false, true) => ["velocity", "average_gradient"],
        _ => ["velocity", "momentum", "average_gradient"],
    };

    /// <inheritdoc/>
    private protected override string DescribeRule() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"RMSprop(rho={Rho}, epsilon={Epsilon}{(Momentum != 0f ? $", momentum={Momentum}" : "")}{(Centered ? ", centered=True" : "")})");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step)
    {
        if (Momentum == 0f && !Centered)
        {
            backend.RmsPropStep(parameters, gradients, slots.First, learningRate, Rho, Epsilon);
            return;
        }

        // The variables fill the slots in VariableNames' order: the mean gradient takes the second when there is no momentum.
        Buf momentum = Momentum != 0f ? slots.Second : default;
        Buf average = Centered ? (Momentum != 0f ? slots.Third : slots.Second) : default;
        backend.RmsPropStep(parameters, gradients, slots.First, momentum, average, learningRate, Rho, Momentum, Epsilon);
    }
}
