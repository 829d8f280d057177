using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras 3's Nadam, Adam with Nesterov momentum under a momentum schedule u_t = beta1 * (1 - 0.5 * 0.96^t):
/// m += (g - m)(1 - beta1), v += (g^2 - v)(1 - beta2), with u_product = u_1 * ... * u_t,
/// m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product), v_hat = v / (1 - beta2^t),
/// p -= m_hat * lr / (sqrt(v_hat) + epsilon).
/// </summary>
/// <remarks>
/// Keras keeps u_product as a float32 variable updated once per step; here it lives on the host, updated in float32 the
/// same way. It is a function of the step count alone, so a checkpoint, which restores <see cref="Optimizer.Iterations"/>,
/// restores it too: after a restore (or a reset) the product is recomputed by the same float32 multiplications.
/// </remarks>
public sealed class Nadam : MomentOptimizer
{
    private float _uProduct = 1f;
    private int _uProductSteps;

    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v_hat), positive (1e-7).</param>
    public Nadam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(learningRate, null, beta1, beta2, epsilon)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>Nadam(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v_hat), positive (1e-7).</param>
    public Nadam(LearningRateSchedule learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), beta1, beta2, epsilon)
    {
    }

    private Nadam(float learningRate, LearningRateSchedule? schedule, float beta1, float beta2, float epsilon)
        : base(learningRate, schedule, beta1, beta2, epsilon)
    {
    }

    /// <summary>
    /// Keras' <c>u_product</c> after <see cref="Optimizer.Iterations"/> steps: the product of u_t = beta1 (1 - 0.5 * 0.96^t)
    /// over the steps taken, in float32; 1 before the first.
    /// </summary>
    public float MomentumProduct => ProductAfter(Iterations);

    /// <summary>The first moment <c>m</c> and the second moment <c>v</c>.</summary>
    private protected override IReadOnlyList<string> RuleVariableNames => ["m", "v"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => DescribeMoments("Nadam");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step)
    {
        // Keras' _backend_update_step: u_product *= beta_1 * (1 - 0.5 * 0.96^(iterations + 1)) before the update.
        float product = ProductAfter(step);
        backend.NadamStep(parameters, gradients, slots.First, slots.Second, learningRate, Beta1, Beta2, Epsilon, step, product);
    }

    /// <summary>u_product after <paramref name="steps"/> steps, continuing the cached one when it is a step behind, else replaying.</summary>
    private float ProductAfter(int steps)
    {
        if (_uProductSteps > steps)
        {
            (_uProduct, _uProductSteps) = (1f, 0);
        }

        while (_uProductSteps < steps)
        {
            _uProductSteps++;
            _uProduct = _uProduct * Beta1 * (1f - (0.5f * MathF.Pow(0.96f, _uProductSteps)));
        }

        return _uProduct;
    }
}
