using ILGPU;

namespace ModelGen.Kernels.Gpu;

/// <summary>The per-feature views and scalars of a batch-normalisation launch, passed as one kernel parameter.</summary>
/// <param name="Gamma">gamma (F).</param>
/// <param name="Beta">beta (F).</param>
/// <param name="RunningMean">The moving mean (F).</param>
/// <param name="RunningVar">The moving variance (F).</param>
/// <param name="SavedMean">The batch mean kept for the backward pass (F).</param>
/// <param name="SavedInvStd">1 / sqrt(var + epsilon) kept for the backward pass (F).</param>
/// <param name="Batch">Rows.</param>
/// <param name="Features">Columns.</param>
/// <param name="Momentum">The weight kept on the old moving value.</param>
/// <param name="Epsilon">Added to the variance.</param>
internal readonly record struct BatchNormArgs(ArrayView<float> Gamma, ArrayView<float> Beta, ArrayView<float> RunningMean,
    ArrayView<float> RunningVar, ArrayView<float> SavedMean, ArrayView<float> SavedInvStd, int Batch, int Features, float Momentum, float Epsilon);
