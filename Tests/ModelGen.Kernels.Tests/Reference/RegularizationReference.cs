namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Keras' L1 and L2 weight regularisers in double, from their definitions (keras.regularizers.L1L2).</summary>
internal static class RegularizationReference
{
    /// <summary>l1 * sum |w| + l2 * sum w^2.</summary>
    public static double Penalty(double[] w, double l1, double l2)
    {
        double absolute = 0, squares = 0;
        foreach (double v in w)
        {
            absolute += Math.Abs(v);
            squares += v * v;
        }

        return (l1 * absolute) + (l2 * squares);
    }

    /// <summary>g + d(penalty)/dw = g + l1 * sign(w) + 2 * l2 * w, sign(0) = 0.</summary>
    public static double[] Gradient(double[] w, double[] g, double l1, double l2)
    {
        var result = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            result[i] = g[i] + (l1 * Math.Sign(w[i])) + (2 * l2 * w[i]);
        }

        return result;
    }
}
