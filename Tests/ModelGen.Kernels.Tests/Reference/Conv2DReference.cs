namespace ModelGen.Kernels.Tests.Reference;

/// <summary>2-D convolution (cross-correlation, PyTorch's Conv2d) in double, straight from the definition.</summary>
internal static class Conv2DReference
{
    /// <summary>y (B, F, OH, OW) = act(sum over c, kh, kw of x[b, c, oh SH - PT + kh, ow SW - PL + kw] weight[f, c, kh, kw] + bias[f]), zeros outside x.</summary>
    public static double[] Forward(double[] x, double[] weight, double[] bias, int batch, Conv2DShape s, ActivationKind activation)
    {
        var y = new double[batch * s.OutputSize];
        for (int b = 0; b < batch; b++)
        {
            for (int f = 0; f < s.Filters; f++)
            {
                for (int oh = 0; oh < s.OutHeight; oh++)
                {
                    for (int ow = 0; ow < s.OutWidth; ow++)
                    {
                        double sum = bias[f];
                        for (int c = 0; c < s.Channels; c++)
                        {
                            for (int kh = 0; kh < s.KernelHeight; kh++)
                            {
                                int ih = (oh * s.StrideHeight) - s.PadTop + kh;
                                if (ih < 0 || ih >= s.Height)
                                {
                                    continue;
                                }

                                for (int kw = 0; kw < s.KernelWidth; kw++)
                                {
                                    int iw = (ow * s.StrideWidth) - s.PadLeft + kw;
                                    if (iw < 0 || iw >= s.Width)
                                    {
                                        continue;
                                    }

                                    sum += x[(((((b * s.Channels) + c) * s.Height) + ih) * s.Width) + iw]
                                        * weight[(((((f * s.Channels) + c) * s.KernelHeight) + kh) * s.KernelWidth) + kw];
                                }
                            }
                        }

                        y[(((((b * s.Filters) + f) * s.OutHeight) + oh) * s.OutWidth) + ow] = Activate(sum, activation);
                    }
                }
            }
        }

        return y;
    }

    private static double Activate(double v, ActivationKind activation) => activation switch
    {
        ActivationKind.Linear => v,
        ActivationKind.ReLU => Math.Max(v, 0),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-v)),
        ActivationKind.Tanh => Math.Tanh(v),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
