namespace ModelGen.Kernels;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion update rules, Adam's AMSGrad form and RMSprop's momentum and centred forms, over the
/// contiguous view of trainable parameters, each with at most three per-parameter state views (the model's optimizer slots); host scalars (Nadam's running product of its momentum
/// schedule) are the caller's. Each updates its state and the parameters in place.
/// </summary>
public partial interface IBackend
{
    /// <summary>
    /// Adamax with Keras' semantics at step t (1-based): m += (g - m) * (1 - beta1); u = max(beta2 * u, |g|);
    /// p -= lr * m / ((1 - beta1^t) * (u + epsilon)). parameters, gradients, m and u have one length.
    /// </summary>
    void AdamaxStep(Buf parameters, Buf gradients, Buf m, Buf u, float learningRate, float beta1, float beta2, float epsilon, int step);

    /// <summary>
    /// Nadam with Keras' semantics at step t (1-based), with u_t = beta1 * (1 - 0.5 * 0.96^t) and
    /// <paramref name="uProduct"/> = u_1 * ... * u_t (Keras' <c>u_product</c>, already updated for this step):
    /// m += (g - m) * (1 - beta1); v += (g^2 - v) * (1 - beta2);
    /// m_hat = u_{t+1} * m / (1 - uProduct * u_{t+1}) + (1 - u_t) * g / (1 - uProduct); v_hat = v / (1 - beta2^t);
    /// p -= m_hat * lr / (sqrt(v_hat) + epsilon).
    /// </summary>
    void NadamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step, float uProduct);

    /// <summary>
    /// Lion with Keras' semantics: p -= lr * sign(beta1 * m + (1 - beta1) * g); then m = beta2 * m + (1 - beta2) * g.
    /// sign(0) is 0 and sign(NaN) NaN.
    /// </summary>
    void LionStep(Buf parameters, Buf gradients, Buf m, float learningRate, float beta1, float beta2);

    /// <summary>
    /// Adam's AMSGrad form (Keras' <c>amsgrad=True</c>) at step t (1-based): m += (g - m) * (1 - beta1);
    /// v += (g^2 - v) * (1 - beta2); vHat = max(vHat, v); p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(vHat) + epsilon).
    /// All five views have one length.
    /// </summary>
    void AmsGradStep(Buf parameters, Buf gradients, Buf m, Buf v, Buf vHat, float learningRate, float beta1, float beta2, float epsilon, int step);

    /// <summary>
    /// RMSprop with Keras' semantics, with momentum and/or centred: s = rho * s + (1 - rho) * g^2; centred (averageGradient
    /// not empty): a = rho * a + (1 - rho) * g and d = s - a^2 + epsilon, else d = s + epsilon; inc = lr * g / sqrt(d); with
    /// momentumFactor &gt; 0: mom = momentumFactor * mom + inc and p -= mom, else p -= inc. momentum may be empty when
    /// momentumFactor is 0.
    /// </summary>
    void RmsPropStep(Buf parameters, Buf gradients, Buf velocity, Buf momentum, Buf averageGradient, float learningRate, float rho,
        float momentumFactor, float epsilon);
}
