using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The scaled, masked softmax of attention and its backward pass, written once over <see cref="IVector{TSelf}"/>. Every
/// row is independent, so the pool splits them by rows; each row's sums run in one fixed order.
/// </summary>
internal static unsafe class AttentionCpu
{
    /// <summary>Keras' additive mask: (1 - mask) * -1e9 added to the scaled scores.</summary>
    private const float MaskBias = -1e9f;

    /// <summary>
    /// scores, probabilities (R = B H Q, K), mask (B, K) or null, rows [start, end) (row r in batch r / rowsPerBatch):
    /// z = scale s + (1 - mask) * -1e9, p = exp(z - max z) / sum. probabilities may be scores.
    /// </summary>
    public static void Softmax(float* scores, float* mask, float* probabilities, int start, int end, int rowsPerBatch, int keys, float scale)
    {
        switch (SimdWidth.Current)
        {
            case 512: Softmax<V512>(scores, mask, probabilities, start, end, rowsPerBatch, keys, scale); break;
            case 256: Softmax<V256>(scores, mask, probabilities, start, end, rowsPerBatch, keys, scale); break;
            case 128: Softmax<V128>(scores, mask, probabilities, start, end, rowsPerBatch, keys, scale); break;
            default: Softmax<V1>(scores, mask, probabilities, start, end, rowsPerBatch, keys, scale); break;
        }
    }

    /// <summary>p, dp, ds (R, K), rows [start, end): ds = scale p (dp - sum_k dp p). ds may be dp.</summary>
    public static void SoftmaxBackward(float* probabilities, float* dProbabilities, float* dScores, int start, int end, int keys, float scale)
    {
        switch (SimdWidth.Current)
        {
            case 512: SoftmaxBackward<V512>(probabilities, dProbabilities, dScores, start, end, keys, scale); break;
            case 256: SoftmaxBackward<V256>(probabilities, dProbabilities, dScores, start, end, keys, scale); break;
            case 128: SoftmaxBackward<V128>(probabilities, dProbabilities, dScores, start, end, keys, scale); break;
            default: SoftmaxBackward<V1>(probabilities, dProbabilities, dScores, start, end, keys, scale); break;
        }
    }

    private static void Softmax<TV>(float* scores, float* mask, float* probabilities, int start, int end, int rowsPerBatch, int keys, float scale)
        where TV : struct, IVector<TV>
    {
        TV vScale = TV.Create(scale), vBias = TV.Create(MaskBias);
        for (int r = start; r < end; r++)
        {
            float* s = scores + ((nint)r * keys), p = probabilities + ((nint)r * keys);
            float* m = mask == null ? null : mask + ((nint)(r / rowsPerBatch) * keys);

            // z = scale s + bias into p, and its maximum.
            TV vMax = TV.Create(float.NegativeInfinity);
            int j = 0;
            for (; j <= keys - TV.Count; j += TV.Count)
            {
                TV z = TV.Load(s + j) * vScale;
                if (m != null)
                {
                    z += (TV.One - TV.Load(m + j)) * vBias;
                }

                z.Store(p + j);
                vMax = TV.Select(TV.GreaterThan(z, vMax), z, vMax);
            }

            float max = Max(vMax);

            for (; j < keys; j++)
            {
                float z = s[j] * scale;
                if (m != null)
                {
                    z += (1f - m[j]) * MaskBias;
                }

                p[j] = z;
                max = z > max ? z : max;
            }

            // e = exp(z - max) and its sum; then p = e / sum.
            TV vTop = TV.Create(max), vSum = TV.Zero;
            j = 0;
            for (; j <= keys - TV.Count; j += TV.Count)
            {
                TV e = VectorMath.Exp(TV.Load(p + j) - vTop);
                e.Store(p + j);
                vSum += e;
            }

            float sum = TV.Sum(vSum);
            for (; j < keys; j++)
            {
                VectorMath.Exp(V1.Create(p[j] - max)).Store(p + j);
                sum += p[j];
            }

            float inverse = 1f / sum;
            TV vInverse = TV.Create(inverse);
            j = 0;
            for (; j <= keys - TV.Count; j += TV.Count)
            {
                (TV.Load(p + j) * vInverse).Store(p + j);
            }

            for (; j < keys; j++)
            {
                p[j] *= inverse;
            }
        }
    }

    /// <summary>
    /// The largest lane (the row's compares keep NaN out of the running maximum): halves folded with the native max,
    /// the one width-specific step (a scalar loop over stored lanes cost more than the row's exp at 64 keys).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max<TV>(TV v)
        where TV : struct, IVector<TV>
    {
        Vector128<float> x;
        if (typeof(TV) == typeof(V512))
        {
            Vector512<float> w = Unsafe.As<TV, Vector512<float>>(ref v);
            Vector256<float> h = Vector256.MaxNative(w.GetLower(), w.GetUpper());
            x = Vector128.MaxNative(h.GetLower(), h.GetUpper());
        }
        else if (typeof(TV) == typeof(V256))
        {
            Vector256<float> h = Unsafe.As<TV, Vector256<float>>(ref v);
            x = Vector128.MaxNative(h.GetLower(), h.GetUpper());
        }
        else if (typeof(TV) == typeof(V128))
        {
            x = Unsafe.As<TV, Vector128<float>>(ref v);
        }
        else
        {
            return Unsafe.As<TV, float>(ref v);
        }

        x = Vector128.MaxNative(x, Vector128.Shuffle(x, Vector128.Create(2, 3, 0, 1)));
        x = Vector128.MaxNative(x, Vector128.Shuffle(x, Vector128.Create(1, 0, 3, 2)));
        return x.ToScalar();
    }

    private static void SoftmaxBackward<TV>(float* probabilities, float* dProbabilities, float* dScores, int start, int end, int keys, float scale)
        where TV : struct, IVector<TV>
    {
        for (int r = start; r < end; r++)
        {
            float* p = probabilities + ((nint)r * keys), dp = dProbabilities + ((nint)r * keys), ds = dScores + ((nint)r * keys);
            TV vDot = TV.Zero;
            int j = 0;
            for (; j <= keys - TV.Count; j += TV.Count)
            {
                vDot = TV.FusedMultiplyAdd(TV.Load(dp + j), TV.Load(p + j), vDot);
            }

            float dot = TV.Sum(vDot);
            for (; j < keys; j++)
            {
                dot += dp[j] * p[j];
            }

            TV vScale = TV.Create(scale), vDotted = TV.Create(dot);
            j = 0;
            for (; j <= keys - TV.Count; j += TV.Count)
            {
                (TV.Load(p + j) * vScale * (TV.Load(dp + j) - vDotted)).Store(ds + j);
            }

            for (; j < keys; j++)
            {
                ds[j] = p[j] * scale * (dp[j] - dot);
            }
        }
    }

    /// <summary><see cref="Softmax(float*, float*, float*, int, int, int, int, float)"/> split by rows.</summary>
    internal sealed class SoftmaxJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _scores, _mask, _probabilities;
        private int _rowsPerBatch, _keys;
        private float _scale;

        public void Run(float* scores, float* mask, float* probabilities, int rows, int rowsPerBatch, int keys, float scale)
        {
            _scores = scores;
            _mask = mask;
            _probabilities = probabilities;
            _rowsPerBatch = rowsPerBatch;
            _keys = keys;
            _scale = scale;
            Run(rows, 1, 2L * rows * keys);
            _scores = _mask = _probabilities = null;
        }

        protected override void Range(int start, int end) => Softmax(_scores, _mask, _probabilities, start, end, _rowsPerBatch, _keys, _scale);
    }

    /// <summary><see cref="SoftmaxBackward(float*, float*, float*, int, int, int, float)"/> split by rows.</summary>
    internal sealed class SoftmaxBackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _p, _dp, _ds;
        private int _keys;
        private float _scale;

        public void Run(float* probabilities, float* dProbabilities, float* dScores, int rows, int keys, float scale)
        {
            _p = probabilities;
            _dp = dProbabilities;
            _ds = dScores;
            _keys = keys;
            _scale = scale;
            Run(rows, 1, 3L * rows * keys);
            _p = _dp = _ds = null;
        }

        protected override void Range(int start, int end) => SoftmaxBackward(_p, _dp, _ds, start, end, _keys, _scale);
    }
}
