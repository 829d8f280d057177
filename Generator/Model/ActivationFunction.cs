namespace ModelGen.Generator.Model;

/// <summary>
/// Mirrors ModelGen.Activation in declaration order: attribute arguments arrive as the enum's integer
/// values, and the names match ModelGen.Kernels.ActivationKind for emission. Gelu has no ActivationKind: the kinds that
/// take it (Dense, FeedForward) call the GELU kernels themselves and never emit it as an ActivationKind.
/// </summary>
internal enum ActivationFunction
{
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    Softmax,
    Gelu,
}
