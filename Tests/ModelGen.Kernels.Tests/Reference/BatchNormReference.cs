namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Batch normalisation in double, straight from the definition.</summary>
internal static class BatchNormReference
{
    /// <summary>Training-mode forward: y, batch mean and biased batch variance per feature.</summary>
    public static (double[] Y, double[] Mean, double[] Variance) Training(double[] x, double[] gamma, double[] beta, int batch, int features, double epsilon)
    {
        var y = new double[x.Length];
        var mean = new double[features];
        var variance = new double[features];
        for (int f = 0; f < features; f++)
        {
            for (int b = 0; b < batch; b++)
            {
                mean[f] += x[(b * features) + f] / batch;
            }

            for (int b = 0; b < batch; b++)
            {
                double d = x[(b * features) + f] - mean[f];
                variance[f] += d * d / batch;
            }

            for (int b = 0; b < batch; b++)
            {
                y[(b * features) + f] = (gamma[f] * (x[(b * features) + f] - mean[f]) / Math.Sqrt(variance[f] + epsilon)) + beta[f];
            }
        }

        return (y, mean, variance);
    }
}
