namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Per-row losses in double, written from their textbook definitions (Keras' formulas).</summary>
internal static class LossReference
{
    // Keras' clip, with both bounds rounded to float32 as Keras' float32 clip rounds them.
    private const double Lower = (float)1e-7;
    private const double Upper = (float)(1 - 1e-7);

    /// <summary>The sum over the batch of the per-row losses.</summary>
    public static double RowSum(LossKind kind, bool fromLogits, double[] prediction, float[] target, int batch, int features)
    {
        bool binaryTargets = Array.TrueForAll(target, t => t == 0f || t == 1f);
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            double[] y = prediction[(b * features)..((b + 1) * features)];
            double row = 0;
            switch (kind)
            {
                case LossKind.MeanSquaredError:
                    for (int f = 0; f < features; f++)
                    {
                        row += Math.Pow(y[f] - target[(b * features) + f], 2) / features;
                    }

                    break;
                case LossKind.BinaryCrossEntropy:
                    for (int f = 0; f < features; f++)
                    {
                        double t = target[(b * features) + f];
                        double p = fromLogits ? 1 / (1 + Math.Exp(-y[f])) : Math.Clamp(y[f], Lower, Upper);
                        row -= ((t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p))) / features;
                    }

                    break;
                case LossKind.CategoricalCrossEntropy:
                {
                    double[] p = fromLogits ? ActivationReference.Forward(ActivationKind.Softmax, y, 1, features) : y;
                    for (int f = 0; f < features; f++)
                    {
                        double q = fromLogits ? p[f] : Math.Clamp(p[f], Lower, Upper);
                        row -= target[(b * features) + f] * Math.Log(q);
                    }

                    break;
                }

                case LossKind.SparseCategoricalCrossEntropy:
                {
                    int c = (int)target[b];
                    double[] p = fromLogits ? ActivationReference.Forward(ActivationKind.Softmax, y, 1, features) : y;
                    row = -Math.Log(fromLogits ? p[c] : Math.Clamp(p[c], Lower, Upper));
                    break;
                }

                case LossKind.Hinge:
                    for (int f = 0; f < features; f++)
                    {
                        double t = target[(b * features) + f];
                        t = binaryTargets ? (2 * t) - 1 : t;
                        row += Math.Max(1 - (t * y[f]), 0) / features;
                    }

                    break;
            }

            total += row;
        }

        return total;
    }
}
