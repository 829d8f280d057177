using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Batch normalisation over (B, F): the statistics one thread per feature, walking its column down the batch
/// (neighbouring threads read neighbouring addresses, so each row read is coalesced), accumulated in double
/// like the CPU kernels; inference one element per thread.
/// </summary>
internal sealed class BatchNormGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _training;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _inference;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _backward;

    /// <summary>x, y (B, F): training-mode normalisation, saved statistics and moving averages.</summary>
    public void Training(ArrayView<float> x, ArrayView<float> y, BatchNormArgs args)
    {
        if (args.Batch == 0 || args.Features == 0)
        {
            return;
        }

        _training ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BatchNormArgs>(BatchNormTrainingKernel);
        _training(args.Features, x, y, args);
    }

    /// <summary>x, y (B, F): inference-mode normalisation with the moving statistics.</summary>
    public void Inference(ArrayView<float> x, ArrayView<float> y, BatchNormArgs args)
    {
        int count = args.Batch * args.Features;
        if (count == 0)
        {
            return;
        }

        _inference ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BatchNormArgs>(BatchNormInferenceKernel);
        _inference(count, x, y, args);
    }

    /// <summary>x, dy, dx (B, F); dGamma, dBeta (F): the backward pass.</summary>
    public void Backward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormArgs args)
    {
        if (args.Batch == 0 || args.Features == 0)
        {
            return;
        }

        _backward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>(BatchNormBackwardKernel);
        _backward(args.Features, x, dy, dx, dGamma, dBeta, args);
    }

    /// <summary>
    /// x, y (B, F); parameters and statistics (F): batch mean and biased variance of feature f in double,
    /// y = gamma (x - mean) / sqrt(var + eps) + beta, moving averages with momentum weighting the old value.
    /// </summary>
    internal static void BatchNormTrainingKernel(Index1D f, ArrayView<float> x, ArrayView<float> y, BatchNormArgs p)
    {
        int batch = p.Batch, features = p.Features;
        double invBatch = 1.0 / batch, sum = 0;
        for (int b = 0; b < batch; b++)
        {
            sum += x[((long)b * features) + f];
        }

        double meanD = sum * invBatch, sq = 0;
        for (int b = 0; b < batch; b++)
        {
            double d = x[((long)b * features) + f] - meanD;
            sq += d * d;
        }

        double varD = sq * invBatch;
        float mean = (float)meanD, variance = (float)varD, invStd = (float)(1.0 / Math.Sqrt(varD + p.Epsilon));
        p.SavedMean[f] = mean;
        p.SavedInvStd[f] = invStd;
        p.RunningMean[f] = (p.Momentum * p.RunningMean[f]) + ((1f - p.Momentum) * mean);
        p.RunningVar[f] = (p.Momentum * p.RunningVar[f]) + ((1f - p.Momentum) * variance);
        float scale = p.Gamma[f] * invStd, shift = p.Beta[f];
        for (int b = 0; b < batch; b++)
        {
            long at = ((long)b * features) + f;
            y[at] = ((x[at] - mean) * scale) + shift;
        }
    }

    /// <summary>x, y (B, F): y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta, one element per thread.</summary>
    internal static void BatchNormInferenceKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, BatchNormArgs p)
    {
        int f = i % p.Features;
        float scale = p.Gamma[f] / MathF.Sqrt(p.RunningVar[f] + p.Epsilon);
        y[i] = ((x[i] - p.RunningMean[f]) * scale) + p.Beta[f];
    }

    /// <summary>
    /// x, dy, dx (B, F); dGamma, dBeta (F). With xhat = (x - mean) invStd:
    /// dx = gamma invStd / B (B dy - sum_b dy - xhat sum_b(dy xhat)) (overwrites; dx may be dy, each element
    /// of dy is read before the same element of dx is written); dGamma += sum_b(dy xhat); dBeta += sum_b dy.
    /// </summary>
    internal static void BatchNormBackwardKernel(Index1D f, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx,
        ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormArgs p)
    {
        int batch = p.Batch, features = p.Features;
        float mean = p.SavedMean[f], invStd = p.SavedInvStd[f], sumDy = 0f, sumDyXhat = 0f;
        for (int b = 0; b < batch; b++)
        {
            long at = ((long)b * features) + f;
            float g = dy[at];
            sumDy += g;
            sumDyXhat += g * ((x[at] - mean) * invStd);
        }

        float batchF = batch;
        float k = p.Gamma[f] * invStd / batchF;
        for (int b = 0; b < batch; b++)
        {
            long at = ((long)b * features) + f;
            float xhat = (x[at] - mean) * invStd;
            dx[at] = k * ((batchF * dy[at]) - sumDy - (xhat * sumDyXhat));
        }

        // Gradient contributions of gamma and beta: d(gamma xhat + beta) summed over the batch.
        dGamma[f] += sumDyXhat;
        dBeta[f] += sumDy;
    }
}
