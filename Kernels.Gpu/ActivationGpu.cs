using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Activations: element-wise kernels with the kind as a launch argument (the branch is uniform across a
/// launch), and softmax one thread per row, subtracting the row maximum so exp never overflows.
/// </summary>
internal sealed class ActivationGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int>? _biasForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int>? _forward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _backward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int>? _softmaxForward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _softmaxBackward;

    /// <summary>y (B, F) = act(y + bias (F)).</summary>
    public void BiasActivation(ArrayView<float> y, ArrayView<float> bias, int batch, int features, ActivationKind kind)
    {
        int count = batch * features;
        if (count == 0)
        {
            return;
        }

        _biasForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ActivationBiasForwardKernel);
        if (kind == ActivationKind.Softmax)
        {
            _biasForward(count, y, bias, features, (int)ActivationKind.Linear);
            Softmax(y, y, batch, features);
        }
        else
        {
            _biasForward(count, y, bias, features, (int)kind);
        }
    }

    /// <summary>y (B, F) = act(x (B, F)); x may be y.</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> y, int batch, int features, ActivationKind kind)
    {
        int count = batch * features;
        if (count == 0)
        {
            return;
        }

        if (kind == ActivationKind.Softmax)
        {
            Softmax(x, y, batch, features);
            return;
        }

        _forward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ActivationForwardKernel);
        _forward(count, x, y, (int)kind);
    }

    /// <summary>dx (B, F) = dy (B, F) * act'(y (B, F)); dx may be dy.</summary>
    public void Backward(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int batch, int features, ActivationKind kind)
    {
        int count = batch * features;
        if (count == 0)
        {
            return;
        }

        if (kind == ActivationKind.Softmax)
        {
            _softmaxBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(SoftmaxBackwardKernel);
            _softmaxBackward(batch, y, dy, dx, features);
            return;
        }

        _backward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ActivationBackwardKernel);
        _backward(count, y, dy, dx, (int)kind);
    }

    private void Softmax(ArrayView<float> x, ArrayView<float> y, int batch, int features)
    {
        _softmaxForward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(SoftmaxForwardKernel);
        _softmaxForward(batch, x, y, features);
    }

    /// <summary>y (B, F), bias (F): y = act(y + bias), one element per thread.</summary>
    internal static void ActivationBiasForwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> bias, int features, int kind) =>
        y[i] = Activate(y[i] + bias[i % features], kind);

    /// <summary>x, y (N): y = act(x), one element per thread.</summary>
    internal static void ActivationForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, int kind) => y[i] = Activate(x[i], kind);

    /// <summary>y, dy, dx (N): dx = dy * act'(y), the derivative read from the output.</summary>
    internal static void ActivationBackwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int kind)
    {
        float v = y[i];
        float derivative = kind switch
        {
            (int)ActivationKind.ReLU => v > 0f ? 1f : 0f,
            (int)ActivationKind.Sigmoid => v * (1f - v),
            (int)ActivationKind.Tanh => 1f - (v * v),
            _ => 1f,
        };
        dx[i] = kind == (int)ActivationKind.Linear ? dy[i] : dy[i] * derivative;
    }

    /// <summary>x, y (B, F): y = exp(x - max) / sum(exp(x - max)) per row, one row per thread; x may be y.</summary>
    internal static void SoftmaxForwardKernel(Index1D row, ArrayView<float> x, ArrayView<float> y, int features)
    {
        long start = (long)(int)row * features;
        float max = float.NegativeInfinity;
        for (int f = 0; f < features; f++)
        {
            float v = x[start + f];
            max = v > max || float.IsNaN(v) ? v : max;
        }

        float sum = 0f;
        for (int f = 0; f < features; f++)
        {
            float e = MathF.Exp(x[start + f] - max);
            y[start + f] = e;
            sum += e;
        }

        float scale = 1f / sum;
        for (int f = 0; f < features; f++)
        {
            y[start + f] *= scale;
        }
    }

    /// <summary>y, dy, dx (B, F): the softmax Jacobian is diag(y) - y y^T, so dx = y * (dy - sum_f(dy * y)); dx may be dy.</summary>
    internal static void SoftmaxBackwardKernel(Index1D row, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int features)
    {
        long start = (long)(int)row * features;
        float dot = 0f;
        for (int f = 0; f < features; f++)
        {
            dot += dy[start + f] * y[start + f];
        }

        for (int f = 0; f < features; f++)
        {
            dx[start + f] = (dy[start + f] - dot) * y[start + f];
        }
    }

    /// <summary>The activation of one value; ReLU keeps NaN so a diverging run is still caught downstream.</summary>
    private static float Activate(float x, int kind) => kind switch
    {
        (int)ActivationKind.ReLU => x > 0f || float.IsNaN(x) ? x : 0f,
        (int)ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        (int)ActivationKind.Tanh => MathF.Tanh(x),
        _ => x,
    };
}
