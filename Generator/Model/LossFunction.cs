namespace ModelGen.Generator.Model;

/// <summary>
/// Mirrors ModelGen.Loss in declaration order: attribute arguments arrive as the enum's integer values,
/// and the names match ModelGen.Kernels.LossKind for emission.
/// </summary>
internal enum LossFunction
{
    MeanSquaredError,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    SparseCategoricalCrossEntropy,
    Hinge,
}
