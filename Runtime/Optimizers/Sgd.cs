using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' SGD on mini-batches: p -= lr * g; with momentum the velocity v = momentum * v - lr * g is added,
/// with Nesterov p += momentum * v - lr * g.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (0.01).</param>
    /// <param name="momentum">The velocity's decay, in [0, 1) (0).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (false).</param>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false)
        : this(learningRate, null, momentum, nesterov)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>SGD(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="momentum">The velocity's decay, in [0, 1) (0).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (false).</param>
    public Sgd(LearningRateSchedule learningRate, float momentum = 0f, bool nesterov = false)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), momentum, nesterov)
    {
    }

    private Sgd(float learningRate, LearningRateSchedule? schedule, float momentum, bool nesterov)
        : base(learningRate, schedule)
    {
        Momentum = RequireFraction(momentum, nameof(momentum));
        Nesterov = nesterov;
    }

    /// <summary>The velocity's decay.</summary>
    public float Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> RuleVariableNames => Momentum == 0f ? [] : ["momentum"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SGD(momentum={Momentum}, nesterov={Nesterov})");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step) =>
        backend.SgdStep(parameters, gradients, Momentum == 0f ? default : slots.First, learningRate, Momentum, Nesterov);
}
