namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Plain loops in double for the graph and attention operations (IBackend.Attention.cs).</summary>
internal static class AttentionReference
{
    /// <summary>Keras' additive mask value.</summary>
    public const double MaskBias = -1e9;

    /// <summary>x (R, F): y = gamma (x - mean) / sqrt(var + eps) + beta per row, with the mean and 1 / sqrt(var + eps).</summary>
    public static (double[] Y, double[] Mean, double[] InvStd) LayerNormForward(double[] x, double[] gamma, double[] beta, int rows, int features, double epsilon)
    {
        var y = new double[rows * features];
        var means = new double[rows];
        var invStds = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double mean = 0;
            for (int f = 0; f < features; f++)
            {
                mean += x[(r * features) + f];
            }

            mean /= features;
            double variance = 0;
            for (int f = 0; f < features; f++)
            {
                double d = x[(r * features) + f] - mean;
                variance += d * d;
            }

            variance /= features;
            double invStd = 1 / Math.Sqrt(variance + epsilon);
            means[r] = mean;
            invStds[r] = invStd;
            for (int f = 0; f < features; f++)
            {
                y[(r * features) + f] = (gamma[f] * (x[(r * features) + f] - mean) * invStd) + beta[f];
            }
        }

        return (y, means, invStds);
    }

    /// <summary>The backward formula of the contract: dx, and dGamma, dBeta summed over rows (not accumulated).</summary>
    public static (double[] Dx, double[] DGamma, double[] DBeta) LayerNormBackward(double[] x, double[] dy, double[] gamma, int rows, int features, double epsilon)
    {
        (_, double[] means, double[] invStds) = LayerNormForward(x, gamma, new double[features], rows, features, epsilon);
        var dx = new double[rows * features];
        var dGamma = new double[features];
        var dBeta = new double[features];
        for (int r = 0; r < rows; r++)
        {
            double sumG = 0, sumGx = 0;
            for (int f = 0; f < features; f++)
            {
                int i = (r * features) + f;
                double xhat = (x[i] - means[r]) * invStds[r], g = dy[i] * gamma[f];
                sumG += g;
                sumGx += g * xhat;
                dGamma[f] += dy[i] * xhat;
                dBeta[f] += dy[i];
            }

            for (int f = 0; f < features; f++)
            {
                int i = (r * features) + f;
                double xhat = (x[i] - means[r]) * invStds[r], g = dy[i] * gamma[f];
                dx[i] = invStds[r] * (g - (sumG / features) - (xhat * sumGx / features));
            }
        }

        return (dx, dGamma, dBeta);
    }

    /// <summary>
    /// scores (B, H, Q, K), mask (B, K) or null: p = softmax(scale s + (1 - mask) * -1e9). Where the bias is added the
    /// score is rounded to float, as float32 Keras adds it (the bias absorbs the score, so a fully masked row is uniform).
    /// </summary>
    public static double[] Softmax(double[] scores, double[]? mask, int batch, int heads, int queries, int keys, double scale)
    {
        var p = new double[scores.Length];
        int rows = batch * heads * queries;
        for (int r = 0; r < rows; r++)
        {
            int b = r / (heads * queries);
            var z = new double[keys];
            double max = double.NegativeInfinity;
            for (int j = 0; j < keys; j++)
            {
                z[j] = scale * scores[(r * keys) + j];
                if (mask is not null && mask[(b * keys) + j] != 1)
                {
                    z[j] = (float)((float)z[j] + (float)((1 - mask[(b * keys) + j]) * MaskBias));
                }

                max = Math.Max(max, z[j]);
            }

            double sum = 0;
            for (int j = 0; j < keys; j++)
            {
                z[j] = Math.Exp(z[j] - max);
                sum += z[j];
            }

            for (int j = 0; j < keys; j++)
            {
                p[(r * keys) + j] = z[j] / sum;
            }
        }

        return p;
    }

    /// <summary>p, dp (R, K): ds = scale p (dp - sum_k dp p).</summary>
    public static double[] SoftmaxBackward(double[] p, double[] dp, int rows, int keys, double scale)
    {
        var ds = new double[p.Length];
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int j = 0; j < keys; j++)
            {
                dot += dp[(r * keys) + j] * p[(r * keys) + j];
            }

            for (int j = 0; j < keys; j++)
            {
                ds[(r * keys) + j] = scale * p[(r * keys) + j] * (dp[(r * keys) + j] - dot);
            }
        }

        return ds;
    }

    /// <summary>
    /// erf in double: 2 / sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 ... (2n+1)), a series of positive terms (no
    /// cancellation), to 1e-17 relative; 1 beyond |x| = 6, where erf is 1 to double precision.
    /// </summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) >= 6)
        {
            return Math.Sign(x);
        }

        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 500 && Math.Abs(term) > 1e-18 * Math.Abs(sum); n++)
        {
            term *= 2 * x2 / ((2 * n) + 1);
            sum += term;
        }

        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
    }

    /// <summary>
    /// erfc in double, keeping its relative digits far out: 1 - erf below 2 (erfc(2) is 5e-3, so little cancels), above it
    /// the continued fraction exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))) evaluated backwards.
    /// </summary>
    public static double Erfc(double x)
    {
        if (x < 2)
        {
            return 1 - Erf(x);
        }

        double f = x;
        for (int n = 2000; n >= 1; n--)
        {
            f = x + (n / 2.0 / f);
        }

        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>The standard normal distribution function (from erfc on the negative side, where it is small).</summary>
    public static double Phi(double x) => x < 0 ? 0.5 * Erfc(-x / Math.Sqrt(2)) : 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>GELU, exact form: x Phi(x).</summary>
    public static double Gelu(double x) => x * Phi(x);

    /// <summary>GELU's derivative: Phi(x) + x phi(x).</summary>
    public static double GeluDerivative(double x) => Phi(x) + (x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI));

    /// <summary>x (O, A, M, B, I) into (O, B, M, A, I).</summary>
    public static double[] SwapAxes(double[] x, int outer, int first, int middle, int second, int innermost)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int a = 0; a < first; a++)
            {
                for (int m = 0; m < middle; m++)
                {
                    for (int b = 0; b < second; b++)
                    {
                        for (int i = 0; i < innermost; i++)
                        {
                            int from = ((((((o * first) + a) * middle) + m) * second) + b) * innermost + i;
                            int to = ((((((o * second) + b) * middle) + m) * first) + a) * innermost + i;
                            y[to] = x[from];
                        }
                    }
                }
            }
        }

        return y;
    }

    /// <summary>destination (+)= source run by run (destination updated in place and returned).</summary>
    public static double[] CopyRows(double[] source, int sourceStride, double[] destination, int destinationStride, int rows, int width, bool accumulate)
    {
        var y = (double[])destination.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                double v = source[(r * sourceStride) + j];
                y[(r * destinationStride) + j] = accumulate ? y[(r * destinationStride) + j] + v : v;
            }
        }

        return y;
    }

    /// <summary>x (O, L, W), mask (O, L) or null: y (O, W) = sum_l m_l x[l] / sum_l m_l, 0 where the weights sum to 0.</summary>
    public static double[] MeanAxis(double[] x, double[]? mask, int outer, int length, int width)
    {
        var y = new double[outer * width];
        for (int o = 0; o < outer; o++)
        {
            double n = 0;
            for (int l = 0; l < length; l++)
            {
                double w = mask is null ? 1 : mask[(o * length) + l];
                n += w;
                for (int j = 0; j < width; j++)
                {
                    y[(o * width) + j] += w == 0 ? 0 : w * x[(((o * length) + l) * width) + j];
                }
            }

            for (int j = 0; j < width; j++)
            {
                y[(o * width) + j] = n == 0 ? 0 : y[(o * width) + j] / n;
            }
        }

        return y;
    }

    /// <summary>dy (O, W), mask (O, L) or null: dx (O, L, W) = dy m_l / sum_l m_l.</summary>
    public static double[] MeanAxisBackward(double[] dy, double[]? mask, int outer, int length, int width)
    {
        var dx = new double[outer * length * width];
        for (int o = 0; o < outer; o++)
        {
            double n = 0;
            for (int l = 0; l < length; l++)
            {
                n += mask is null ? 1 : mask[(o * length) + l];
            }

            for (int l = 0; l < length; l++)
            {
                double w = n == 0 ? 0 : (mask is null ? 1 : mask[(o * length) + l]) / n;
                for (int j = 0; j < width; j++)
                {
                    dx[(((o * length) + l) * width) + j] = dy[(o * width) + j] * w;
                }
            }
        }

        return dx;
    }
}
