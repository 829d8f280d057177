namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Activations in double, row by row.</summary>
internal static class ActivationReference
{
    public static double[] Forward(ActivationKind kind, double[] x, int batch, int features)
    {
        var y = new double[x.Length];
        for (int b = 0; b < batch; b++)
        {
            if (kind == ActivationKind.Softmax)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int f = 0; f < features; f++)
                {
                    max = Math.Max(max, x[(b * features) + f]);
                }

                for (int f = 0; f < features; f++)
                {
                    sum += Math.Exp(x[(b * features) + f] - max);
                }

                for (int f = 0; f < features; f++)
                {
                    y[(b * features) + f] = Math.Exp(x[(b * features) + f] - max) / sum;
                }

                continue;
            }

            for (int f = 0; f < features; f++)
            {
                double v = x[(b * features) + f];
                y[(b * features) + f] = kind switch
                {
                    ActivationKind.Linear => v,
                    ActivationKind.ReLU => Math.Max(v, 0),
                    ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-v)),
                    ActivationKind.Tanh => Math.Tanh(v),
                    _ => throw new ArgumentOutOfRangeException(nameof(kind)),
                };
            }
        }

        return y;
    }
}
