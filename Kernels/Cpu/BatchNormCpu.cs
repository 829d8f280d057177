using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Batch normalisation over (B, F) in two passes, so the pool can split each: the per-feature reductions on a feature
/// range [f0, f1) of all rows (each feature sums its rows in batch order: the same bits on any number of threads),
/// then the element-wise output on a row range [b0, b1). Rows are streamed in blocks of up to 512 features with
/// per-feature accumulators on the stack; training statistics (sum and sum of squares, one pass) accumulate in double.
/// One body per pass, generic over the vector width.
/// </summary>
internal static unsafe class BatchNormCpu
{
    /// <summary>Features per block of the streaming kernels: their per-feature accumulators fit the stack (8 KB).</summary>
    private const int BlockWidth = 512;

    /// <summary>Doubles in a 64-byte cache line.</summary>
    private const int LineDoubles = 8;

    /// <summary>
    /// x (B, F); runningMean, runningVar, savedMean, savedInvStd (F), features [f0, f1): the batch mean and biased
    /// variance of each feature (one pass, sums in double in batch order), savedInvStd = 1 / sqrt(var + eps), running
    /// averages with momentum weighting the old value. <see cref="TrainingNormalize"/> then writes y.
    /// </summary>
    public static void TrainingStatistics(float* x, float* runningMean, float* runningVar, float* savedMean, float* savedInvStd,
        int batch, int features, int f0, int f1, float momentum, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: TrainingStatistics<V512>(x, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
            case 256: TrainingStatistics<V256>(x, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
            case 128: TrainingStatistics<V128>(x, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
            default: TrainingStatistics<V1>(x, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
        }
    }

    /// <summary>x, y (B, F), rows [b0, b1); gamma, beta, savedMean, savedInvStd (F): y = (x - mean) * (gamma invStd) + beta.</summary>
    public static void TrainingNormalize(float* x, float* y, float* gamma, float* beta, float* savedMean, float* savedInvStd, int features, int b0, int b1)
    {
        switch (SimdWidth.Current)
        {
            case 512: Normalize<V512>(x, y, gamma, beta, savedMean, savedInvStd, features, b0, b1, float.NaN); break;
            case 256: Normalize<V256>(x, y, gamma, beta, savedMean, savedInvStd, features, b0, b1, float.NaN); break;
            case 128: Normalize<V128>(x, y, gamma, beta, savedMean, savedInvStd, features, b0, b1, float.NaN); break;
            default: Normalize<V1>(x, y, gamma, beta, savedMean, savedInvStd, features, b0, b1, float.NaN); break;
        }
    }

    /// <summary>
    /// x, y (B, F), rows [b0, b1); parameters (F): y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta, as
    /// ((x - runningMean) * scale) + beta with scale = gamma / sqrt(runningVar + eps) worked out once per block
    /// (in registers for a batch of one, the same operations in the same order, so the same bits).
    /// </summary>
    public static void Inference(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        int batch, int features, int b0, int b1, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Inference<V512>(x, y, gamma, beta, runningMean, runningVar, batch, features, b0, b1, epsilon); break;
            case 256: Inference<V256>(x, y, gamma, beta, runningMean, runningVar, batch, features, b0, b1, epsilon); break;
            case 128: Inference<V128>(x, y, gamma, beta, runningMean, runningVar, batch, features, b0, b1, epsilon); break;
            default: Inference<V1>(x, y, gamma, beta, runningMean, runningVar, batch, features, b0, b1, epsilon); break;
        }
    }

    /// <summary>
    /// x, dy (B, F); dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat (F), features [f0, f1): with
    /// xhat = (x - mean) invStd, sumDy = sum_b dy and sumDyXhat = sum_b(dy xhat) (float, batch order);
    /// dGamma += sumDyXhat; dBeta += sumDy. <see cref="BackwardInput"/> then writes dx.
    /// </summary>
    public static void BackwardSums(float* x, float* dy, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int f0, int f1)
    {
        switch (SimdWidth.Current)
        {
            case 512: BackwardSums<V512>(x, dy, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
            case 256: BackwardSums<V256>(x, dy, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
            case 128: BackwardSums<V128>(x, dy, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
            default: BackwardSums<V1>(x, dy, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
        }
    }

    /// <summary>
    /// x, dy, dx (B, F), rows [b0, b1); gamma, savedMean, savedInvStd, sumDy, sumDyXhat (F):
    /// dx = gamma invStd / B (B dy - sumDy - xhat sumDyXhat). dx may be dy: each element of dy is read before the same
    /// element of dx is written.
    /// </summary>
    public static void BackwardInput(float* x, float* dy, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int b0, int b1)
    {
        switch (SimdWidth.Current)
        {
            case 512: BackwardInput<V512>(x, dy, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1); break;
            case 256: BackwardInput<V256>(x, dy, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1); break;
            case 128: BackwardInput<V128>(x, dy, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1); break;
            default: BackwardInput<V1>(x, dy, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1); break;
        }
    }

    private static void TrainingStatistics<TV>(float* x, float* runningMean, float* runningVar, float* savedMean, float* savedInvStd,
        int batch, int features, int f0, int f1, float momentum, float epsilon)
        where TV : struct, IVector<TV>
    {
        if (batch == 0)
        {
            return;
        }

        double invBatch = 1.0 / batch;
        // The accumulators start on a cache line: a 512-bit load or store of them never splits across two lines.
        double* sums = stackalloc double[(2 * BlockWidth) + LineDoubles];
        double* sum = (double*)Align(sums), squares = sum + BlockWidth;
        for (int start = f0; start < f1; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, f1 - start);
            new Span<double>(sum, width).Clear();
            new Span<double>(squares, width).Clear();
            // One pass for the sum and the sum of squares: in double, E[x^2] - mean^2 loses nothing that matters
            // for float inputs, and it saves a pass over the batch.
            for (int b = 0; b < batch; b++)
            {
                float* row = x + ((long)b * features) + start;
                int j = 0;
                for (; j <= width - TV.Count; j += TV.Count)
                {
                    TV.AddWidened(row + j, sum + j, squares + j);
                }

                for (; j < width; j++)
                {
                    V1.AddWidened(row + j, sum + j, squares + j);
                }
            }

            for (int j = 0; j < width; j++)
            {
                int f = start + j;
                double meanD = sum[j] * invBatch, varD = Math.Max(0.0, (squares[j] * invBatch) - (meanD * meanD));
                float mean = (float)meanD, invStd = (float)(1.0 / Math.Sqrt(varD + epsilon));
                savedMean[f] = mean;
                savedInvStd[f] = invStd;
                runningMean[f] = (momentum * runningMean[f]) + ((1f - momentum) * mean);
                runningVar[f] = (momentum * runningVar[f]) + ((1f - momentum) * (float)varD);
            }
        }
    }

    private static void Inference<TV>(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        int batch, int features, int b0, int b1, float epsilon)
        where TV : struct, IVector<TV>
    {
        if (batch == 1)
        {
            NormalizeOne<TV>(x, y, gamma, beta, runningMean, runningVar, features, epsilon);
            return;
        }

        Normalize<TV>(x, y, gamma, beta, runningMean, runningVar, features, b0, b1, epsilon);
    }

    /// <summary>
    /// Rows [b0, b1) of x, y (B, F): y = ((x - center) * scale) + beta, scale worked out per block of features on the
    /// stack: gamma * spread (training: spread = invStd, <paramref name="epsilon"/> NaN) or gamma / sqrt(spread + epsilon)
    /// (inference: spread = the running variance).
    /// </summary>
    private static void Normalize<TV>(float* x, float* y, float* gamma, float* beta, float* center, float* spread, int features, int b0, int b1, float epsilon)
        where TV : struct, IVector<TV>
    {
        float* scales = stackalloc float[BlockWidth + (2 * LineDoubles)];
        float* scale = (float*)Align(scales);
        bool training = float.IsNaN(epsilon);
        TV eps = TV.Create(epsilon);
        for (int start = 0; start < features; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, features - start);
            float* g = gamma + start, v = spread + start;
            int j = 0;
            if (training)
            {
                for (; j < width; j++)
                {
                    scale[j] = g[j] * v[j];
                }
            }
            else
            {
                for (; j <= width - TV.Count; j += TV.Count)
                {
                    (TV.Load(g + j) / TV.Sqrt(TV.Load(v + j) + eps)).Store(scale + j);
                }

                for (; j < width; j++)
                {
                    scale[j] = g[j] / MathF.Sqrt(v[j] + epsilon);
                }
            }

            for (int b = b0; b < b1; b++)
            {
                long at = ((long)b * features) + start;
                NormalizeRow<TV>(x + at, y + at, center + start, scale, beta + start, width);
            }
        }
    }

    private static void BackwardSums<TV>(float* x, float* dy, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int f0, int f1)
        where TV : struct, IVector<TV>
    {
        // Per-thread accumulators on the stack (a cache line apart from anything another thread writes), copied out once.
        float* sums = stackalloc float[(2 * BlockWidth) + (2 * LineDoubles)];
        float* sDy = (float*)Align(sums), sDyXhat = sDy + BlockWidth;
        for (int start = f0; start < f1; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, f1 - start);
            new Span<float>(sDy, width).Clear();
            new Span<float>(sDyXhat, width).Clear();
            for (int b = 0; b < batch; b++)
            {
                long at = ((long)b * features) + start;
                AccumulateGradient<TV>(x + at, dy + at, savedMean + start, savedInvStd + start, sDy, sDyXhat, width);
            }

            for (int j = 0; j < width; j++)
            {
                int f = start + j;
                sumDy[f] = sDy[j];
                sumDyXhat[f] = sDyXhat[j];
                dGamma[f] += sDyXhat[j];
                dBeta[f] += sDy[j];
            }
        }
    }

    private static void BackwardInput<TV>(float* x, float* dy, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int b0, int b1)
        where TV : struct, IVector<TV>
    {
        float batchF = batch;
        float* factors = stackalloc float[BlockWidth + (2 * LineDoubles)];
        float* factor = (float*)Align(factors);
        for (int start = 0; start < features; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, features - start);
            for (int j = 0; j < width; j++)
            {
                factor[j] = gamma[start + j] * savedInvStd[start + j] / batchF;
            }

            for (int b = b0; b < b1; b++)
            {
                long at = ((long)b * features) + start;
                InputGradient<TV>(x + at, dy + at, dx + at, savedMean + start, savedInvStd + start, factor, sumDy + start, sumDyXhat + start, batchF, width);
            }
        }
    }

    /// <summary>The first cache-line boundary at or after <paramref name="p"/>.</summary>
    private static void* Align(void* p) => (void*)(((nuint)p + 63) & ~(nuint)63);

    /// <summary>Row x, y (W): y = ((x - mean) * scale) + shift.</summary>
    private static void NormalizeRow<TV>(float* x, float* y, float* mean, float* scale, float* shift, int n)
        where TV : struct, IVector<TV>
    {
        int j = 0;
        for (; j <= n - TV.Count; j += TV.Count)
        {
            (((TV.Load(x + j) - TV.Load(mean + j)) * TV.Load(scale + j)) + TV.Load(shift + j)).Store(y + j);
        }

        for (; j < n; j++)
        {
            y[j] = ((x[j] - mean[j]) * scale[j]) + shift[j];
        }
    }

    /// <summary>x, y, gamma, beta, mean, var (W): y = (x - mean) * (gamma / sqrt(var + epsilon)) + beta.</summary>
    private static void NormalizeOne<TV>(float* x, float* y, float* gamma, float* beta, float* mean, float* variance, int n, float epsilon)
        where TV : struct, IVector<TV>
    {
        TV eps = TV.Create(epsilon);
        int j = 0;
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV scale = TV.Load(gamma + j) / TV.Sqrt(TV.Load(variance + j) + eps);
            (((TV.Load(x + j) - TV.Load(mean + j)) * scale) + TV.Load(beta + j)).Store(y + j);
        }

        for (; j < n; j++)
        {
            float scale = gamma[j] / MathF.Sqrt(variance[j] + epsilon);
            y[j] = ((x[j] - mean[j]) * scale) + beta[j];
        }
    }

    /// <summary>Row x, dy (W): sumDy += dy; sumDyXhat += dy * ((x - mean) * invStd).</summary>
    private static void AccumulateGradient<TV>(float* x, float* dy, float* mean, float* invStd, float* sumDy, float* sumDyXhat, int n)
        where TV : struct, IVector<TV>
    {
        int j = 0;
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV g = TV.Load(dy + j);
            (TV.Load(sumDy + j) + g).Store(sumDy + j);
            TV xhat = (TV.Load(x + j) - TV.Load(mean + j)) * TV.Load(invStd + j);
            (TV.Load(sumDyXhat + j) + (g * xhat)).Store(sumDyXhat + j);
        }

        for (; j < n; j++)
        {
            float g = dy[j];
            sumDy[j] += g;
            sumDyXhat[j] += g * ((x[j] - mean[j]) * invStd[j]);
        }
    }

    /// <summary>Row x, dy, dx (W): dx = k * ((B * dy) - sumDy - (xhat * sumDyXhat)).</summary>
    private static void InputGradient<TV>(float* x, float* dy, float* dx, float* mean, float* invStd, float* k, float* sumDy, float* sumDyXhat, float batch, int n)
        where TV : struct, IVector<TV>
    {
        TV vb = TV.Create(batch);
        int j = 0;
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV xhat = (TV.Load(x + j) - TV.Load(mean + j)) * TV.Load(invStd + j);
            (TV.Load(k + j) * ((vb * TV.Load(dy + j)) - TV.Load(sumDy + j) - (xhat * TV.Load(sumDyXhat + j)))).Store(dx + j);
        }

        for (; j < n; j++)
        {
            float xhat = (x[j] - mean[j]) * invStd[j];
            dx[j] = k[j] * ((batch * dy[j]) - sumDy[j] - (xhat * sumDyXhat[j]));
        }
    }

    /// <summary>
    /// Training: the statistics split by features (each feature's rows summed in batch order, so the same bits on any
    /// number of threads), then y split by rows. Writes split by features would interleave the threads' lines in every row
    /// (each core's prefetcher pulling in the lines the other is writing): measured twice as slow as one thread.
    /// </summary>
    internal sealed class TrainingJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y, _gamma, _beta, _runningMean, _runningVar, _savedMean, _savedInvStd;
        private int _batch, _features;
        private float _momentum, _epsilon;
        private bool _statistics;

        public void Run(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
            float* savedMean, float* savedInvStd, int batch, int features, float momentum, float epsilon)
        {
            _x = x;
            _y = y;
            _gamma = gamma;
            _beta = beta;
            _runningMean = runningMean;
            _runningVar = runningVar;
            _savedMean = savedMean;
            _savedInvStd = savedInvStd;
            _batch = batch;
            _features = features;
            _momentum = momentum;
            _epsilon = epsilon;
            _statistics = true;
            Run(features, FeatureGrain, (long)batch * features);
            _statistics = false;
            Run(batch, 1, 2L * batch * features);
            _x = _y = _gamma = _beta = _runningMean = _runningVar = _savedMean = _savedInvStd = null;
        }

        protected override void Range(int start, int end)
        {
            if (_statistics)
            {
                TrainingStatistics(_x, _runningMean, _runningVar, _savedMean, _savedInvStd, _batch, _features, start, end, _momentum, _epsilon);
            }
            else
            {
                TrainingNormalize(_x, _y, _gamma, _beta, _savedMean, _savedInvStd, _features, start, end);
            }
        }
    }

    /// <summary>Inference, split by rows.</summary>
    internal sealed class InferenceJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y, _gamma, _beta, _runningMean, _runningVar;
        private int _batch, _features;
        private float _epsilon;

        public void Run(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar, int batch, int features, float epsilon)
        {
            _x = x;
            _y = y;
            _gamma = gamma;
            _beta = beta;
            _runningMean = runningMean;
            _runningVar = runningVar;
            _batch = batch;
            _features = features;
            _epsilon = epsilon;
            Run(batch, 1, 2L * batch * features);
            _x = _y = _gamma = _beta = _runningMean = _runningVar = null;
        }

        protected override void Range(int start, int end) =>
            Inference(_x, _y, _gamma, _beta, _runningMean, _runningVar, _batch, _features, start, end, _epsilon);
    }

    /// <summary>
    /// Backward: the per-feature sums split by features (batch order, the same bits on any number of threads) into a
    /// pinned scratch of 2F floats the job keeps (grown on a larger layer, then reused), then dx split by rows.
    /// </summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float[] _scratch = [];
        private float* _x, _dy, _dx, _gamma, _dGamma, _dBeta, _savedMean, _savedInvStd, _sumDy, _sumDyXhat;
        private int _batch, _features;
        private bool _sums;

        public void Run(float* x, float* dy, float* dx, float* gamma, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd, int batch, int features)
        {
            if (batch == 0)
            {
                return;
            }

            if (_scratch.Length < 2 * features)
            {
                _scratch = GC.AllocateArray<float>(2 * features, pinned: true);
            }

            fixed (float* scratch = _scratch)
            {
                _x = x;
                _dy = dy;
                _dx = dx;
                _gamma = gamma;
                _dGamma = dGamma;
                _dBeta = dBeta;
                _savedMean = savedMean;
                _savedInvStd = savedInvStd;
                _sumDy = scratch;
                _sumDyXhat = scratch + features;
                _batch = batch;
                _features = features;
                _sums = true;
                Run(features, FeatureGrain, 2L * batch * features);
                _sums = false;
                Run(batch, 1, 3L * batch * features);
                _x = _dy = _dx = _gamma = _dGamma = _dBeta = _savedMean = _savedInvStd = _sumDy = _sumDyXhat = null;
            }
        }

        protected override void Range(int start, int end)
        {
            if (_sums)
            {
                BackwardSums(_x, _dy, _dGamma, _dBeta, _savedMean, _savedInvStd, _sumDy, _sumDyXhat, _batch, _features, start, end);
            }
            else
            {
                BackwardInput(_x, _dy, _dx, _gamma, _savedMean, _savedInvStd, _sumDy, _sumDyXhat, _batch, _features, start, end);
            }
        }
    }
}
