namespace ModelGen.Generator.Model;

/// <summary>
/// Mirrors ModelGen.Activation in declaration order: attribute arguments arrive as the enum's integer
/// values, and the names match ModelGen.Kernels.ActivationKind for emission.
/// </summary>
internal enum ActivationFunction
{
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    Softmax,
}
