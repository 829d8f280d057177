namespace ModelGen.Kernels.Gpu;

/// <summary>The scalars of one Nadam step, the step-dependent ones folded on the host, passed as one kernel parameter.</summary>
/// <param name="LearningRate">The step size.</param>
/// <param name="OneMinusBeta1">1 - beta1.</param>
/// <param name="OneMinusBeta2">1 - beta2.</param>
/// <param name="MomentumFactor">u_{t+1} / (1 - u_product u_{t+1}), m's weight in m_hat.</param>
/// <param name="GradientFactor">(1 - u_t) / (1 - u_product), g's weight in m_hat.</param>
/// <param name="SecondCorrection">1 - beta2^t: v_hat = v / this.</param>
/// <param name="Epsilon">Added to sqrt(v_hat).</param>
internal readonly record struct NadamArgs(float LearningRate, float OneMinusBeta1, float OneMinusBeta2, float MomentumFactor,
    float GradientFactor, float SecondCorrection, float Epsilon);
