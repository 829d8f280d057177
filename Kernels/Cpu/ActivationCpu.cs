using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Ops;

namespace ModelGen.Kernels.Cpu;

/// <summary>Activations: forward (optionally fused with the bias) and backward from the output.</summary>
internal static class ActivationCpu
{
    /// <summary>y (B, F) = act(y + bias (F)), in place, row by row so each row stays in L1.</summary>
    public static void BiasActivation(Span<float> y, ReadOnlySpan<float> bias, int batch, int features, ActivationKind kind)
    {
        if (kind is ActivationKind.ReLU or ActivationKind.Linear && Vector512.IsHardwareAccelerated)
        {
            // One pass instead of two: the bias and the clamp while the row is in registers.
            for (int b = 0; b < batch; b++)
            {
                BiasRow(y.Slice(b * features, features), bias, kind == ActivationKind.ReLU);
            }

            return;
        }

        for (int b = 0; b < batch; b++)
        {
            Span<float> row = y.Slice(b * features, features);
            TensorPrimitives.Add(row, bias, row);
        }

        Activation(y, y, batch, features, kind);
    }

    /// <summary>row (F) = row + bias (F), then max(row, 0) when <paramref name="relu"/>.</summary>
    private static void BiasRow(Span<float> row, ReadOnlySpan<float> bias, bool relu)
    {
        int n = row.Length, j = 0;
        ref float rr = ref MemoryMarshal.GetReference(row);
        ref float br = ref MemoryMarshal.GetReference(bias);
        for (; j <= n - 16; j += 16)
        {
            Vector512<float> v = Vector512.LoadUnsafe(ref rr, (nuint)j) + Vector512.LoadUnsafe(ref br, (nuint)j);
            (relu ? Vector512.Max(v, Vector512<float>.Zero) : v).StoreUnsafe(ref rr, (nuint)j);
        }

        for (; j < n; j++)
        {
            float v = Unsafe.Add(ref rr, j) + Unsafe.Add(ref br, j);
            Unsafe.Add(ref rr, j) = relu ? ReluOp.Invoke(v) : v;
        }
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

    /// <summary>dx (B, F) = dy (B, F) * act'(from y (B, F)); dx may be dy.</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, int features, ActivationKind kind)
    {
        int count = batch * features;
        switch (kind)
        {
            case ActivationKind.Linear: LinearOp.Forward(dy[..count], dx[..count]); break;
            case ActivationKind.ReLU: Backward<ReluOp>(y[..count], dy[..count], dx[..count]); break;
            case ActivationKind.Sigmoid: Backward<SigmoidOp>(y[..count], dy[..count], dx[..count]); break;
            case ActivationKind.Tanh: Backward<TanhOp>(y[..count], dy[..count], dx[..count]); break;
            case ActivationKind.Softmax:
                for (int b = 0; b < batch; b++)
                {
                    // Softmax's Jacobian is diag(y) - y y^T, so dx = y * (dy - <dy, y>).
                    ReadOnlySpan<float> yRow = y.Slice(b * features, features);
                    ReadOnlySpan<float> dyRow = dy.Slice(b * features, features);
                    Span<float> dxRow = dx.Slice(b * features, features);
                    float dot = TensorPrimitives.Dot(dyRow, yRow);
                    TensorPrimitives.Subtract(dyRow, dot, dxRow);
                    TensorPrimitives.Multiply(dxRow, yRow, dxRow);
                }

                break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }

    /// <summary>(N) dx = dy * TOp'(y), one loop generic over the op.</summary>
    private static void Backward<TOp>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        where TOp : struct, IActivationOp
    {
        int n = y.Length;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> d = Vector512.LoadUnsafe(ref dyr, (nuint)i) * TOp.Derivative(Vector512.LoadUnsafe(ref yr, (nuint)i));
                d.StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> d = Vector256.LoadUnsafe(ref dyr, (nuint)i) * TOp.Derivative(Vector256.LoadUnsafe(ref yr, (nuint)i));
                d.StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dxr, i) = Unsafe.Add(ref dyr, i) * TOp.Derivative(Unsafe.Add(ref yr, i));
        }
    }
}
