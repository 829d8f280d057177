using ILGPU;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The convolutional operations: validation of views and geometry, then dispatch to <see cref="Conv2DGpu"/>,
/// <see cref="PoolingGpu"/> and <see cref="BatchNorm2DGpu"/>, created on first use (their kernels compile then).
/// </summary>
public sealed partial class GpuBackend
{
    private Conv2DGpu? _conv2D;
    private PoolingGpu? _pooling;
    private BatchNorm2DGpu? _batchNorm2D;

    private Conv2DGpu Conv2DKernels => _conv2D ??= new Conv2DGpu(_accelerator);

    private PoolingGpu PoolingKernels => _pooling ??= new PoolingGpu(_accelerator);

    private BatchNorm2DGpu BatchNorm2DKernels => _batchNorm2D ??= new BatchNorm2DGpu(_accelerator);

    /// <inheritdoc/>
    public void Conv2DForward(Buf x, Buf weight, Buf bias, Buf patches, Buf rows, Buf y, int batch, Conv2DShape shape, ActivationKind activation)
    {
        Check(shape);
        if (activation is not (ActivationKind.Linear or ActivationKind.ReLU or ActivationKind.Sigmoid or ActivationKind.Tanh))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Conv2D takes Linear, ReLU, Sigmoid or Tanh.");
        }

        // The patches and rows scratch is checked as the CPU back end checks it, though the direct kernels never touch it.
        long positions = Count(batch, shape.Positions);
        ArrayView<float> xv = Sized(x, Count(batch, shape.InputSize), nameof(x));
        ArrayView<float> wv = Sized(weight, shape.WeightSize, nameof(weight));
        ArrayView<float> bv = Sized(bias, shape.Filters, nameof(bias));
        Sized(patches, positions * shape.PatchSize, nameof(patches));
        Sized(rows, positions * shape.Filters, nameof(rows));
        ArrayView<float> yv = Sized(y, Count(batch, shape.OutputSize), nameof(y));
        Conv2DKernels.Forward(xv, wv, bv, yv, shape, activation);
    }

    /// <inheritdoc/>
    public void Conv2DBackward(Buf x, Buf weight, Buf dy, Buf patches, Buf rows, Buf dWeight, Buf dBias, Buf dx, int batch, Conv2DShape shape)
    {
        Check(shape);
        long positions = Count(batch, shape.Positions);
        ArrayView<float> xv = Sized(x, Count(batch, shape.InputSize), nameof(x));
        ArrayView<float> wv = Sized(weight, shape.WeightSize, nameof(weight));
        ArrayView<float> dyv = Sized(dy, Count(batch, shape.OutputSize), nameof(dy));
        Sized(patches, positions * shape.PatchSize, nameof(patches));
        Sized(rows, positions * shape.Filters, nameof(rows));
        ArrayView<float> dWeightView = Sized(dWeight, shape.WeightSize, nameof(dWeight));
        ArrayView<float> dBiasView = Sized(dBias, shape.Filters, nameof(dBias));
        ArrayView<float> dxv = dx.Length != 0 ? Sized(dx, Count(batch, shape.InputSize), nameof(dx)) : xv.SubView(0, 0);
        Conv2DKernels.Backward(xv, wv, dyv, dWeightView, dBiasView, dxv, batch, shape);
    }

    /// <inheritdoc/>
    public void MaxPool2DForward(Buf x, Buf y, Buf argmax, int batch, Pool2DShape shape)
    {
        Check(shape);
        long outputs = Count(batch, shape.OutputSize);
        ArrayView<float> xv = Sized(x, Count(batch, shape.InputSize), nameof(x));
        ArrayView<float> yv = Sized(y, outputs, nameof(y));
        PoolingKernels.MaxForward(xv, yv, Sized(argmax, outputs, nameof(argmax)), shape);
    }

    /// <inheritdoc/>
    public void MaxPool2DBackward(Buf dy, Buf argmax, Buf reluOutput, Buf dx, int batch, Pool2DShape shape)
    {
        Check(shape);
        long outputs = Count(batch, shape.OutputSize);
        ArrayView<float> dyv = Sized(dy, outputs, nameof(dy)), argmaxView = Sized(argmax, outputs, nameof(argmax));
        ArrayView<float> relu = reluOutput.Length == 0 ? default : Sized(reluOutput, outputs, nameof(reluOutput));
        PoolingKernels.MaxBackward(dyv, argmaxView, relu, Sized(dx, Count(batch, shape.InputSize), nameof(dx)), shape);
    }

    /// <inheritdoc/>
    public void AvgPool2DForward(Buf x, Buf y, int batch, Pool2DShape shape)
    {
        Check(shape);
        ArrayView<float> xv = Sized(x, Count(batch, shape.InputSize), nameof(x));
        PoolingKernels.AvgForward(xv, Sized(y, Count(batch, shape.OutputSize), nameof(y)), shape);
    }

    /// <inheritdoc/>
    public void AvgPool2DBackward(Buf dy, Buf dx, int batch, Pool2DShape shape)
    {
        Check(shape);
        ArrayView<float> dyv = Sized(dy, Count(batch, shape.OutputSize), nameof(dy));
        PoolingKernels.AvgBackward(dyv, Sized(dx, Count(batch, shape.InputSize), nameof(dx)), shape);
    }

    /// <inheritdoc/>
    public void BatchNorm2DTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon)
    {
        long count = Count2D(batch, channels, spatial);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        var args = new BatchNormArgs(Sized(gamma, channels, nameof(gamma)), Sized(beta, channels, nameof(beta)),
            Sized(runningMean, channels, nameof(runningMean)), Sized(runningVar, channels, nameof(runningVar)),
            Sized(savedMean, channels, nameof(savedMean)), Sized(savedInvStd, channels, nameof(savedInvStd)), batch, channels, momentum, epsilon);
        BatchNorm2DKernels.Training(xv, yv, args, spatial);
    }

    /// <inheritdoc/>
    public void BatchNorm2DInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int channels, int spatial, float epsilon)
    {
        long count = Count2D(batch, channels, spatial);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        ArrayView<float> gammaView = Sized(gamma, channels, nameof(gamma));
        var args = new BatchNormArgs(gammaView, Sized(beta, channels, nameof(beta)),
            Sized(runningMean, channels, nameof(runningMean)), Sized(runningVar, channels, nameof(runningVar)),
            gammaView, gammaView, batch, channels, 0f, epsilon);
        BatchNorm2DKernels.Inference(xv, yv, args, spatial);
    }

    /// <inheritdoc/>
    public void BatchNorm2DBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial)
    {
        long count = Count2D(batch, channels, spatial);
        ArrayView<float> xv = Sized(x, count, nameof(x)), dyv = Sized(dy, count, nameof(dy)), dxv = Sized(dx, count, nameof(dx));
        ArrayView<float> gammaView = Sized(gamma, channels, nameof(gamma));
        ArrayView<float> dGammaView = Sized(dGamma, channels, nameof(dGamma)), dBetaView = Sized(dBeta, channels, nameof(dBeta));
        var args = new BatchNormArgs(gammaView, gammaView, gammaView, gammaView,
            Sized(savedMean, channels, nameof(savedMean)), Sized(savedInvStd, channels, nameof(savedInvStd)), batch, channels, 0f, 0f);
        BatchNorm2DKernels.Backward(xv, dyv, dxv, dGammaView, dBetaView, args, spatial);
    }

    /// <summary>Refuses a convolution shape as every back end does (<see cref="Conv2DShape.Validate"/>).</summary>
    private static void Check(in Conv2DShape shape) => shape.Validate(nameof(shape));

    /// <summary>Refuses a pooling shape as every back end does (<see cref="Pool2DShape.Validate"/>).</summary>
    private static void Check(in Pool2DShape shape) => shape.Validate(nameof(shape));

    /// <summary>B C S elements, refused as the CPU back end refuses them (a negative S is reported as Count's features).</summary>
    private static long Count2D(int batch, int channels, int spatial) => Count(batch, channels) * Count(1, spatial);
}
