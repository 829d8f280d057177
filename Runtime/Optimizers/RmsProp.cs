using ModelGen.Kernels;

namespace ModelGen;

/// <summary>Keras' RMSprop (without momentum, not centred): s = rho * s + (1 - rho) * g^2; p -= lr * g / sqrt(s + epsilon).</summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults.</summary>
    /// <param name="learningRate">The step size (1e-3).</param>
    /// <param name="rho">Decay of the mean square, in [0, 1) (0.9).</param>
    /// <param name="epsilon">Added inside the square root, positive (1e-7).</param>
    public RmsProp(float learningRate = 1e-3f, float rho = 0.9f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        Rho = RequireFraction(rho, nameof(rho));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>Decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>Added inside the square root.</summary>
    public float Epsilon { get; }

    private protected override void Update(IBackend backend, Buf parameters, Buf gradients, Buf slot1, Buf slot2, int step) =>
        backend.RmsPropStep(parameters, gradients, slot1, LearningRate, Rho, Epsilon);
}
