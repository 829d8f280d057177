using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>The convolutional operations (<c>IBackend.Conv2D.cs</c>), timed and forwarded like the others.</summary>
internal sealed partial class ProfilingBackend
{
    public void Conv2DForward(Buf x, Buf weight, Buf bias, Buf patches, Buf rows, Buf y, int batch, Conv2DShape shape, ActivationKind activation) =>
        Time($"Conv2DForward {activation} {Describe(batch, shape)}", () => inner.Conv2DForward(x, weight, bias, patches, rows, y, batch, shape, activation));

    public void Conv2DBackward(Buf x, Buf weight, Buf dy, Buf patches, Buf rows, Buf dWeight, Buf dBias, Buf dx, int batch, Conv2DShape shape) =>
        Time($"Conv2DBackward{(dx.Length == 0 ? " (no dx)" : "")} {Describe(batch, shape)}", () => inner.Conv2DBackward(x, weight, dy, patches, rows, dWeight, dBias, dx, batch, shape));

    public void MaxPool2DForward(Buf x, Buf y, Buf argmax, int batch, Pool2DShape shape) =>
        Time($"MaxPool2DForward {Describe(batch, shape)}", () => inner.MaxPool2DForward(x, y, argmax, batch, shape));

    public void MaxPool2DBackward(Buf dy, Buf argmax, Buf reluOutput, Buf dx, int batch, Pool2DShape shape) =>
        Time($"MaxPool2DBackward {Describe(batch, shape)}{(reluOutput.Length == 0 ? "" : " + ReLU")}", () => inner.MaxPool2DBackward(dy, argmax, reluOutput, dx, batch, shape));

    public void AvgPool2DForward(Buf x, Buf y, int batch, Pool2DShape shape) =>
        Time($"AvgPool2DForward {Describe(batch, shape)}", () => inner.AvgPool2DForward(x, y, batch, shape));

    public void AvgPool2DBackward(Buf dy, Buf dx, int batch, Pool2DShape shape) =>
        Time($"AvgPool2DBackward {Describe(batch, shape)}", () => inner.AvgPool2DBackward(dy, dx, batch, shape));

    public void BatchNorm2DTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, Buf savedMean, Buf savedInvStd,
        int batch, int channels, int spatial, float momentum, float epsilon) =>
        Time($"BatchNorm2DTraining ({batch}, {channels}, {spatial})",
            () => inner.BatchNorm2DTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, channels, spatial, momentum, epsilon));

    public void BatchNorm2DInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, int batch, int channels, int spatial, float epsilon) =>
        Time($"BatchNorm2DInference ({batch}, {channels}, {spatial})",
            () => inner.BatchNorm2DInference(x, y, gamma, beta, runningMean, runningVar, batch, channels, spatial, epsilon));

    public void BatchNorm2DBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial) =>
        Time($"BatchNorm2DBackward ({batch}, {channels}, {spatial})",
            () => inner.BatchNorm2DBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, channels, spatial));

    // "(128, 1x28x28 -> 32x26x26, 3x3)", with the stride and padding only where they are not 1 and 0.
    private static string Describe(int batch, Conv2DShape s) =>
        $"({batch}, {s.Channels}x{s.Height}x{s.Width} -> {s.Filters}x{s.OutHeight}x{s.OutWidth}, {s.KernelHeight}x{s.KernelWidth}"
        + (s.StrideHeight != 1 || s.StrideWidth != 1 ? $" /{s.StrideHeight}x{s.StrideWidth}" : "")
        + (s.PadTop != 0 || s.PadLeft != 0 ? $" pad {s.PadTop},{s.PadLeft}" : "") + ")";

    // "(128, 32x26x26 -> 32x13x13, 2x2)", with the stride only where it differs from the window.
    private static string Describe(int batch, Pool2DShape s) =>
        $"({batch}, {s.Channels}x{s.Height}x{s.Width} -> {s.Channels}x{s.OutHeight}x{s.OutWidth}, {s.PoolHeight}x{s.PoolWidth}"
        + (s.StrideHeight != s.PoolHeight || s.StrideWidth != s.PoolWidth ? $" /{s.StrideHeight}x{s.StrideWidth}" : "") + ")";
}
