using ModelGen.Kernels;

namespace ModelGen;

public abstract partial class CompiledModel
{
    // Host copies for synchronised BatchNorm (grown once to the largest layer; a training step then allocates nothing).
    private float[] _syncX = [], _syncDy = [], _syncChannels = [];
    private double[] _syncSums = [];

    /// <summary>
    /// With a <see cref="Collective"/> of more than one rank: whether BatchNorm normalises with the statistics of the
    /// whole global batch (PyTorch's SyncBatchNorm): one more all-reduce of the batch moments per BatchNorm layer in the
    /// forward pass and one of the gradient sums in the backward pass, worked out on the host. Off by default, as in
    /// PyTorch's DistributedDataParallel: each rank then uses its own rows' statistics.
    /// </summary>
    public bool SynchronizeBatchNorm { get; set; }

    /// <summary>Whether the generated BatchNorm steps take the synchronised path this step.</summary>
    protected bool SyncsBatchNorm => SynchronizeBatchNorm && Distributed;

    /// <summary>
    /// BatchNorm's training forward over the global batch: x (B, C, S) (S = 1 for features), the per-channel sums of x
    /// and x^2 in double over this rank's rows, summed over the ranks with the row count; then the kernels' formulas:
    /// biased variance, savedInvStd = 1 / sqrt(var + eps), the running averages, and y from the inference kernel fed the
    /// global mean and variance.
    /// </summary>
    protected void SyncBatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, Buf savedMean, Buf savedInvStd,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        int count = batch * channels * spatial;
        Span<double> sums = SyncBuffers(x, count, channels);
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int row = ((b * channels) + c) * spatial;
                for (int s = 0; s < spatial; s++)
                {
                    double v = _syncX[row + s];
                    sums[c] += v;
                    sums[channels + c] += v * v;
                }
            }
        }

        sums[2 * channels] = (double)batch * spatial;
        Collective!.AllReduceSum(sums);

        Span<float> mean = _syncChannels.AsSpan(0, channels), variance = _syncChannels.AsSpan(channels, channels);
        Span<float> runMean = _syncChannels.AsSpan(2 * channels, channels), runVar = _syncChannels.AsSpan(3 * channels, channels);
        Backend.Download(runningMean, runMean);
        Backend.Download(runningVar, runVar);
        double n = sums[2 * channels];
        for (int c = 0; c < channels; c++)
        {
            double meanD = sums[c] / n, varD = Math.Max(0.0, (sums[channels + c] / n) - (meanD * meanD));
            mean[c] = (float)meanD;
            variance[c] = (float)varD;
            runMean[c] = (momentum * runMean[c]) + ((1f - momentum) * mean[c]);
            runVar[c] = (momentum * runVar[c]) + ((1f - momentum) * variance[c]);
        }

        Backend.Upload(runMean, runningMean);
        Backend.Upload(runVar, runningVar);

        // y = gamma (x - mean) / sqrt(var + eps) + beta: the inference kernel, the global moments in the saved buffers.
        Backend.Upload(mean, savedMean);
        Backend.Upload(variance, savedInvStd);
        if (spatial == 1)
        {
            Backend.BatchNormInference(x, y, gamma, beta, savedMean, savedInvStd, batch, channels, epsilon);
        }
        else
        {
            Backend.BatchNorm2DInference(x, y, gamma, beta, savedMean, savedInvStd, batch, channels, spatial, epsilon);
        }

        for (int c = 0; c < channels; c++)
        {
            variance[c] = (float)(1.0 / Math.Sqrt(variance[c] + (double)epsilon));
        }

        Backend.Upload(variance, savedInvStd);
    }

    /// <summary>
    /// BatchNorm's backward over the global batch: with xhat = (x - mean) invStd, the per-channel sums of dy and dy xhat
    /// over this rank's rows summed over the ranks, dx = gamma invStd / N (N dy - sum dy - xhat sum(dy xhat)) with N the
    /// global count; dGamma and dBeta gain this rank's sums (the gradient all-reduce adds the others').
    /// </summary>
    protected void SyncBatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd,
        int batch, int channels, int spatial)
    {
        int count = batch * channels * spatial;
        Span<double> sums = SyncBuffers(x, count, channels);
        Grow(ref _syncDy, count);
        Backend.Download(dy, _syncDy.AsSpan(0, count));
        Span<float> mean = _syncChannels.AsSpan(0, channels), invStd = _syncChannels.AsSpan(channels, channels);
        Span<float> g = _syncChannels.AsSpan(2 * channels, channels), update = _syncChannels.AsSpan(3 * channels, channels);
        Backend.Download(savedMean, mean);
        Backend.Download(savedInvStd, invStd);
        Backend.Download(gamma, g);
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int row = ((b * channels) + c) * spatial;
                for (int s = 0; s < spatial; s++)
                {
                    double d = _syncDy[row + s], xhat = (_syncX[row + s] - mean[c]) * (double)invStd[c];
                    sums[c] += d;
                    sums[channels + c] += d * xhat;
                }
            }
        }

        // dBeta and dGamma gain this rank's sums before they are summed over the ranks below.
        Backend.Download(dBeta, update);
        for (int c = 0; c < channels; c++)
        {
            update[c] += (float)sums[c];
        }

        Backend.Upload(update, dBeta);
        Backend.Download(dGamma, update);
        for (int c = 0; c < channels; c++)
        {
            update[c] += (float)sums[channels + c];
        }

        Backend.Upload(update, dGamma);
        sums[2 * channels] = (double)batch * spatial;
        Collective!.AllReduceSum(sums);
        double n = sums[2 * channels];
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int row = ((b * channels) + c) * spatial;
                double scale = g[c] * (double)invStd[c] / n;
                for (int s = 0; s < spatial; s++)
                {
                    double xhat = (_syncX[row + s] - mean[c]) * (double)invStd[c];
                    _syncDy[row + s] = (float)(scale * ((n * _syncDy[row + s]) - sums[c] - (xhat * sums[channels + c])));
                }
            }
        }

        Backend.Upload(_syncDy.AsSpan(0, count), dx);
    }

    /// <summary>
    /// The host buffers for a layer of <paramref name="channels"/> channels and <paramref name="count"/> floats, grown
    /// when too small, with x downloaded; returns the cleared sums (two per channel and the count).
    /// </summary>
    private Span<double> SyncBuffers(Buf x, int count, int channels)
    {
        Grow(ref _syncX, count);
        Grow(ref _syncChannels, 4 * channels);
        if (_syncSums.Length < (2 * channels) + 1)
        {
            _syncSums = new double[(2 * channels) + 1];
        }

        Backend.Download(x, _syncX.AsSpan(0, count));
        Span<double> sums = _syncSums.AsSpan(0, (2 * channels) + 1);
        sums.Clear();
        return sums;
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
