namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Batch normalisation of feature maps (B, C, S) in double, per channel over the batch and the positions.</summary>
internal static class BatchNorm2DReference
{
    /// <summary>Training-mode forward: y, and the mean and biased variance of each channel's B * S values.</summary>
    public static (double[] Y, double[] Mean, double[] Variance) Training(double[] x, double[] gamma, double[] beta,
        int batch, int channels, int spatial, double epsilon)
    {
        var y = new double[x.Length];
        var mean = new double[channels];
        var variance = new double[channels];
        double count = (double)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < spatial; i++)
                {
                    mean[c] += x[(((b * channels) + c) * spatial) + i] / count;
                }
            }

            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < spatial; i++)
                {
                    double d = x[(((b * channels) + c) * spatial) + i] - mean[c];
                    variance[c] += d * d / count;
                }
            }

            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < spatial; i++)
                {
                    int at = (((b * channels) + c) * spatial) + i;
                    y[at] = (gamma[c] * (x[at] - mean[c]) / Math.Sqrt(variance[c] + epsilon)) + beta[c];
                }
            }
        }

        return (y, mean, variance);
    }
}
