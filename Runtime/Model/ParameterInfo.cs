namespace ModelGen;

/// <summary>How a parameter tensor starts out.</summary>
public enum ParameterInit
{
    /// <summary>All zeros (biases, BatchNorm beta and running mean).</summary>
    Zeros,
    /// <summary>All ones (BatchNorm gamma and running variance).</summary>
    Ones,
    /// <summary>Glorot (Xavier) uniform in +-sqrt(6 / (fanIn + fanOut)) (Keras' default for Dense kernels).</summary>
    GlorotUniform,
    /// <summary>
    /// Keras' Orthogonal (gain 1) for a recurrent weight of PyTorch's layout (gates * units, units): the QR factor of a
    /// standard normal matrix with its signs fixed, so the columns are orthonormal (Keras' (units, gates * units)
    /// kernel has orthonormal rows).
    /// </summary>
    Orthogonal,
    /// <summary>Uniform in [-0.05, 0.05] (Keras' RandomUniform default, the Embedding's initialiser).</summary>
    RandomUniform,
    /// <summary>
    /// An LSTM's bias_ih: zeros but the forget gate's (the second block of FanIn units) at 1, Keras' unit_forget_bias
    /// (PyTorch adds bias_ih and bias_hh, and bias_hh starts at zero).
    /// </summary>
    ForgetGateOnes,
}

/// <summary>
/// One named tensor of a model's parameter layout, at a constant offset in the arena. Trainable tensors
/// lie in [0, TrainableCount); non-trainable state (BatchNorm running statistics) follows them.
/// </summary>
/// <param name="Name">PyTorch-style name, such as <c>dense0.weight</c> or <c>norm0.running_mean</c>.</param>
/// <param name="Offset">First float in the arena.</param>
/// <param name="Shape">Dimensions, PyTorch's layout (a Dense weight is (out, in)).</param>
/// <param name="Trainable">Whether the optimizer updates it (and it has a gradient).</param>
/// <param name="Init">How it is initialised.</param>
/// <param name="FanIn">Inputs per output unit, for Glorot initialisation.</param>
/// <param name="FanOut">Output units, for Glorot initialisation.</param>
public sealed record ParameterInfo(string Name, int Offset, int[] Shape, bool Trainable, ParameterInit Init, int FanIn = 0, int FanOut = 0)
{
    /// <summary>The number of floats.</summary>
    public int Length
    {
        get
        {
            int n = 1;
            foreach (int d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>
    /// Keras' L1 regulariser factor on this tensor (the layer attribute's <c>KernelL1</c>, <c>BiasL1</c>, ...): l1 * sum |w|
    /// is added to the loss and l1 * sign(w) to the gradient; 0 when the tensor is not regularised.
    /// </summary>
    public float L1 { get; init; }

    /// <summary>Keras' L2 regulariser factor: l2 * sum w^2 is added to the loss and 2 * l2 * w to the gradient; 0 when not regularised.</summary>
    public float L2 { get; init; }

    /// <summary>The shape as (a, b).</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}
