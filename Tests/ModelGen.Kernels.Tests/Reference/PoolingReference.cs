namespace ModelGen.Kernels.Tests.Reference;

/// <summary>Max and average pooling in double, straight from the definition (valid windows).</summary>
internal static class PoolingReference
{
    /// <summary>y (B, C, OH, OW) = window maximum, argmax = h * W + w of the first maximum (a NaN wins) in row-major window order.</summary>
    public static (double[] Y, int[] ArgMax) MaxForward(double[] x, int batch, Pool2DShape s)
    {
        var y = new double[batch * s.OutputSize];
        var argmax = new int[y.Length];
        int plane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        for (int p = 0; p < batch * s.Channels; p++)
        {
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    double best = double.NegativeInfinity;
                    int at = -1;
                    for (int kh = 0; kh < s.PoolHeight; kh++)
                    {
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            int i = (((oh * s.StrideHeight) + kh) * s.Width) + (ow * s.StrideWidth) + kw;
                            double v = x[(p * plane) + i];
                            if (at < 0 || v > best || (double.IsNaN(v) && !double.IsNaN(best)))
                            {
                                best = v;
                                at = i;
                            }
                        }
                    }

                    y[(p * outPlane) + (oh * s.OutWidth) + ow] = best;
                    argmax[(p * outPlane) + (oh * s.OutWidth) + ow] = at;
                }
            }
        }

        return (y, argmax);
    }

    /// <summary>y (B, C, OH, OW) = the mean of each window.</summary>
    public static double[] AvgForward(double[] x, int batch, Pool2DShape s)
    {
        var y = new double[batch * s.OutputSize];
        int plane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        for (int p = 0; p < batch * s.Channels; p++)
        {
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    double sum = 0;
                    for (int kh = 0; kh < s.PoolHeight; kh++)
                    {
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            sum += x[(p * plane) + ((((oh * s.StrideHeight) + kh) * s.Width) + (ow * s.StrideWidth) + kw)];
                        }
                    }

                    y[(p * outPlane) + (oh * s.OutWidth) + ow] = sum / (s.PoolHeight * s.PoolWidth);
                }
            }
        }

        return y;
    }
}
