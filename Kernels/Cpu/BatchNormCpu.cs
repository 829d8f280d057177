using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Batch normalisation over (B, F), each pass on a feature range [f0, f1) of all rows, so the pool splits by features
/// and every feature still sums its rows in batch order (the same bits on any number of threads). Within a range, rows
/// are streamed (blocks of up to 512 features) with per-feature accumulators on the stack; training statistics (sum
/// and sum of squares, one pass) accumulate in double. One body per pass, generic over the vector width.
/// </summary>
internal static unsafe class BatchNormCpu
{
    /// <summary>Features per block of the streaming kernels: their per-feature accumulators fit the stack (8 KB).</summary>
    private const int BlockWidth = 512;

    /// <summary>Doubles in a 64-byte cache line.</summary>
    private const int LineDoubles = 8;

    /// <summary>
    /// x, y (B, F); gamma, beta, runningMean, runningVar, savedMean, savedInvStd (F), features [f0, f1):
    /// batch mean and biased variance, y = gamma (x - mean) / sqrt(var + eps) + beta, running averages
    /// with momentum weighting the old value.
    /// </summary>
    public static void Training(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        float* savedMean, float* savedInvStd, int batch, int features, int f0, int f1, float momentum, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Training<V512>(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
            case 256: Training<V256>(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
            case 128: Training<V128>(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
            default: Training<V1>(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, f0, f1, momentum, epsilon); break;
        }
    }

    /// <summary>
    /// x, y (B, F); parameters (F), features [f0, f1): y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta, as
    /// ((x - runningMean) * scale) + beta with scale = gamma / sqrt(runningVar + eps) worked out once per block
    /// (in registers for a batch of one, the same operations in the same order, so the same bits).
    /// </summary>
    public static void Inference(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        int batch, int features, int f0, int f1, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Inference<V512>(x, y, gamma, beta, runningMean, runningVar, batch, features, f0, f1, epsilon); break;
            case 256: Inference<V256>(x, y, gamma, beta, runningMean, runningVar, batch, features, f0, f1, epsilon); break;
            case 128: Inference<V128>(x, y, gamma, beta, runningMean, runningVar, batch, features, f0, f1, epsilon); break;
            default: Inference<V1>(x, y, gamma, beta, runningMean, runningVar, batch, features, f0, f1, epsilon); break;
        }
    }

    /// <summary>
    /// x, dy, dx (B, F); gamma, dGamma, dBeta, savedMean, savedInvStd (F), features [f0, f1). With xhat = (x - mean) invStd:
    /// dx = gamma invStd / B (B dy - sum_b dy - xhat sum_b(dy xhat)); dGamma += sum_b(dy xhat); dBeta += sum_b dy.
    /// dx may be dy: each element of dy is read before the same element of dx is written. Per-feature float
    /// accumulators, summed in batch order.
    /// </summary>
    public static void Backward(float* x, float* dy, float* dx, float* gamma, float* dGamma, float* dBeta,
        float* savedMean, float* savedInvStd, int batch, int features, int f0, int f1)
    {
        switch (SimdWidth.Current)
        {
            case 512: Backward<V512>(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features, f0, f1); break;
            case 256: Backward<V256>(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features, f0, f1); break;
            case 128: Backward<V128>(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features, f0, f1); break;
            default: Backward<V1>(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features, f0, f1); break;
        }
    }

    private static void Training<TV>(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        float* savedMean, float* savedInvStd, int batch, int features, int f0, int f1, float momentum, float epsilon)
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
        float* scales = stackalloc float[BlockWidth + (2 * LineDoubles)];
        float* scale = (float*)Align(scales);
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
                scale[j] = gamma[f] * invStd;
            }

            for (int b = 0; b < batch; b++)
            {
                long at = ((long)b * features) + start;
                Normalize<TV>(x + at, y + at, savedMean + start, scale, beta + start, width);
            }
        }
    }

    private static void Inference<TV>(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar,
        int batch, int features, int f0, int f1, float epsilon)
        where TV : struct, IVector<TV>
    {
        if (batch == 1)
        {
            NormalizeOne<TV>(x + f0, y + f0, gamma + f0, beta + f0, runningMean + f0, runningVar + f0, f1 - f0, epsilon);
            return;
        }

        float* scales = stackalloc float[BlockWidth + (2 * LineDoubles)];
        float* scale = (float*)Align(scales);
        TV eps = TV.Create(epsilon);
        for (int start = f0; start < f1; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, f1 - start);
            float* g = gamma + start, v = runningVar + start;
            int j = 0;
            for (; j <= width - TV.Count; j += TV.Count)
            {
                (TV.Load(g + j) / TV.Sqrt(TV.Load(v + j) + eps)).Store(scale + j);
            }

            for (; j < width; j++)
            {
                scale[j] = g[j] / MathF.Sqrt(v[j] + epsilon);
            }

            for (int b = 0; b < batch; b++)
            {
                long at = ((long)b * features) + start;
                Normalize<TV>(x + at, y + at, runningMean + start, scale, beta + start, width);
            }
        }
    }

    private static void Backward<TV>(float* x, float* dy, float* dx, float* gamma, float* dGamma, float* dBeta,
        float* savedMean, float* savedInvStd, int batch, int features, int f0, int f1)
        where TV : struct, IVector<TV>
    {
        if (batch == 0)
        {
            return;
        }

        float batchF = batch;
        float* sums = stackalloc float[(3 * BlockWidth) + (2 * LineDoubles)];
        float* sumDy = (float*)Align(sums), sumDyXhat = sumDy + BlockWidth, factor = sumDyXhat + BlockWidth;
        for (int start = f0; start < f1; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, f1 - start);
            float* mean = savedMean + start, invStd = savedInvStd + start;
            new Span<float>(sumDy, width).Clear();
            new Span<float>(sumDyXhat, width).Clear();
            for (int b = 0; b < batch; b++)
            {
                long at = ((long)b * features) + start;
                AccumulateGradient<TV>(x + at, dy + at, mean, invStd, sumDy, sumDyXhat, width);
            }

            for (int j = 0; j < width; j++)
            {
                factor[j] = gamma[start + j] * invStd[j] / batchF;
            }

            for (int b = 0; b < batch; b++)
            {
                long at = ((long)b * features) + start;
                InputGradient<TV>(x + at, dy + at, dx + at, mean, invStd, factor, sumDy, sumDyXhat, batchF, width);
            }

            for (int j = 0; j < width; j++)
            {
                dGamma[start + j] += sumDyXhat[j];
                dBeta[start + j] += sumDy[j];
            }
        }
    }

    /// <summary>The first cache-line boundary at or after <paramref name="p"/>.</summary>
    private static void* Align(void* p) => (void*)(((nuint)p + 63) & ~(nuint)63);

    /// <summary>Row x, y (W): y = ((x - mean) * scale) + shift.</summary>
    private static void Normalize<TV>(float* x, float* y, float* mean, float* scale, float* shift, int n)
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

    /// <summary><see cref="Training(float*, float*, float*, float*, float*, float*, float*, float*, int, int, int, int, float, float)"/>, split by features.</summary>
    internal sealed class TrainingJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y, _gamma, _beta, _runningMean, _runningVar, _savedMean, _savedInvStd;
        private int _batch, _features;
        private float _momentum, _epsilon;

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
            Run(features, FeatureGrain, 3L * batch * features);
            _x = _y = _gamma = _beta = _runningMean = _runningVar = _savedMean = _savedInvStd = null;
        }

        protected override void Range(int start, int end) =>
            Training(_x, _y, _gamma, _beta, _runningMean, _runningVar, _savedMean, _savedInvStd, _batch, _features, start, end, _momentum, _epsilon);
    }

    /// <summary><see cref="Inference(float*, float*, float*, float*, float*, float*, int, int, int, int, float)"/>, split by features.</summary>
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
            Run(features, FeatureGrain, 2L * batch * features);
            _x = _y = _gamma = _beta = _runningMean = _runningVar = null;
        }

        protected override void Range(int start, int end) =>
            Inference(_x, _y, _gamma, _beta, _runningMean, _runningVar, _batch, _features, start, end, _epsilon);
    }

    /// <summary><see cref="Backward(float*, float*, float*, float*, float*, float*, float*, float*, int, int, int, int)"/>, split by features.</summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _dy, _dx, _gamma, _dGamma, _dBeta, _savedMean, _savedInvStd;
        private int _batch, _features;

        public void Run(float* x, float* dy, float* dx, float* gamma, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd, int batch, int features)
        {
            _x = x;
            _dy = dy;
            _dx = dx;
            _gamma = gamma;
            _dGamma = dGamma;
            _dBeta = dBeta;
            _savedMean = savedMean;
            _savedInvStd = savedInvStd;
            _batch = batch;
            _features = features;
            Run(features, FeatureGrain, 5L * batch * features);
            _x = _dy = _dx = _gamma = _dGamma = _dBeta = _savedMean = _savedInvStd = null;
        }

        protected override void Range(int start, int end) =>
            Backward(_x, _dy, _dx, _gamma, _dGamma, _dBeta, _savedMean, _savedInvStd, _batch, _features, start, end);
    }
}
