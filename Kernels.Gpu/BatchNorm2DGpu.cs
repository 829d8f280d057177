using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Batch normalisation of feature maps (B, C, S) per channel, over the N = B S values of each channel.
/// Training and backward run one group per channel: its threads stride over the channel's values (neighbouring
/// threads read neighbouring positions), keep partial sums in double, and the first thread adds the partials
/// in thread order (the result does not depend on scheduling); after a barrier every thread writes its own
/// elements. Inference runs one element per thread. The per-channel views travel in <see cref="BatchNormArgs"/>,
/// whose Features is the channel count.
/// </summary>
internal sealed class BatchNorm2DGpu(Accelerator accelerator)
{
    private readonly int _group = ReductionGroup.For(accelerator.MaxNumThreadsPerGroup);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, BatchNormArgs, int>? _training;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, BatchNormArgs, int>? _inference;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs, int>? _backward;

    /// <summary>x, y (B, C, S): training-mode normalisation, saved statistics and moving averages.</summary>
    public void Training(ArrayView<float> x, ArrayView<float> y, BatchNormArgs args, int spatial)
    {
        if (args.Batch == 0 || args.Features == 0 || spatial == 0)
        {
            return;
        }

        _training ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, BatchNormArgs, int>(BatchNorm2DTrainingKernel);
        _training(new KernelConfig(args.Features, _group), x, y, args, spatial);
    }

    /// <summary>x, y (B, C, S): inference-mode normalisation with the moving statistics.</summary>
    public void Inference(ArrayView<float> x, ArrayView<float> y, BatchNormArgs args, int spatial)
    {
        if (x.Length == 0)
        {
            return;
        }

        _inference ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BatchNormArgs, int>(BatchNorm2DInferenceKernel);
        _inference((int)x.Length, x, y, args, spatial);
    }

    /// <summary>x, dy, dx (B, C, S); dGamma, dBeta (C): the backward pass.</summary>
    public void Backward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> dGamma, ArrayView<float> dBeta,
        BatchNormArgs args, int spatial)
    {
        if (args.Batch == 0 || args.Features == 0 || spatial == 0)
        {
            return;
        }

        _backward ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs, int>(BatchNorm2DBackwardKernel);
        _backward(new KernelConfig(args.Features, _group), x, dy, dx, dGamma, dBeta, args, spatial);
    }

    /// <summary>
    /// x, y (B, C, S); parameters and statistics (C); one group per channel c: mean and biased variance of the
    /// channel's B S values in double (two passes), y = gamma (x - mean) / sqrt(var + eps) + beta, moving
    /// averages with momentum weighting the old value. Explicitly grouped: the channel comes from Grid.
    /// </summary>
    internal static void BatchNorm2DTrainingKernel(ArrayView<float> x, ArrayView<float> y, BatchNormArgs p, int spatial)
    {
        ArrayView<double> partial = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX, c = Grid.IdxX;
        int count = p.Batch * spatial, stride = p.Features * spatial, start = c * spatial;
        double sum = 0;
        for (int j = t; j < count; j += threads)
        {
            sum += x[start + ((j / spatial) * stride) + (j % spatial)];
        }

        double mean = Total(partial, sum, t, threads) / count;
        double squares = 0;
        for (int j = t; j < count; j += threads)
        {
            double d = x[start + ((j / spatial) * stride) + (j % spatial)] - mean;
            squares += d * d;
        }

        double variance = Total(partial, squares, t, threads) / count;
        float meanF = (float)mean, varianceF = (float)variance, invStd = (float)(1.0 / Math.Sqrt(variance + p.Epsilon));
        if (t == 0)
        {
            p.SavedMean[c] = meanF;
            p.SavedInvStd[c] = invStd;
            p.RunningMean[c] = (p.Momentum * p.RunningMean[c]) + ((1f - p.Momentum) * meanF);
            p.RunningVar[c] = (p.Momentum * p.RunningVar[c]) + ((1f - p.Momentum) * varianceF);
        }

        float scale = p.Gamma[c] * invStd, shift = p.Beta[c];
        for (int j = t; j < count; j += threads)
        {
            int at = start + ((j / spatial) * stride) + (j % spatial);
            y[at] = ((x[at] - meanF) * scale) + shift;
        }
    }

    /// <summary>x, y (B, C, S): y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta, one element per thread.</summary>
    internal static void BatchNorm2DInferenceKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, BatchNormArgs p, int spatial)
    {
        int c = (i / spatial) % p.Features;
        float scale = p.Gamma[c] / MathF.Sqrt(p.RunningVar[c] + p.Epsilon);
        y[i] = ((x[i] - p.RunningMean[c]) * scale) + p.Beta[c];
    }

    /// <summary>
    /// x, dy, dx (B, C, S); dGamma, dBeta (C); one group per channel. With N = B S and xhat = (x - mean) invStd:
    /// dx = gamma invStd / N (N dy - sum dy - xhat sum(dy xhat)) (overwrites; dx may be dy: every read of dy for
    /// the sums comes before the barrier, and each element of dy is read before the same element of dx is
    /// written); dGamma += sum(dy xhat); dBeta += sum dy. Explicitly grouped: the channel comes from Grid.
    /// </summary>
    internal static void BatchNorm2DBackwardKernel(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx,
        ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormArgs p, int spatial)
    {
        ArrayView<double> partial = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX, c = Grid.IdxX;
        int count = p.Batch * spatial, stride = p.Features * spatial, start = c * spatial;
        float mean = p.SavedMean[c], invStd = p.SavedInvStd[c];
        double sumDy = 0, sumDyXhat = 0;
        for (int j = t; j < count; j += threads)
        {
            int at = start + ((j / spatial) * stride) + (j % spatial);
            float g = dy[at];
            sumDy += g;
            sumDyXhat += g * ((x[at] - mean) * invStd);
        }

        float totalDy = (float)Total(partial, sumDy, t, threads);
        float totalDyXhat = (float)Total(partial, sumDyXhat, t, threads);
        float countF = count;
        float k = p.Gamma[c] * invStd / countF;
        for (int j = t; j < count; j += threads)
        {
            int at = start + ((j / spatial) * stride) + (j % spatial);
            float xhat = (x[at] - mean) * invStd;
            dx[at] = k * ((countF * dy[at]) - totalDy - (xhat * totalDyXhat));
        }

        // Gradient contributions of gamma and beta: d(gamma xhat + beta) summed over the batch and the positions.
        if (t == 0)
        {
            dGamma[c] += totalDyXhat;
            dBeta[c] += totalDy;
        }
    }

    /// <summary>
    /// The group's sum of each thread's <paramref name="value"/>, added in thread order by the first thread and
    /// handed to every thread. <paramref name="partial"/> may be reused right after: the last barrier comes
    /// after the first thread has read it.
    /// </summary>
    private static double Total(ArrayView<double> partial, double value, int t, int threads)
    {
        partial[t] = value;
        Group.Barrier();
        if (t == 0)
        {
            double total = 0;
            for (int k = 0; k < threads; k++)
            {
                total += partial[k];
            }

            partial[0] = total;
        }

        Group.Barrier();
        double result = partial[0];
        Group.Barrier();
        return result;
    }
}
