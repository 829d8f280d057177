namespace ModelGen.Kernels.Gpu;

/// <summary>The scalar arguments of a loss launch, passed as one kernel parameter.</summary>
/// <param name="Kind">The <see cref="LossKind"/> as an int.</param>
/// <param name="FromLogits">1 when the predictions are logits.</param>
/// <param name="WithGradient">1 when dPrediction is written.</param>
/// <param name="Batch">Rows.</param>
/// <param name="Features">Columns of the predictions.</param>
/// <param name="GradScale">The factor on the gradient.</param>
/// <param name="Weighted">1 when each row's loss and gradient are scaled by its weight (Keras' sample_weight).</param>
internal readonly record struct LossArgs(int Kind, int FromLogits, int WithGradient, int Batch, int Features, float GradScale, int Weighted);
