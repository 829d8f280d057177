using System.Numerics.Tensors;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Ops;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Activations: forward (optionally fused with the bias) and backward from the output, on a row range [b0, b1) of
/// (B, F), so the pool splits them by rows. The bias-ReLU/Linear forward and every backward but softmax's are one
/// body generic over the vector width; sigmoid, tanh and softmax use TensorPrimitives.
/// </summary>
internal static unsafe class ActivationCpu
{
    /// <summary>y (B, F), rows [b0, b1) = act(y + bias (F)), in place, row by row so each row stays in L1.</summary>
    public static void BiasActivation(float* y, float* bias, int b0, int b1, int features, ActivationKind kind)
    {
        if (kind is ActivationKind.ReLU or ActivationKind.Linear)
        {
            // One pass instead of two: the bias and the clamp while the row is in registers.
            bool relu = kind == ActivationKind.ReLU;
            switch (SimdWidth.Current)
            {
                case 512: BiasRows<V512>(y, bias, b0, b1, features, relu); break;
                case 256: BiasRows<V256>(y, bias, b0, b1, features, relu); break;
                case 128: BiasRows<V128>(y, bias, b0, b1, features, relu); break;
                default: BiasRows<V1>(y, bias, b0, b1, features, relu); break;
            }

            return;
        }

        var b = new ReadOnlySpan<float>(bias, features);
        for (int r = b0; r < b1; r++)
        {
            var row = new Span<float>(y + ((long)r * features), features);
            TensorPrimitives.Add(row, b, row);
        }

        long at = (long)b0 * features;
        Activation(new Span<float>(y + at, (b1 - b0) * features), new Span<float>(y + at, (b1 - b0) * features), b1 - b0, features, kind);
    }

    /// <summary>y (B, F) = act(x (B, F)); x and y may be the same span.</summary>
    public static void Activation(ReadOnlySpan<float> x, Span<float> y, int batch, int features, ActivationKind kind)
    {
        int count = batch * features;
        switch (kind)
        {
            case ActivationKind.Linear: LinearOp.Forward(x[..count], y[..count]); break;
            case ActivationKind.ReLU: ReluOp.Forward(x[..count], y[..count]); break;
            case ActivationKind.Sigmoid: SigmoidOp.Forward(x[..count], y[..count]); break;
            case ActivationKind.Tanh: TanhOp.Forward(x[..count], y[..count]); break;
            case ActivationKind.Softmax:
                for (int b = 0; b < batch; b++)
                {
                    Softmax(x.Slice(b * features, features), y.Slice(b * features, features));
                }

                break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }

    /// <summary>y (F) = exp(x - max) / sum(exp(x - max)): subtracting the row maximum keeps exp from overflowing.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length == 0)
        {
            return;
        }

        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Multiply(y, 1f / sum, y);
    }

    /// <summary>dx (B, F) = dy (B, F) * act'(from y (B, F)), rows [b0, b1); dx may be dy.</summary>
    public static void Backward(float* y, float* dy, float* dx, int b0, int b1, int features, ActivationKind kind)
    {
        long start = (long)b0 * features, end = (long)b1 * features;
        switch (kind)
        {
            case ActivationKind.Linear:
                if (dy != dx)
                {
                    new ReadOnlySpan<float>(dy + start, (int)(end - start)).CopyTo(new Span<float>(dx + start, (int)(end - start)));
                }

                break;
            case ActivationKind.ReLU: Backward<ReluOp>(y, dy, dx, start, end); break;
            case ActivationKind.Sigmoid: Backward<SigmoidOp>(y, dy, dx, start, end); break;
            case ActivationKind.Tanh: Backward<TanhOp>(y, dy, dx, start, end); break;
            case ActivationKind.Softmax:
                for (int b = b0; b < b1; b++)
                {
                    // Softmax's Jacobian is diag(y) - y y^T, so dx = y * (dy - <dy, y>).
                    long at = (long)b * features;
                    var yRow = new ReadOnlySpan<float>(y + at, features);
                    var dyRow = new ReadOnlySpan<float>(dy + at, features);
                    var dxRow = new Span<float>(dx + at, features);
                    float dot = TensorPrimitives.Dot(dyRow, yRow);
                    TensorPrimitives.Subtract(dyRow, dot, dxRow);
                    TensorPrimitives.Multiply(dxRow, yRow, dxRow);
                }

                break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }

    /// <summary>Rows [b0, b1) of y (B, F) = y + bias (F), then max(y, 0) when <paramref name="relu"/>.</summary>
    private static void BiasRows<TV>(float* y, float* bias, int b0, int b1, int features, bool relu)
        where TV : struct, IVector<TV>
    {
        for (int b = b0; b < b1; b++)
        {
            float* row = y + ((long)b * features);
            int j = 0;
            for (; j <= features - TV.Count; j += TV.Count)
            {
                TV v = TV.Load(row + j) + TV.Load(bias + j);
                (relu ? TV.Relu(v) : v).Store(row + j);
            }

            for (; j < features; j++)
            {
                float v = row[j] + bias[j];
                row[j] = relu ? ReluOp.Invoke(v) : v;
            }
        }
    }

    /// <summary>Elements [start, end): dx = dy * TOp'(y), at the current width.</summary>
    private static void Backward<TOp>(float* y, float* dy, float* dx, long start, long end)
        where TOp : struct, IActivationOp
    {
        switch (SimdWidth.Current)
        {
            case 512: Backward<TOp, V512>(y, dy, dx, start, end); break;
            case 256: Backward<TOp, V256>(y, dy, dx, start, end); break;
            case 128: Backward<TOp, V128>(y, dy, dx, start, end); break;
            default: Backward<TOp, V1>(y, dy, dx, start, end); break;
        }
    }

    private static void Backward<TOp, TV>(float* y, float* dy, float* dx, long start, long end)
        where TOp : struct, IActivationOp
        where TV : struct, IVector<TV>
    {
        long i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            (TV.Load(dy + i) * TOp.Derivative(TV.Load(y + i))).Store(dx + i);
        }

        for (; i < end; i++)
        {
            dx[i] = dy[i] * TOp.Derivative(y[i]);
        }
    }

    /// <summary><see cref="BiasActivation"/> over all rows, split by rows.</summary>
    internal sealed class BiasActivationJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _y, _bias;
        private int _features;
        private ActivationKind _kind;

        public void Run(float* y, float* bias, int batch, int features, ActivationKind kind)
        {
            _y = y;
            _bias = bias;
            _features = features;
            _kind = kind;
            if (kind is ActivationKind.ReLU or ActivationKind.Linear)
            {
                Run(batch, 1, 2L * batch * features);
            }
            else
            {
                // TensorPrimitives' exp-based functions may round a span's ragged end apart from its body: kept whole.
                Range(0, batch);
            }

            _y = _bias = null;
        }

        protected override void Range(int start, int end) => BiasActivation(_y, _bias, start, end, _features, _kind);
    }

    /// <summary><see cref="Backward(float*, float*, float*, int, int, int, ActivationKind)"/> over all rows, split by rows.</summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _y, _dy, _dx;
        private int _features;
        private ActivationKind _kind;

        public void Run(float* y, float* dy, float* dx, int batch, int features, ActivationKind kind)
        {
            _y = y;
            _dy = dy;
            _dx = dx;
            _features = features;
            _kind = kind;
            Run(batch, 1, 3L * batch * features);
            _y = _dy = _dx = null;
        }

        protected override void Range(int start, int end) => Backward(_y, _dy, _dx, start, end, _features, _kind);
    }
}
