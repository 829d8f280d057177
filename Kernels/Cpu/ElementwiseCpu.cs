using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Whole-tensor arithmetic and data movement of graph models: alpha a + beta b, products, axis swaps, strided row copies
/// and the (masked) mean over one axis, each written once over <see cref="IVector{TSelf}"/>. Sums and products are
/// multiply-then-add, never fused, so every width gives the same bits.
/// </summary>
internal static unsafe class ElementwiseCpu
{
    /// <summary>a, b, y (N), elements [start, end): y = alpha a + beta b; b is null (not read) when beta = 0. y may be a or b.</summary>
    public static void Axpby(float alpha, float* a, float beta, float* b, float* y, int start, int end)
    {
        switch (SimdWidth.Current)
        {
            case 512: Axpby<V512>(alpha, a, beta, b, y, start, end); break;
            case 256: Axpby<V256>(alpha, a, beta, b, y, start, end); break;
            case 128: Axpby<V128>(alpha, a, beta, b, y, start, end); break;
            default: Axpby<V1>(alpha, a, beta, b, y, start, end); break;
        }
    }

    /// <summary>a, b, y (N), elements [start, end): y = a b, or y += a b when accumulating.</summary>
    public static void Multiply(float* a, float* b, float* y, int start, int end, bool accumulate)
    {
        switch (SimdWidth.Current)
        {
            case 512: Multiply<V512>(a, b, y, start, end, accumulate); break;
            case 256: Multiply<V256>(a, b, y, start, end, accumulate); break;
            case 128: Multiply<V128>(a, b, y, start, end, accumulate); break;
            default: Multiply<V1>(a, b, y, start, end, accumulate); break;
        }
    }

    /// <summary>
    /// x (O, A, M, B, I) into y (O, B, M, A, I): each run of I floats moved (or added) whole, y written in order.
    /// </summary>
    public static void SwapAxes(float* x, float* y, int outer, int first, int middle, int second, int innermost, bool accumulate)
    {
        switch (SimdWidth.Current)
        {
            case 512: SwapAxes<V512>(x, y, outer, first, middle, second, innermost, accumulate); break;
            case 256: SwapAxes<V256>(x, y, outer, first, middle, second, innermost, accumulate); break;
            case 128: SwapAxes<V128>(x, y, outer, first, middle, second, innermost, accumulate); break;
            default: SwapAxes<V1>(x, y, outer, first, middle, second, innermost, accumulate); break;
        }
    }

    /// <summary>Rows runs of W floats: destination + r * destinationStride (+)= source + r * sourceStride.</summary>
    public static void CopyRows(float* source, nint sourceStride, float* destination, nint destinationStride, int rows, int width, bool accumulate)
    {
        switch (SimdWidth.Current)
        {
            case 512: CopyRows<V512>(source, sourceStride, destination, destinationStride, rows, width, accumulate); break;
            case 256: CopyRows<V256>(source, sourceStride, destination, destinationStride, rows, width, accumulate); break;
            case 128: CopyRows<V128>(source, sourceStride, destination, destinationStride, rows, width, accumulate); break;
            default: CopyRows<V1>(source, sourceStride, destination, destinationStride, rows, width, accumulate); break;
        }
    }

    /// <summary>
    /// x (O, L, W), mask (O, L) or null, y (O, W): y = sum_l m_l x[l] / sum_l m_l (m = 1 without a mask; 0 when the
    /// weights sum to 0), summed in l order.
    /// </summary>
    public static void MeanAxis(float* x, float* mask, float* y, int outer, int length, int width)
    {
        switch (SimdWidth.Current)
        {
            case 512: MeanAxis<V512>(x, mask, y, outer, length, width); break;
            case 256: MeanAxis<V256>(x, mask, y, outer, length, width); break;
            case 128: MeanAxis<V128>(x, mask, y, outer, length, width); break;
            default: MeanAxis<V1>(x, mask, y, outer, length, width); break;
        }
    }

    /// <summary>dy (O, W), mask (O, L) or null, dx (O, L, W): dx[l] (+)= dy m_l / sum_l m_l (0 when the weights sum to 0).</summary>
    public static void MeanAxisBackward(float* dy, float* mask, float* dx, int outer, int length, int width, bool accumulate)
    {
        switch (SimdWidth.Current)
        {
            case 512: MeanAxisBackward<V512>(dy, mask, dx, outer, length, width, accumulate); break;
            case 256: MeanAxisBackward<V256>(dy, mask, dx, outer, length, width, accumulate); break;
            case 128: MeanAxisBackward<V128>(dy, mask, dx, outer, length, width, accumulate); break;
            default: MeanAxisBackward<V1>(dy, mask, dx, outer, length, width, accumulate); break;
        }
    }

    private static void Axpby<TV>(float alpha, float* a, float beta, float* b, float* y, int start, int end)
        where TV : struct, IVector<TV>
    {
        TV va = TV.Create(alpha), vb = TV.Create(beta);
        int i = start;
        if (b == null)
        {
            for (; i <= end - TV.Count; i += TV.Count)
            {
                (TV.Load(a + i) * va).Store(y + i);
            }

            for (; i < end; i++)
            {
                y[i] = a[i] * alpha;
            }

            return;
        }

        for (; i <= end - TV.Count; i += TV.Count)
        {
            ((TV.Load(a + i) * va) + (TV.Load(b + i) * vb)).Store(y + i);
        }

        for (; i < end; i++)
        {
            y[i] = (a[i] * alpha) + (b[i] * beta);
        }
    }

    private static void Multiply<TV>(float* a, float* b, float* y, int start, int end, bool accumulate)
        where TV : struct, IVector<TV>
    {
        int i = start;
        if (accumulate)
        {
            for (; i <= end - TV.Count; i += TV.Count)
            {
                (TV.Load(y + i) + (TV.Load(a + i) * TV.Load(b + i))).Store(y + i);
            }

            for (; i < end; i++)
            {
                y[i] += a[i] * b[i];
            }

            return;
        }

        for (; i <= end - TV.Count; i += TV.Count)
        {
            (TV.Load(a + i) * TV.Load(b + i)).Store(y + i);
        }

        for (; i < end; i++)
        {
            y[i] = a[i] * b[i];
        }
    }

    private static void SwapAxes<TV>(float* x, float* y, int outer, int first, int middle, int second, int innermost, bool accumulate)
        where TV : struct, IVector<TV>
    {
        // x[o, a, m, b] starts at (((o A + a) M + m) B + b) I; y is walked in its own order, so its writes stream.
        nint run = innermost, xB = run, xM = xB * second, xA = xM * middle, xO = xA * first;
        for (int o = 0; o < outer; o++)
        {
            for (int b = 0; b < second; b++)
            {
                for (int m = 0; m < middle; m++)
                {
                    float* src = x + (o * xO) + (m * xM) + (b * xB);
                    for (int a = 0; a < first; a++)
                    {
                        Run<TV>(src + (a * xA), y, innermost, accumulate);
                        y += run;
                    }
                }
            }
        }
    }

    private static void CopyRows<TV>(float* source, nint sourceStride, float* destination, nint destinationStride, int rows, int width, bool accumulate)
        where TV : struct, IVector<TV>
    {
        for (int r = 0; r < rows; r++)
        {
            Run<TV>(source + (r * sourceStride), destination + (r * destinationStride), width, accumulate);
        }
    }

    /// <summary>d (+)= s over n floats.</summary>
    private static void Run<TV>(float* s, float* d, int n, bool accumulate)
        where TV : struct, IVector<TV>
    {
        int j = 0;
        if (accumulate)
        {
            for (; j <= n - TV.Count; j += TV.Count)
            {
                (TV.Load(d + j) + TV.Load(s + j)).Store(d + j);
            }

            for (; j < n; j++)
            {
                d[j] += s[j];
            }
        }
        else
        {
            for (; j <= n - TV.Count; j += TV.Count)
            {
                TV.Load(s + j).Store(d + j);
            }

            for (; j < n; j++)
            {
                d[j] = s[j];
            }
        }
    }

    private static void MeanAxis<TV>(float* x, float* mask, float* y, int outer, int length, int width)
        where TV : struct, IVector<TV>
    {
        // Columns in blocks of four vectors summed in registers over l (a running sum in y would store and reload each
        // row, and stall whenever x and y sit a multiple of 4 KB apart), then single vectors, then single columns.
        int block = 4 * TV.Count;
        for (int o = 0; o < outer; o++)
        {
            float* m = mask == null ? null : mask + ((nint)o * length);
            float* xo = x + ((nint)o * length * width), row = y + ((nint)o * width);
            float weight = 0f;
            for (int l = 0; l < length; l++)
            {
                weight += m == null ? 1f : m[l];
            }

            TV inverse = TV.Create(weight == 0f ? 0f : 1f / weight);
            int j = 0;
            for (; j <= width - block; j += block)
            {
                TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero;
                for (int l = 0; l < length; l++)
                {
                    float w = m == null ? 1f : m[l];
                    if (w != 0f)
                    {
                        TV vw = TV.Create(w);
                        float* at = xo + ((nint)l * width) + j;
                        s0 += TV.Load(at) * vw;
                        s1 += TV.Load(at + TV.Count) * vw;
                        s2 += TV.Load(at + (2 * TV.Count)) * vw;
                        s3 += TV.Load(at + (3 * TV.Count)) * vw;
                    }
                }

                (s0 * inverse).Store(row + j);
                (s1 * inverse).Store(row + j + TV.Count);
                (s2 * inverse).Store(row + j + (2 * TV.Count));
                (s3 * inverse).Store(row + j + (3 * TV.Count));
            }

            for (; j <= width - TV.Count; j += TV.Count)
            {
                TV s0 = TV.Zero;
                for (int l = 0; l < length; l++)
                {
                    float w = m == null ? 1f : m[l];
                    if (w != 0f)
                    {
                        s0 += TV.Load(xo + ((nint)l * width) + j) * TV.Create(w);
                    }
                }

                (s0 * inverse).Store(row + j);
            }

            float scalarInverse = weight == 0f ? 0f : 1f / weight;
            for (; j < width; j++)
            {
                float sum = 0f;
                for (int l = 0; l < length; l++)
                {
                    float w = m == null ? 1f : m[l];
                    if (w != 0f)
                    {
                        sum += xo[((nint)l * width) + j] * w;
                    }
                }

                row[j] = sum * scalarInverse;
            }
        }
    }

    private static void MeanAxisBackward<TV>(float* dy, float* mask, float* dx, int outer, int length, int width, bool accumulate)
        where TV : struct, IVector<TV>
    {
        for (int o = 0; o < outer; o++)
        {
            float* m = mask == null ? null : mask + ((nint)o * length);
            float weight = 0f;
            for (int l = 0; l < length; l++)
            {
                weight += m == null ? 1f : m[l];
            }

            float inverse = weight == 0f ? 0f : 1f / weight;
            for (int l = 0; l < length; l++)
            {
                Weighted<TV>(dy + ((nint)o * width), (m == null ? 1f : m[l]) * inverse, dx + ((((nint)o * length) + l) * width), width, accumulate);
            }
        }
    }

    /// <summary>d = s w, or d += s w, over n floats.</summary>
    private static void Weighted<TV>(float* s, float w, float* d, int n, bool accumulate)
        where TV : struct, IVector<TV>
    {
        TV vw = TV.Create(w);
        int j = 0;
        if (accumulate)
        {
            for (; j <= n - TV.Count; j += TV.Count)
            {
                (TV.Load(d + j) + (TV.Load(s + j) * vw)).Store(d + j);
            }

            for (; j < n; j++)
            {
                d[j] += s[j] * w;
            }
        }
        else
        {
            for (; j <= n - TV.Count; j += TV.Count)
            {
                (TV.Load(s + j) * vw).Store(d + j);
            }

            for (; j < n; j++)
            {
                d[j] = s[j] * w;
            }
        }
    }

    /// <summary><see cref="Axpby(float, float*, float, float*, float*, int, int)"/> over n elements, split by element ranges.</summary>
    internal sealed class AxpbyJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _a, _b, _y;
        private float _alpha, _beta;

        public void Run(float alpha, float* a, float beta, float* b, float* y, int n)
        {
            _alpha = alpha;
            _a = a;
            _beta = beta;
            _b = b;
            _y = y;
            Run(n, ElementGrain, 3L * n);
            _a = _b = _y = null;
        }

        protected override void Range(int start, int end) => Axpby(_alpha, _a, _beta, _b, _y, start, end);
    }

    /// <summary><see cref="Multiply(float*, float*, float*, int, int, bool)"/> over n elements, split by element ranges.</summary>
    internal sealed class MultiplyJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _a, _b, _y;
        private bool _accumulate;

        public void Run(float* a, float* b, float* y, int n, bool accumulate)
        {
            _a = a;
            _b = b;
            _y = y;
            _accumulate = accumulate;
            Run(n, ElementGrain, 3L * n);
            _a = _b = _y = null;
        }

        protected override void Range(int start, int end) => Multiply(_a, _b, _y, start, end, _accumulate);
    }
}
