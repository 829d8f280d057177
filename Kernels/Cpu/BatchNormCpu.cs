using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Ops;
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
    /// <see cref="TrainingNormalize"/> fused with the dropout after it: rows [b0, b1) of y = ((x - mean) * (gamma invStd) + beta)
    /// * mask, mask[i] = Uniform(seed, stream + i) &gt;= rate ? keep : 0 for i = b F + f, the same bits as
    /// <see cref="DropoutCpu.Forward"/> on the normalised values; the normalised values themselves are not stored.
    /// </summary>
    public static void TrainingNormalizeDropout(float* x, float* y, float* mask, float* gamma, float* beta, float* savedMean, float* savedInvStd,
        int features, int b0, int b1, float rate, ulong seed, ulong stream)
    {
        ulong first = CounterMix.Start(seed, stream);
        float keep = 1f / (1f - rate);
        switch (SimdWidth.Current)
        {
            case 512: NormalizeDropout<V512>(x, y, mask, gamma, beta, savedMean, savedInvStd, features, b0, b1, rate, keep, first); break;
            case 256: NormalizeDropout<V256>(x, y, mask, gamma, beta, savedMean, savedInvStd, features, b0, b1, rate, keep, first); break;
            case 128: NormalizeDropout<V128>(x, y, mask, gamma, beta, savedMean, savedInvStd, features, b0, b1, rate, keep, first); break;
            default: NormalizeDropout<V1>(x, y, mask, gamma, beta, savedMean, savedInvStd, features, b0, b1, rate, keep, first); break;
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
    /// dGamma += sumDyXhat; dBeta += sumDy. <see cref="BackwardInput"/> then writes dx. With a dropout
    /// <paramref name="mask"/> (B, F) (null: none), dy is read as dy * mask, as the dropout's backward would leave it.
    /// </summary>
    public static void BackwardSums(float* x, float* dy, float* mask, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int f0, int f1)
    {
        switch (SimdWidth.Current)
        {
            case 512: BackwardSums<V512>(x, dy, mask, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
            case 256: BackwardSums<V256>(x, dy, mask, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
            case 128: BackwardSums<V128>(x, dy, mask, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
            default: BackwardSums<V1>(x, dy, mask, dGamma, dBeta, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, f0, f1); break;
        }
    }

    /// <summary>
    /// x, dy, dx (B, F), rows [b0, b1); gamma, savedMean, savedInvStd, sumDy, sumDyXhat (F):
    /// dx = gamma invStd / B (B dy - sumDy - xhat sumDyXhat). dx may be dy: each element of dy is read before the same
    /// element of dx is written. With a dropout <paramref name="mask"/> (null: none) dy is read as dy * mask; with
    /// <paramref name="relu"/>, x is a ReLU's output and dx is then multiplied by its derivative (x &gt; 0 ? 1 : 0), as the
    /// ReLU's own backward would.
    /// </summary>
    public static void BackwardInput(float* x, float* dy, float* mask, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int b0, int b1, bool relu)
    {
        switch (SimdWidth.Current)
        {
            case 512: BackwardInput<V512>(x, dy, mask, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1, relu); break;
            case 256: BackwardInput<V256>(x, dy, mask, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1, relu); break;
            case 128: BackwardInput<V128>(x, dy, mask, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1, relu); break;
            default: BackwardInput<V1>(x, dy, mask, dx, gamma, savedMean, savedInvStd, sumDy, sumDyXhat, batch, features, b0, b1, relu); break;
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

    private static void BackwardSums<TV>(float* x, float* dy, float* mask, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
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
                if (mask == null)
                {
                    AccumulateGradient<TV>(x + at, dy + at, savedMean + start, savedInvStd + start, sDy, sDyXhat, width);
                }
                else
                {
                    AccumulateMaskedGradient<TV>(x + at, dy + at, mask + at, savedMean + start, savedInvStd + start, sDy, sDyXhat, width);
                }
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

    private static void BackwardInput<TV>(float* x, float* dy, float* mask, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        float* sumDy, float* sumDyXhat, int batch, int features, int b0, int b1, bool relu)
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
                if (mask == null && !relu)
                {
                    InputGradient<TV>(x + at, dy + at, dx + at, savedMean + start, savedInvStd + start, factor, sumDy + start, sumDyXhat + start, batchF, width);
                }
                else
                {
                    InputGradientFused<TV>(x + at, dy + at, mask == null ? null : mask + at, dx + at, savedMean + start, savedInvStd + start, factor,
                        sumDy + start, sumDyXhat + start, batchF, width, relu);
                }
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

    /// <summary>
    /// Rows [b0, b1) of y = (((x - mean) * scale) + beta) * mask with the dropout mask drawn in the same pass (scale =
    /// gamma invStd per block of features, as <see cref="Normalize{TV}"/> in training).
    /// </summary>
    private static void NormalizeDropout<TV>(float* x, float* y, float* mask, float* gamma, float* beta, float* savedMean, float* savedInvStd,
        int features, int b0, int b1, float rate, float keep, ulong first)
        where TV : struct, IVector<TV>
    {
        float* scales = stackalloc float[BlockWidth + (2 * LineDoubles)];
        float* scale = (float*)Align(scales);
        TV vRate = TV.Create(rate), vKeep = TV.Create(keep);
        for (int start = 0; start < features; start += BlockWidth)
        {
            int width = Math.Min(BlockWidth, features - start);
            for (int j = 0; j < width; j++)
            {
                scale[j] = gamma[start + j] * savedInvStd[start + j];
            }

            float* mean = savedMean + start, shift = beta + start;
            for (int b = b0; b < b1; b++)
            {
                long at = ((long)b * features) + start;
                float* xr = x + at, yr = y + at, mr = mask + at;
                ulong counter = first + (ulong)at;
                int j = 0;
                for (; j <= width - TV.Count; j += TV.Count)
                {
                    TV v = ((TV.Load(xr + j) - TV.Load(mean + j)) * TV.Load(scale + j)) + TV.Load(shift + j);
                    TV m = TV.GreaterThanOrEqual(TV.CounterUniform(counter + (ulong)j), vRate) & vKeep;
                    m.Store(mr + j);
                    (v * m).Store(yr + j);
                }

                for (; j < width; j++)
                {
                    float v = ((xr[j] - mean[j]) * scale[j]) + shift[j];
                    float m = CounterMix.Top24(counter + (ulong)j) * CounterMix.Scale >= rate ? keep : 0f;
                    mr[j] = m;
                    yr[j] = v * m;
                }
            }
        }
    }

    /// <summary>Row x, dy, mask (W): <see cref="AccumulateGradient{TV}"/> of dy * mask.</summary>
    private static void AccumulateMaskedGradient<TV>(float* x, float* dy, float* mask, float* mean, float* invStd, float* sumDy, float* sumDyXhat, int n)
        where TV : struct, IVector<TV>
    {
        int j = 0;
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV g = TV.Load(dy + j) * TV.Load(mask + j);
            (TV.Load(sumDy + j) + g).Store(sumDy + j);
            TV xhat = (TV.Load(x + j) - TV.Load(mean + j)) * TV.Load(invStd + j);
            (TV.Load(sumDyXhat + j) + (g * xhat)).Store(sumDyXhat + j);
        }

        for (; j < n; j++)
        {
            float g = dy[j] * mask[j];
            sumDy[j] += g;
            sumDyXhat[j] += g * ((x[j] - mean[j]) * invStd[j]);
        }
    }

    /// <summary>
    /// Row x, dy, dx (W): <see cref="InputGradient{TV}"/> of dy * mask (when mask is not null), times the ReLU's derivative
    /// at x (when relu is set): the same operations in the same order as the unfused calls, so the same bits.
    /// </summary>
    private static void InputGradientFused<TV>(float* x, float* dy, float* mask, float* dx, float* mean, float* invStd, float* k, float* sumDy,
        float* sumDyXhat, float batch, int n, bool relu)
        where TV : struct, IVector<TV>
    {
        TV vb = TV.Create(batch);
        int j = 0;
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV xv = TV.Load(x + j);
            TV g = mask == null ? TV.Load(dy + j) : TV.Load(dy + j) * TV.Load(mask + j);
            TV xhat = (xv - TV.Load(mean + j)) * TV.Load(invStd + j);
            TV d = TV.Load(k + j) * ((vb * g) - TV.Load(sumDy + j) - (xhat * TV.Load(sumDyXhat + j)));
            (relu ? d * ReluOp.Derivative(xv) : d).Store(dx + j);
        }

        for (; j < n; j++)
        {
            float g = mask == null ? dy[j] : dy[j] * mask[j];
            float xhat = (x[j] - mean[j]) * invStd[j];
            float d = k[j] * ((batch * g) - sumDy[j] - (xhat * sumDyXhat[j]));
            dx[j] = relu ? d * ReluOp.Derivative(x[j]) : d;
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
        private float* _mask;
        private float _rate;
        private ulong _seed, _stream;

        /// <summary>Training with the dropout after it fused into the output pass: y = dropout(batchnorm(x)), mask drawn there.</summary>
        public void RunWithDropout(float* x, float* y, float* mask, float* gamma, float* beta, float* runningMean, float* runningVar,
            float* savedMean, float* savedInvStd, int batch, int features, float momentum, float epsilon, float rate, ulong seed, ulong stream)
        {
            _mask = mask;
            (_rate, _seed, _stream) = (rate, seed, stream);
            Run(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, momentum, epsilon);
            _mask = null;
        }

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
            else if (_mask != null)
            {
                TrainingNormalizeDropout(_x, _y, _mask, _gamma, _beta, _savedMean, _savedInvStd, _features, start, end, _rate, _seed, _stream);
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
        private bool _sums, _relu;
        private float* _mask;

        /// <summary>
        /// The backward pass with the passes around it fused: dy read as dy * mask (a dropout after the batch norm; mask
        /// may be null) and, with relu, dx through the derivative of the ReLU whose output x is.
        /// </summary>
        public void RunFused(float* x, float* dy, float* mask, float* dx, float* gamma, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
            int batch, int features, bool relu)
        {
            _mask = mask;
            _relu = relu;
            Run(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features);
            _mask = null;
            _relu = false;
        }

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
                BackwardSums(_x, _dy, _mask, _dGamma, _dBeta, _savedMean, _savedInvStd, _sumDy, _sumDyXhat, _batch, _features, start, end);
            }
            else
            {
                BackwardInput(_x, _dy, _mask, _dx, _gamma, _savedMean, _savedInvStd, _sumDy, _sumDyXhat, _batch, _features, start, end, _relu);
            }
        }
    }
}
