namespace ModelGen.Kernels.Cpu;

/// <summary>The convolutional operations: views validated here, the work done in Conv2DCpu or Conv2DDirectCpu, PoolingCpu and BatchNorm2DCpu.</summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public void Conv2DForward(Buf x, Buf weight, Buf bias, Buf patches, Buf rows, Buf y, int batch, Conv2DShape shape, ActivationKind activation)
    {
        Check(shape);
        if (activation is not (ActivationKind.Linear or ActivationKind.ReLU or ActivationKind.Sigmoid or ActivationKind.Tanh))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Conv2D takes Linear, ReLU, Sigmoid or Tanh.");
        }

        long positions = Count(batch, shape.Positions);
        Sized(x, Count(batch, shape.InputSize), nameof(x));
        Sized(weight, shape.WeightSize, nameof(weight));
        Sized(bias, shape.Filters, nameof(bias));
        Sized(patches, positions * shape.PatchSize, nameof(patches));
        Sized(rows, positions * shape.Filters, nameof(rows));
        Sized(y, Count(batch, shape.OutputSize), nameof(y));
        if (Direct(shape))
        {
            Conv2DDirectCpu.Forward(_base + x.Offset, _base + weight.Offset, _base + bias.Offset, _base + y.Offset, batch, shape, activation);
            return;
        }

        Conv2DCpu.Forward(_gemm, _base + x.Offset, _base + weight.Offset, _base + bias.Offset, _base + patches.Offset, _base + rows.Offset,
            _base + y.Offset, batch, shape, activation);
    }

    /// <inheritdoc/>
    public void Conv2DBackward(Buf x, Buf weight, Buf dy, Buf patches, Buf rows, Buf dWeight, Buf dBias, Buf dx, int batch, Conv2DShape shape)
    {
        Check(shape);
        long positions = Count(batch, shape.Positions);
        Sized(x, Count(batch, shape.InputSize), nameof(x));
        Sized(weight, shape.WeightSize, nameof(weight));
        Sized(dy, Count(batch, shape.OutputSize), nameof(dy));
        Sized(patches, positions * shape.PatchSize, nameof(patches));
        Sized(rows, positions * shape.Filters, nameof(rows));
        Sized(dWeight, shape.WeightSize, nameof(dWeight));
        Sized(dBias, shape.Filters, nameof(dBias));
        float* dxp = null;
        if (dx.Length != 0)
        {
            Sized(dx, Count(batch, shape.InputSize), nameof(dx));
            dxp = _base + dx.Offset;
        }

        if (Direct(shape))
        {
            Conv2DDirectCpu.Backward(_base + x.Offset, _base + weight.Offset, _base + dy.Offset, _base + dWeight.Offset, _base + dBias.Offset,
                dxp, batch, shape);
            return;
        }

        Conv2DCpu.Backward(_gemm, _base + weight.Offset, _base + dy.Offset, _base + patches.Offset, _base + rows.Offset,
            _base + dWeight.Offset, _base + dBias.Offset, dxp, batch, shape);
    }

    /// <inheritdoc/>
    public void MaxPool2DForward(Buf x, Buf y, Buf argmax, int batch, Pool2DShape shape)
    {
        Check(shape);
        long outputs = Count(batch, shape.OutputSize);
        Sized(x, Count(batch, shape.InputSize), nameof(x));
        Sized(y, outputs, nameof(y));
        Sized(argmax, outputs, nameof(argmax));
        PoolingCpu.MaxForward(_base + x.Offset, _base + y.Offset, _base + argmax.Offset, batch * shape.Channels, shape);
    }

    /// <inheritdoc/>
    public void MaxPool2DBackward(Buf dy, Buf argmax, Buf reluOutput, Buf dx, int batch, Pool2DShape shape)
    {
        Check(shape);
        long outputs = Count(batch, shape.OutputSize);
        Sized(dy, outputs, nameof(dy));
        Sized(argmax, outputs, nameof(argmax));
        Sized(dx, Count(batch, shape.InputSize), nameof(dx));
        float* relu = null;
        if (reluOutput.Length != 0)
        {
            Sized(reluOutput, outputs, nameof(reluOutput));
            relu = _base + reluOutput.Offset;
        }

        PoolingCpu.MaxBackward(_base + dy.Offset, _base + argmax.Offset, relu, _base + dx.Offset, batch * shape.Channels, shape);
    }

    /// <inheritdoc/>
    public void AvgPool2DForward(Buf x, Buf y, int batch, Pool2DShape shape)
    {
        Check(shape);
        Sized(x, Count(batch, shape.InputSize), nameof(x));
        Sized(y, Count(batch, shape.OutputSize), nameof(y));
        PoolingCpu.AvgForward(_base + x.Offset, _base + y.Offset, batch * shape.Channels, shape);
    }

    /// <inheritdoc/>
    public void AvgPool2DBackward(Buf dy, Buf dx, int batch, Pool2DShape shape)
    {
        Check(shape);
        Sized(dy, Count(batch, shape.OutputSize), nameof(dy));
        Sized(dx, Count(batch, shape.InputSize), nameof(dx));
        PoolingCpu.AvgBackward(_base + dy.Offset, _base + dx.Offset, batch * shape.Channels, shape);
    }

    /// <inheritdoc/>
    public void BatchNorm2DTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial, float momentum, float epsilon)
    {
        long count = Count(batch, channels) * Count(1, spatial);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Sized(gamma, channels, nameof(gamma));
        Sized(beta, channels, nameof(beta));
        Sized(runningMean, channels, nameof(runningMean));
        Sized(runningVar, channels, nameof(runningVar));
        Sized(savedMean, channels, nameof(savedMean));
        Sized(savedInvStd, channels, nameof(savedInvStd));
        BatchNorm2DCpu.Training(_base + x.Offset, _base + y.Offset, _base + gamma.Offset, _base + beta.Offset, _base + runningMean.Offset,
            _base + runningVar.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset, batch, channels, spatial, momentum, epsilon);
    }

    /// <inheritdoc/>
    public void BatchNorm2DInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int channels, int spatial, float epsilon)
    {
        long count = Count(batch, channels) * Count(1, spatial);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Sized(gamma, channels, nameof(gamma));
        Sized(beta, channels, nameof(beta));
        Sized(runningMean, channels, nameof(runningMean));
        Sized(runningVar, channels, nameof(runningVar));
        BatchNorm2DCpu.Inference(_base + x.Offset, _base + y.Offset, _base + gamma.Offset, _base + beta.Offset, _base + runningMean.Offset,
            _base + runningVar.Offset, batch, channels, spatial, epsilon);
    }

    /// <inheritdoc/>
    public void BatchNorm2DBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int channels, int spatial)
    {
        long count = Count(batch, channels) * Count(1, spatial);
        Sized(x, count, nameof(x));
        Sized(dy, count, nameof(dy));
        Sized(dx, count, nameof(dx));
        Sized(gamma, channels, nameof(gamma));
        Sized(dGamma, channels, nameof(dGamma));
        Sized(dBeta, channels, nameof(dBeta));
        Sized(savedMean, channels, nameof(savedMean));
        Sized(savedInvStd, channels, nameof(savedInvStd));
        BatchNorm2DCpu.Backward(_base + x.Offset, _base + dy.Offset, _base + dx.Offset, _base + gamma.Offset, _base + dGamma.Offset,
            _base + dBeta.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset, batch, channels, spatial);
    }

    /// <summary>
    /// Whether a convolution runs direct (<see cref="Conv2DDirectCpu"/>, no patches: few taps and horizontal stride 1,
    /// a first layer) rather than as im2col + GEMM (<see cref="Conv2DCpu"/>). A GEMM method forced on this thread
    /// (tests, measurements) keeps the GEMM path. Forward and backward decide alike, so patches are never needed.
    /// </summary>
    private static bool Direct(in Conv2DShape shape) => Conv2DCpu.ForcedMethod is null && Conv2DDirectCpu.Applies(shape);

    /// <summary>Refuses a convolution shape as every back end does (<see cref="Conv2DShape.Validate"/>).</summary>
    private static void Check(in Conv2DShape shape) => shape.Validate(nameof(shape));

    /// <summary>Refuses a pooling shape as every back end does (<see cref="Pool2DShape.Validate"/>).</summary>
    private static void Check(in Pool2DShape shape) => shape.Validate(nameof(shape));
}
