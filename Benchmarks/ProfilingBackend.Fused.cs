using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>The fused operations (<c>IBackend.Fused.cs</c>), timed and forwarded to the back end's own (fused) kernels.</summary>
internal sealed partial class ProfilingBackend
{
    public void BatchNormDropoutTraining(Buf x, Buf y, Buf mask, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon, float rate, ulong seed, ulong stream) =>
        Time($"BatchNormDropoutTraining ({batch}, {features})",
            () => inner.BatchNormDropoutTraining(x, y, mask, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, momentum, epsilon, rate, seed, stream));

    public void BatchNormBackwardFused(Buf x, Buf dy, Buf mask, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int features, bool reluInput) =>
        Time($"BatchNormBackwardFused ({batch}, {features}){(mask.Length == 0 ? "" : " + dropout")}{(reluInput ? " + ReLU" : "")}",
            () => inner.BatchNormBackwardFused(x, dy, mask, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features, reluInput));
}
