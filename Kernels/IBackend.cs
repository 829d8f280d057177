namespace ModelGen.Kernels;

/// <summary>
/// One compute back end bound to one arena of floats: the static memory plan of a model (parameters,
/// running statistics, gradients, optimizer state, scratch and activations) lives in that arena and
/// every operation addresses it through <see cref="Buf"/> views. Generated Forward and Backward code
/// calls these operations; a CPU SIMD back end and an ILGPU back end implement the same contract and
/// must give the same results (bitwise where an operation says so).
/// </summary>
/// <remarks>
/// Shapes are row-major and written in letters: (B, F) is batch rows of F features. Operations never
/// allocate after construction. Unless an operation says "accumulates", it overwrites its output.
/// Views passed as inputs and outputs of the same operation may alias only where the operation says so.
/// </remarks>
public partial interface IBackend : IDisposable
{
    /// <summary>A short description of the device, for logs ("CPU, AVX-512, 2 threads").</summary>
    string Name { get; }

    /// <summary>The arena's length in floats.</summary>
    int Length { get; }

    /// <summary>Copies host floats into the arena.</summary>
    void Upload(ReadOnlySpan<float> source, Buf destination);

    /// <summary>Copies arena floats back to the host (waits for pending work).</summary>
    void Download(Buf source, Span<float> destination);

    /// <summary>
    /// The arena floats of a view as host memory, without a copy, when the arena lives in host memory (the CPU back
    /// end); false, with an empty span, for a device arena, which only <see cref="Upload"/> and <see cref="Download"/>
    /// reach. Writes through the span change the arena; it is valid until the back end is disposed.
    /// </summary>
    bool TryGetHostSpan(Buf view, out Span<float> span)
    {
        span = default;
        return false;
    }

    /// <summary>x[i] = value.</summary>
    void Fill(Buf x, float value);

    /// <summary>destination[i] = source[i]; the views must not overlap.</summary>
    void Copy(Buf source, Buf destination);

    /// <summary>
    /// General matrix product, C = alpha * op(A) * op(B) + beta * C, all row-major with natural strides.
    /// op(A) is (M, K): A is stored (M, K), or (K, M) when <paramref name="transA"/>.
    /// op(B) is (K, N): B is stored (K, N), or (N, K) when <paramref name="transB"/>.
    /// C is (M, N). With beta = 0, C's old contents are ignored (even NaN); with beta = 1 the product accumulates.
    /// Results are bitwise independent of the thread count.
    /// </summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Buf a, Buf b, float beta, Buf c);

    /// <summary>y (B, F) = act(y + bias (F)), in place, one row at a time (softmax normalises each row).</summary>
    void BiasActivation(Buf y, Buf bias, int batch, int features, ActivationKind activation);

    /// <summary>y (B, F) = act(x (B, F)); x and y may be the same view.</summary>
    void Activation(Buf x, Buf y, int batch, int features, ActivationKind activation);

    /// <summary>
    /// dx (B, F) = dy (B, F) times the activation's derivative, read from its output y (B, F):
    /// ReLU: y &gt; 0; Sigmoid: y (1 - y); Tanh: 1 - y^2; Softmax: y * (dy - sum_f(dy * y)); Linear: 1.
    /// dx may be the same view as dy.
    /// </summary>
    void ActivationBackward(Buf y, Buf dy, Buf dx, int batch, int features, ActivationKind activation);

    /// <summary>Accumulates dBias (F) += sum over the batch of dy (B, F).</summary>
    void BiasBackward(Buf dy, Buf dBias, int batch, int features);

    /// <summary>
    /// Batch normalisation in training mode over the batch of x (B, F):
    /// mean and biased variance per feature, y = gamma * (x - mean) / sqrt(var + epsilon) + beta;
    /// savedMean (F) and savedInvStd (F) = 1 / sqrt(var + epsilon) are kept for the backward pass;
    /// runningMean = momentum * runningMean + (1 - momentum) * mean, likewise runningVar with the biased
    /// variance (Keras' semantics: momentum is the weight on the old value).
    /// </summary>
    void BatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon);

    /// <summary>Batch normalisation in inference mode: y = gamma * (x - runningMean) / sqrt(runningVar + epsilon) + beta.</summary>
    void BatchNormInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int features, float epsilon);

    /// <summary>
    /// Backward of <see cref="BatchNormTraining"/>: with xhat = (x - savedMean) * savedInvStd,
    /// dx = gamma * savedInvStd / B * (B * dy - sum_b dy - xhat * sum_b(dy * xhat)) (overwrites),
    /// and accumulates dGamma += sum_b(dy * xhat), dBeta += sum_b dy.
    /// </summary>
    void BatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int features);

    /// <summary>
    /// Inverted dropout over x: element i is kept when <see cref="CounterRandom.Uniform"/>(seed, stream + i)
    /// &gt;= rate; mask[i] = kept ? 1 / (1 - rate) : 0 and y = x * mask. x and y may be the same view.
    /// The mask stream depends only on (seed, stream, i), so every back end draws the same mask.
    /// </summary>
    void DropoutForward(Buf x, Buf y, Buf mask, float rate, ulong seed, ulong stream);

    /// <summary>dx = dy * mask; dx may be the same view as dy.</summary>
    void DropoutBackward(Buf dy, Buf mask, Buf dx);

    /// <summary>
    /// The loss of predictions (B, F) against targets (B, F), or (B) class indices for the sparse loss.
    /// Writes the mean over the batch of the per-row loss to loss[0] and, when dPrediction is not empty,
    /// gradScale times the derivative of the per-row losses' sum to dPrediction (B, F).
    /// With <paramref name="fromLogits"/> the predictions are logits and binary cross-entropy is fused
    /// with a sigmoid, categorical cross-entropy with a softmax (the gradient is then taken with
    /// respect to the logits); otherwise probabilities are clipped to [1e-7, 1 - 1e-7].
    /// See <see cref="LossKind"/> for each per-row loss. Hinge reads targets in {0, 1} as {-1, 1}
    /// when every target of the batch is 0 or 1.
    /// With <paramref name="weights"/> (B), one weight per row (Keras' sample_weight), the reduction is Keras'
    /// "sum_over_batch_size" of the weighted values: loss[0] = sum_b(w_b l_b) / B, divided by the row count and not by
    /// the weights' sum, and row b of dPrediction is gradScale w_b times the derivative of l_b, for every loss and
    /// both forms of <paramref name="fromLogits"/>. Weights may be zero or negative; a zero weight leaves its row out
    /// of the loss and zeroes its gradient (unless that row's loss is not finite). An empty view (the default) is
    /// the unweighted loss, bit for bit, and so are weights that are all 1.
    /// </summary>
    void Loss(LossKind kind, bool fromLogits, Buf prediction, Buf target, Buf dPrediction, Buf loss,
        int batch, int features, float gradScale, Buf weights = default);

    /// <summary>
    /// Accumulates into result[0] the sum over the batch of the per-row metric of predictions (B, F)
    /// against targets (B, F), or (B) class indices for the sparse metric. Per row: the fraction of
    /// features right (binary accuracy, threshold 0.5), 1 or 0 (categorical accuracy, first arg-max
    /// wins ties), or the mean absolute error.
    /// </summary>
    void Metric(MetricKind kind, Buf prediction, Buf target, Buf result, int batch, int features);

    /// <summary>
    /// Writes to result[0] 1 when every element of x is finite, else 0 (used to refuse NaN inputs and stop on a NaN loss).
    /// </summary>
    void AllFinite(Buf x, Buf result);

    /// <summary>g[i] = clamp(g[i], -limit, limit).</summary>
    void ClipByValue(Buf gradients, float limit);

    /// <summary>Scales g by min(1, maxNorm / ||g||_2), the norm taken over the whole view.</summary>
    void ClipByNorm(Buf gradients, float maxNorm);

    /// <summary>
    /// SGD with Keras' semantics: without momentum p -= lr * g; with momentum v = momentum * v - lr * g,
    /// then p += v, or with Nesterov p += momentum * v - lr * g. velocity may be empty when momentum is 0.
    /// </summary>
    void SgdStep(Buf parameters, Buf gradients, Buf velocity, float learningRate, float momentum, bool nesterov);

    /// <summary>
    /// Adam with Keras' semantics at step t (1-based): m += (g - m) * (1 - beta1); v += (g^2 - v) * (1 - beta2);
    /// p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon).
    /// </summary>
    void AdamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2,
        float epsilon, int step);

    /// <summary>RMSprop with Keras' semantics: s = rho * s + (1 - rho) * g^2; p -= lr * g / sqrt(s + epsilon).</summary>
    void RmsPropStep(Buf parameters, Buf gradients, Buf meanSquare, float learningRate, float rho, float epsilon);

    /// <summary>Adagrad with Keras' semantics: a += g^2; p -= lr * g / sqrt(a + epsilon) (a starts at 0.1, set by the caller).</summary>
    void AdagradStep(Buf parameters, Buf gradients, Buf accumulator, float learningRate, float epsilon);
}
