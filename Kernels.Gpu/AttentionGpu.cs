using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The softmax of attention and its backward pass, one thread per row of (B, H, Q, K) walking the row's keys in
/// order, so each row's maximum and sums are formed in one fixed order and the output may be the input view (every
/// element is read before the same element is written). Without a mask the kernel never reads that view: another view
/// of the launch stands in for it and a flag says it is absent.
/// </summary>
internal sealed class AttentionGpu(Accelerator accelerator)
{
    /// <summary>The bias Keras adds where the mask is 0: (1 - mask) * -1e9.</summary>
    internal const float MaskedBias = -1e9f;

    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, int>? _softmax;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>? _softmaxBackward;

    /// <summary>scores, probabilities (B, H, Q, K), mask (B, K) or empty: p = softmax(scale s + bias) per row.</summary>
    public void Softmax(ArrayView<float> scores, ArrayView<float> mask, ArrayView<float> probabilities, int rows, int rowsPerSample, int keys, float scale)
    {
        if (rows == 0 || keys == 0)
        {
            return;
        }

        _softmax ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, int>(
            AttentionSoftmaxKernel);
        _softmax(rows, scores, mask.Length > 0 ? mask : scores, probabilities, rowsPerSample, keys, scale, mask.Length > 0 ? 1 : 0);
    }

    /// <summary>probabilities, dProbabilities, dScores (R, K): dScores = scale p (dp - sum_k(dp p)) per row.</summary>
    public void SoftmaxBackward(ArrayView<float> probabilities, ArrayView<float> dProbabilities, ArrayView<float> dScores, int rows, int keys, float scale)
    {
        if (rows == 0 || keys == 0)
        {
            return;
        }

        _softmaxBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(
            AttentionSoftmaxBackwardKernel);
        _softmaxBackward(rows, probabilities, dProbabilities, dScores, keys, scale);
    }

    /// <summary>
    /// scores, probabilities (B, H, Q, K) as rows of K, mask (B, K) when <paramref name="masked"/>, one row per thread
    /// (its sample b = row / (H Q)): v = scale s + (1 - mask[b, k]) * -1e9 in float, as Keras adds it;
    /// p = exp(v - max_k v) / sum_k exp(v - max_k v). A row whose keys are all masked has v = -1e9 throughout (the
    /// scaled score vanishes against the bias) and comes out uniform. probabilities may be scores.
    /// </summary>
    internal static void AttentionSoftmaxKernel(Index1D r, ArrayView<float> scores, ArrayView<float> mask, ArrayView<float> probabilities,
        int rowsPerSample, int keys, float scale, int masked)
    {
        long row = (long)r.X * keys;
        long maskRow = (long)(r.X / rowsPerSample) * keys;
        float max = float.NegativeInfinity;
        for (int k = 0; k < keys; k++)
        {
            float v = Logit(scores[row + k], mask, maskRow + k, scale, masked);
            max = v > max ? v : max;
        }

        // The exponentials go into the output first (each score read before its slot is written), then scale by 1 / sum.
        float sum = 0f;
        for (int k = 0; k < keys; k++)
        {
            float e = MathF.Exp(Logit(scores[row + k], mask, maskRow + k, scale, masked) - max);
            probabilities[row + k] = e;
            sum += e;
        }

        float inv = 1f / sum;
        for (int k = 0; k < keys; k++)
        {
            probabilities[row + k] *= inv;
        }
    }

    /// <summary>
    /// probabilities, dProbabilities, dScores (R, K), one row per thread: p = softmax(v) with v = scale s + bias gives
    /// dv = p (dp - sum_k(dp p)) and dScores = scale dv. dScores may be dProbabilities: the row's sum is formed first.
    /// </summary>
    internal static void AttentionSoftmaxBackwardKernel(Index1D r, ArrayView<float> probabilities, ArrayView<float> dProbabilities,
        ArrayView<float> dScores, int keys, float scale)
    {
        long row = (long)r.X * keys;
        float dot = 0f;
        for (int k = 0; k < keys; k++)
        {
            dot += dProbabilities[row + k] * probabilities[row + k];
        }

        for (int k = 0; k < keys; k++)
        {
            float p = probabilities[row + k];
            dScores[row + k] = scale * p * (dProbabilities[row + k] - dot);
        }
    }

    /// <summary>scale s + (1 - mask) * -1e9 with a mask, scale s without.</summary>
    private static float Logit(float score, ArrayView<float> mask, long at, float scale, int masked) =>
        masked != 0 ? (scale * score) + ((1f - mask[at]) * MaskedBias) : scale * score;
}
