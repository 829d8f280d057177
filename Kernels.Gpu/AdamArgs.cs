namespace ModelGen.Kernels.Gpu;

/// <summary>The scalars of one Adam step, passed as one kernel parameter.</summary>
/// <param name="Alpha">lr sqrt(1 - beta2^t) / (1 - beta1^t).</param>
/// <param name="OneMinusBeta1">1 - beta1.</param>
/// <param name="OneMinusBeta2">1 - beta2.</param>
/// <param name="Epsilon">Added to sqrt(v).</param>
internal readonly record struct AdamArgs(float Alpha, float OneMinusBeta1, float OneMinusBeta2, float Epsilon);
