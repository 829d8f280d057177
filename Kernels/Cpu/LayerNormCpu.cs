using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Layer normalisation over the last axis, written once over <see cref="IVector{TSelf}"/>. The forward pass and dx work
/// on whole rows, so the pool splits them by rows; dGamma and dBeta sum over rows, so they run as a second pass split by
/// features, each feature summed in row order whatever the split: results do not depend on the thread count.
/// </summary>
internal static unsafe class LayerNormCpu
{
    /// <summary>
    /// x, y (R, F), gamma, beta (F), savedMean, savedInvStd (R), rows [start, end): per row, mean and biased variance
    /// summed in double (each lane widened), then y = gamma (x - mean) invStd + beta in float.
    /// </summary>
    public static void Forward(float* x, float* y, float* gamma, float* beta, float* savedMean, float* savedInvStd,
        int start, int end, int features, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Forward<V512>(x, y, gamma, beta, savedMean, savedInvStd, start, end, features, epsilon); break;
            case 256: Forward<V256>(x, y, gamma, beta, savedMean, savedInvStd, start, end, features, epsilon); break;
            case 128: Forward<V128>(x, y, gamma, beta, savedMean, savedInvStd, start, end, features, epsilon); break;
            default: Forward<V1>(x, y, gamma, beta, savedMean, savedInvStd, start, end, features, epsilon); break;
        }
    }

    /// <summary>
    /// x, dy, dx (R, F), gamma (F), savedMean, savedInvStd (R), rows [start, end): with xhat = (x - mean) invStd and
    /// g = dy gamma, dx = invStd (g - mean(g) - xhat mean(g xhat)).
    /// </summary>
    public static void BackwardRows(float* x, float* dy, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        int start, int end, int features)
    {
        switch (SimdWidth.Current)
        {
            case 512: BackwardRows<V512>(x, dy, dx, gamma, savedMean, savedInvStd, start, end, features); break;
            case 256: BackwardRows<V256>(x, dy, dx, gamma, savedMean, savedInvStd, start, end, features); break;
            case 128: BackwardRows<V128>(x, dy, dx, gamma, savedMean, savedInvStd, start, end, features); break;
            default: BackwardRows<V1>(x, dy, dx, gamma, savedMean, savedInvStd, start, end, features); break;
        }
    }

    /// <summary>
    /// x, dy (R, F), dGamma, dBeta (F), savedMean, savedInvStd (R), features [start, end): dGamma += sum over rows of
    /// dy xhat, dBeta += sum over rows of dy, added row by row.
    /// </summary>
    public static void BackwardParameters(float* x, float* dy, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
        int rows, int features, int start, int end)
    {
        switch (SimdWidth.Current)
        {
            case 512: BackwardParameters<V512>(x, dy, dGamma, dBeta, savedMean, savedInvStd, rows, features, start, end); break;
            case 256: BackwardParameters<V256>(x, dy, dGamma, dBeta, savedMean, savedInvStd, rows, features, start, end); break;
            case 128: BackwardParameters<V128>(x, dy, dGamma, dBeta, savedMean, savedInvStd, rows, features, start, end); break;
            default: BackwardParameters<V1>(x, dy, dGamma, dBeta, savedMean, savedInvStd, rows, features, start, end); break;
        }
    }

    private static void Forward<TV>(float* x, float* y, float* gamma, float* beta, float* savedMean, float* savedInvStd,
        int start, int end, int features, float epsilon)
        where TV : struct, IVector<TV>
    {
        double* sum = stackalloc double[16], squares = stackalloc double[16];
        for (int r = start; r < end; r++)
        {
            float* xr = x + ((nint)r * features), yr = y + ((nint)r * features);
            new Span<double>(sum, TV.Count).Clear();
            new Span<double>(squares, TV.Count).Clear();
            int j = 0;
            for (; j <= features - TV.Count; j += TV.Count)
            {
                TV.AddWidened(xr + j, sum, squares);
            }

            double total = 0, totalSquares = 0;
            for (int lane = 0; lane < TV.Count; lane++)
            {
                total += sum[lane];
                totalSquares += squares[lane];
            }

            for (; j < features; j++)
            {
                total += xr[j];
                totalSquares += (double)xr[j] * xr[j];
            }

            double mean = features == 0 ? 0 : total / features;
            double variance = features == 0 ? 0 : Math.Max(0, (totalSquares / features) - (mean * mean));
            float m = (float)mean, inv = (float)(1 / Math.Sqrt(variance + epsilon));
            savedMean[r] = m;
            savedInvStd[r] = inv;

            TV vm = TV.Create(m), vi = TV.Create(inv);
            j = 0;
            for (; j <= features - TV.Count; j += TV.Count)
            {
                TV xhat = (TV.Load(xr + j) - vm) * vi;
                TV.FusedMultiplyAdd(xhat, TV.Load(gamma + j), TV.Load(beta + j)).Store(yr + j);
            }

            for (; j < features; j++)
            {
                float xhat = (xr[j] - m) * inv;
                V1.FusedMultiplyAdd(V1.Create(xhat), V1.Create(gamma[j]), V1.Create(beta[j])).Store(yr + j);
            }
        }
    }

    private static void BackwardRows<TV>(float* x, float* dy, float* dx, float* gamma, float* savedMean, float* savedInvStd,
        int start, int end, int features)
        where TV : struct, IVector<TV>
    {
        float inverseCount = features == 0 ? 0f : 1f / features;
        for (int r = start; r < end; r++)
        {
            float* xr = x + ((nint)r * features), dyr = dy + ((nint)r * features), dxr = dx + ((nint)r * features);
            float m = savedMean[r], inv = savedInvStd[r];
            TV vm = TV.Create(m), vi = TV.Create(inv);

            // Two row sums: of g and of g xhat.
            TV sg = TV.Zero, sgx = TV.Zero;
            int j = 0;
            for (; j <= features - TV.Count; j += TV.Count)
            {
                TV g = TV.Load(dyr + j) * TV.Load(gamma + j);
                sg += g;
                sgx = TV.FusedMultiplyAdd(g, (TV.Load(xr + j) - vm) * vi, sgx);
            }

            float sumG = TV.Sum(sg), sumGx = TV.Sum(sgx);
            for (; j < features; j++)
            {
                float g = dyr[j] * gamma[j];
                sumG += g;
                sumGx += g * ((xr[j] - m) * inv);
            }

            // dx = invStd (g - mean(g) - xhat mean(g xhat)).
            float meanG = sumG * inverseCount, meanGx = sumGx * inverseCount;
            TV va = TV.Create(meanG), vb = TV.Create(meanGx);
            j = 0;
            for (; j <= features - TV.Count; j += TV.Count)
            {
                TV g = TV.Load(dyr + j) * TV.Load(gamma + j);
                TV xhat = (TV.Load(xr + j) - vm) * vi;
                ((g - va - (xhat * vb)) * vi).Store(dxr + j);
            }

            for (; j < features; j++)
            {
                float g = dyr[j] * gamma[j];
                float xhat = (xr[j] - m) * inv;
                dxr[j] = (g - meanG - (xhat * meanGx)) * inv;
            }
        }
    }

    private static void BackwardParameters<TV>(float* x, float* dy, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
        int rows, int features, int start, int end)
        where TV : struct, IVector<TV>
    {
        for (int r = 0; r < rows; r++)
        {
            float* xr = x + ((nint)r * features), dyr = dy + ((nint)r * features);
            float m = savedMean[r], inv = savedInvStd[r];
            TV vm = TV.Create(m), vi = TV.Create(inv);
            int j = start;
            for (; j <= end - TV.Count; j += TV.Count)
            {
                TV d = TV.Load(dyr + j);
                (TV.Load(dGamma + j) + (d * ((TV.Load(xr + j) - vm) * vi))).Store(dGamma + j);
                (TV.Load(dBeta + j) + d).Store(dBeta + j);
            }

            for (; j < end; j++)
            {
                dGamma[j] += dyr[j] * ((xr[j] - m) * inv);
                dBeta[j] += dyr[j];
            }
        }
    }

    /// <summary><see cref="Forward(float*, float*, float*, float*, float*, float*, int, int, int, float)"/> split by rows.</summary>
    internal sealed class ForwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y, _gamma, _beta, _mean, _invStd;
        private int _features;
        private float _epsilon;

        public void Run(float* x, float* y, float* gamma, float* beta, float* savedMean, float* savedInvStd, int rows, int features, float epsilon)
        {
            _x = x;
            _y = y;
            _gamma = gamma;
            _beta = beta;
            _mean = savedMean;
            _invStd = savedInvStd;
            _features = features;
            _epsilon = epsilon;
            Run(rows, 1, 2L * rows * features);
            _x = _y = _gamma = _beta = _mean = _invStd = null;
        }

        protected override void Range(int start, int end) => Forward(_x, _y, _gamma, _beta, _mean, _invStd, start, end, _features, _epsilon);
    }

    /// <summary>The backward pass: dx split by rows, then dGamma and dBeta split by features.</summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _dy, _dx, _gamma, _dGamma, _dBeta, _mean, _invStd;
        private int _rows, _features;
        private bool _parameters;

        public void Run(float* x, float* dy, float* dx, float* gamma, float* dGamma, float* dBeta, float* savedMean, float* savedInvStd,
            int rows, int features)
        {
            _x = x;
            _dy = dy;
            _dx = dx;
            _gamma = gamma;
            _dGamma = dGamma;
            _dBeta = dBeta;
            _mean = savedMean;
            _invStd = savedInvStd;
            _rows = rows;
            _features = features;

            // The parameters first: dx may be dy, which they read.
            _parameters = true;
            Run(features, FeatureGrain, 2L * rows * features);
            _parameters = false;
            Run(rows, 1, 3L * rows * features);
            _x = _dy = _dx = _gamma = _dGamma = _dBeta = _mean = _invStd = null;
        }

        protected override void Range(int start, int end)
        {
            if (_parameters)
            {
                BackwardParameters(_x, _dy, _dGamma, _dBeta, _mean, _invStd, _rows, _features, start, end);
            }
            else
            {
                BackwardRows(_x, _dy, _dx, _gamma, _mean, _invStd, start, end, _features);
            }
        }
    }
}
