using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' Adam: m += (g - m)(1 - beta1), v += (g^2 - v)(1 - beta2),
/// p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon).
/// </summary>
public class Adam : MomentOptimizer
{
    /// <summary>Creates the optimizer with Keras' defaults and a constant learning rate.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v), positive (1e-7).</param>
    /// <param name="amsgrad">Keras' <c>amsgrad</c>: divide by the running maximum of v, velocity_hat, instead of v (false).</param>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f, bool amsgrad = false)
        : this(learningRate, null, beta1, beta2, epsilon, amsgrad)
    {
    }

    /// <summary>Creates the optimizer with Keras' defaults, its step size given by a schedule (Keras' <c>Adam(learning_rate=schedule)</c>).</summary>
    /// <param name="learningRate">The schedule evaluated at <see cref="Optimizer.Iterations"/> before each update.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1) (0.9).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1) (0.999).</param>
    /// <param name="epsilon">Added to sqrt(v), positive (1e-7).</param>
    /// <param name="amsgrad">Keras' <c>amsgrad</c>: divide by the running maximum of v, velocity_hat, instead of v (false).</param>
    public Adam(LearningRateSchedule learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f, bool amsgrad = false)
        : this(0f, RequireSchedule(learningRate, nameof(learningRate)), beta1, beta2, epsilon, amsgrad)
    {
    }

    /// <summary>The rule's hyperparameters, checked; for <see cref="AdamW"/>, which is Adam with a weight decay, as in Keras.</summary>
    private protected Adam(float learningRate, LearningRateSchedule? schedule, float beta1, float beta2, float epsilon, bool amsgrad)
        : base(learningRate, schedule, beta1, beta2, epsilon)
    {
        AmsGrad = amsgrad;
    }

    /// <summary>Whether the update divides by the running maximum of v (AMSGrad), kept in the third slot as Keras' velocity_hat.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> RuleVariableNames => AmsGrad ? ["m", "v", "velocity_hat"] : ["m", "v"];

    /// <inheritdoc/>
    private protected override string DescribeRule() => DescribeMoments("Adam", AmsGrad ? ", amsgrad=True" : "");

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step)
    {
        if (AmsGrad)
        {
            backend.AmsGradStep(parameters, gradients, slots.First, slots.Second, slots.Third, learningRate, Beta1, Beta2, Epsilon, step);
        }
        else
        {
            backend.AdamStep(parameters, gradients, slots.First, slots.Second, learningRate, Beta1, Beta2, Epsilon, step);
        }
    }
}
