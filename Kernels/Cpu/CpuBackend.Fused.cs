namespace ModelGen.Kernels.Cpu;

/// <summary>The fused passes (<see cref="IBackend"/>'s <c>IBackend.Fused.cs</c>) as single CPU kernels.</summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    /// <remarks>
    /// One statistics pass, then one pass that normalises, draws the mask and writes y and the mask (the unfused pair
    /// writes the normalised values and reads them back). The same bits as the two calls.
    /// </remarks>
    public void BatchNormDropoutTraining(Buf x, Buf y, Buf mask, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon, float rate, ulong seed, ulong stream)
    {
        DropoutRate.Require(rate);

        CheckBatchNormTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features);
        Sized(mask, Count(batch, features), nameof(mask));
        _batchNormTraining.RunWithDropout(_base + x.Offset, _base + y.Offset, _base + mask.Offset, _base + gamma.Offset, _base + beta.Offset,
            _base + runningMean.Offset, _base + runningVar.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset,
            batch, features, momentum, epsilon, rate, seed, stream);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// dy is read through the mask in both passes (and left as it was), and dx written through the ReLU's derivative:
    /// the dropout's and the ReLU's passes over the rows are gone. The same bits as the unfused calls.
    /// </remarks>
    public void BatchNormBackwardFused(Buf x, Buf dy, Buf mask, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int features, bool reluInput)
    {
        CheckBatchNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features);
        if (mask.Length > 0)
        {
            Sized(mask, Count(batch, features), nameof(mask));
        }

        _batchNormBackward.RunFused(_base + x.Offset, _base + dy.Offset, mask.Length > 0 ? _base + mask.Offset : null, _base + dx.Offset,
            _base + gamma.Offset, _base + dGamma.Offset, _base + dBeta.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset,
            batch, features, reluInput);
    }
}
