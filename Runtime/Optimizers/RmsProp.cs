using ModelGen.Kernels;

namespace ModelGen;

/// <summary>Keras' RMSprop (without momentum, not centred): s = rho * s + (1 - rho) * g^2; p -= lr * g / sqrt(s + epsilon).</summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="rho">Decay of the mean square, in [0, 1) (0.9).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    public RmsProp(float learningRate = 1e-3f, float rho = 0.9f, float epsilon = 1e-7f)
        : this(learningRate, null, rho, epsilon)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>RMSprop(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="rho">Decay of the mean square, in [0, 1) (0.9).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    public RmsProp(LearningRateSchedule learningRate, float rho = 0.9f, float epsilon = 1e-7f)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), rho, epsilon)
    {
    }

    private RmsProp(float learningRate, LearningRateSchedule? schedule, float rho, float epsilon)
        : base(learningRate, schedule)
    {
        Rho = RequireFraction(rho, nameof(rho));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>Decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>Added inside the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => ["velocity"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"RMSprop(rho={Rho}, epsilon={Epsilon})");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, Buf slot1, Buf slot2, float learningRate, int step) =>
        backend.RmsPropStep(parameters, gradients, slot1, learningRate, Rho, Epsilon);
}
