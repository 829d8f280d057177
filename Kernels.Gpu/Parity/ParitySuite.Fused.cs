namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// The fused passes (<c>IBackend.Fused.cs</c>): batch norm with the dropout after it, and its backward with the
    /// mask, the ReLU before, both or neither; ragged feature counts, a batch of one, rates 0 and 0.5.
    /// </summary>
    private static void AddFusedCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach ((int batch, int features, float rate) in new[] { (8, 11, 0.3f), (1, 3, 0.5f), (32, 37, 0f) })
        {
            add($"BatchNormDropoutTraining ({batch}, {features}) rate {rate}", Reduction, a =>
            {
                int n = batch * features;
                Buf x = a.Random(n, -2f, 3f), y = a.Garbage(n), mask = a.Garbage(n), gamma = a.Random(features, 0.5f, 1.5f), beta = a.Random(features);
                Buf runningMean = a.Random(features), runningVar = a.Random(features, 0.5f, 2f);
                Buf savedMean = a.Garbage(features), savedInvStd = a.Garbage(features);
                a.Backend.BatchNormDropoutTraining(x, y, mask, gamma, beta, runningMean, runningVar, savedMean, savedInvStd,
                    batch, features, 0.99f, 1e-3f, rate, 42, 1_000_003);
                a.Output("y", y);
                a.Output("mask", mask);
                a.Output("runningMean", runningMean);
                a.Output("runningVar", runningVar);
                a.Output("savedMean", savedMean);
                a.Output("savedInvStd", savedInvStd);
            });
        }

        foreach ((int batch, int features, bool dropout, bool relu) in new[] { (8, 11, true, true), (5, 7, true, false), (6, 9, false, true), (1, 3, false, false) })
        {
            add($"BatchNormBackwardFused ({batch}, {features}){(dropout ? " dropout" : "")}{(relu ? " relu" : "")}", Reduction, a =>
            {
                int n = batch * features;
                // x as a ReLU's output when relu is set: zeros (about a third) and positives.
                Buf x = a.Random(n, relu ? -1f : -2f, relu ? 2f : 3f), dy = a.Random(n), dx = a.Garbage(n), gamma = a.Random(features, 0.5f, 1.5f);
                if (relu)
                {
                    a.Backend.Activation(x, x, batch, features, ActivationKind.ReLU);
                }

                Buf mask = dropout ? a.Garbage(n) : default;
                if (dropout)
                {
                    Buf ones = a.Random(n, 1f, 1f);
                    a.Backend.DropoutForward(ones, ones, mask, 0.4f, 7, 11);
                }

                Buf dGamma = a.Random(features), dBeta = a.Random(features), savedMean = a.Random(features), savedInvStd = a.Random(features, 0.5f, 2f);
                a.Backend.BatchNormBackwardFused(x, dy, mask, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features, relu);
                a.Output("dx", dx);
                a.Output("dGamma", dGamma);
                a.Output("dBeta", dBeta);
            });
        }
    }
}
