namespace ModelGen.Kernels;

/// <summary>
/// Fused passes: what the generated code sees side by side over the same rows, done in one kernel where a back end
/// has one. Each has a default that runs the unfused calls in order (same results), so a back end overrides only
/// what it makes faster.
/// </summary>
public partial interface IBackend
{
    /// <summary>
    /// <see cref="BatchNormTraining"/> then <see cref="DropoutForward"/> on its output: y = dropout(batchnorm(x)) with
    /// mask[i] drawn from (seed, stream + i) as <see cref="DropoutForward"/> draws it. The batch-normalised values
    /// themselves are not kept (the backward pass needs only x and the saved statistics).
    /// </summary>
    void BatchNormDropoutTraining(Buf x, Buf y, Buf mask, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon, float rate, ulong seed, ulong stream)
    {
        // Checked before the batch norm moves its running statistics: the dropout after it must not fail half-way.
        DropoutRate.Require(rate);
        if ((long)mask.Length < (long)batch * features)
        {
            throw new ArgumentException($"'mask' needs {(long)batch * features} floats but the view {mask} has {mask.Length}.", nameof(mask));
        }

        BatchNormTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, momentum, epsilon);
        DropoutForward(y, y, mask, rate, seed, stream);
    }

    /// <summary>
    /// <see cref="BatchNormBackward"/> with the passes around it folded in: when <paramref name="mask"/> is not empty,
    /// dy is first multiplied by a dropout mask (the dropout after the batch norm; dy may be left multiplied, as the
    /// in-place <see cref="DropoutBackward"/> leaves it, or unchanged by a fused kernel); when
    /// <paramref name="reluInput"/> is set, x is a ReLU's output (the layer before's) and dx is passed only where x
    /// is positive, as <see cref="ActivationBackward"/> with ReLU does.
    /// </summary>
    void BatchNormBackwardFused(Buf x, Buf dy, Buf mask, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int features, bool reluInput)
    {
        if (mask.Length > 0)
        {
            DropoutBackward(dy, mask, dy);
        }

        BatchNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features);
        if (reluInput)
        {
            ActivationBackward(x, dx, dx, batch, features, ActivationKind.ReLU);
        }
    }
}
