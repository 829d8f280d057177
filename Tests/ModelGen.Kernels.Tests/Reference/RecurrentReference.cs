namespace ModelGen.Kernels.Tests.Reference;

/// <summary>
/// The recurrent step kernels in double, element by element from the contract in IBackend.Recurrent.cs: gate orders
/// LSTM (i, f, g, o), GRU (r, z, n); a null mask is no mask, and a sample whose mask is 0 skips the step.
/// </summary>
internal static class RecurrentReference
{
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>destination (inner, outer, W) = source (outer, inner, W) with the first two axes swapped.</summary>
    public static double[] SequenceTranspose(double[] source, int outer, int inner, int width)
    {
        var destination = new double[outer * inner * width];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                for (int w = 0; w < width; w++)
                {
                    destination[(((i * outer) + o) * width) + w] = source[(((o * inner) + i) * width) + w];
                }
            }
        }

        return destination;
    }

    /// <summary>h (B, H) = act(xp + hp + biasIh + biasHh), or previous where the mask is 0; act is ReLU or tanh.</summary>
    public static double[] RnnForward(double[] xp, double[] hp, double[] biasIh, double[] biasHh, double[] previous, double[]? mask,
        int batch, int units, bool relu)
    {
        var h = new double[batch * units];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int k = (b * units) + j;
                double a = xp[k] + hp[k] + biasIh[j] + biasHh[j];
                h[k] = Skips(mask, b) ? previous[k] : relu ? Math.Max(a, 0) : Math.Tanh(a);
            }
        }

        return h;
    }

    /// <summary>g = dh + dSequence; dGates = g act'(h), dh = 0 (masked: dGates = 0, dh = g).</summary>
    public static (double[] DGates, double[] Dh) RnnBackward(double[] h, double[]? mask, double[]? dSequence, double[] dh,
        int batch, int units, bool relu)
    {
        var dGates = new double[batch * units];
        var dhOut = new double[batch * units];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int k = (b * units) + j;
                double g = dh[k] + (dSequence?[k] ?? 0);
                if (Skips(mask, b))
                {
                    dhOut[k] = g;
                    continue;
                }

                dGates[k] = g * (relu ? (h[k] > 0 ? 1 : 0) : 1 - (h[k] * h[k]));
            }
        }

        return (dGates, dhOut);
    }

    /// <summary>One LSTM step: gates (B, 4H) activated (i, f, g, o) for every sample, h and c (B, H).</summary>
    public static (double[] Gates, double[] H, double[] C) LstmForward(double[] xp, double[] hp, double[] biasIh, double[] biasHh,
        double[] previousH, double[] previousC, double[]? mask, int batch, int units)
    {
        var gates = new double[batch * 4 * units];
        var h = new double[batch * units];
        var c = new double[batch * units];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int k = (b * units) + j;
                double[] act = new double[4];
                for (int q = 0; q < 4; q++)
                {
                    int at = (b * 4 * units) + (q * units) + j;
                    double a = xp[at] + hp[at] + biasIh[(q * units) + j] + biasHh[(q * units) + j];
                    act[q] = q == 2 ? Math.Tanh(a) : Sigmoid(a);
                    gates[at] = act[q];
                }

                if (Skips(mask, b))
                {
                    h[k] = previousH[k];
                    c[k] = previousC[k];
                    continue;
                }

                c[k] = (act[1] * previousC[k]) + (act[0] * act[2]);
                h[k] = act[3] * Math.Tanh(c[k]);
            }
        }

        return (gates, h, c);
    }

    /// <summary>
    /// One LSTM step backward: g = dh + dSequence and dc = dL/dc_t from step t + 1; returns the pre-activation gate
    /// gradients, the direct part of dL/dh_(t-1) (0, or g for a masked sample) and dL/dc_(t-1).
    /// </summary>
    public static (double[] DGates, double[] Dh, double[] Dc) LstmBackward(double[] gates, double[] previousC, double[] c, double[]? mask,
        double[]? dSequence, double[] dh, double[] dc, int batch, int units)
    {
        var dGates = new double[batch * 4 * units];
        var dhOut = new double[batch * units];
        var dcOut = new double[batch * units];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int k = (b * units) + j, at = (b * 4 * units) + j;
                double g = dh[k] + (dSequence?[k] ?? 0);
                if (Skips(mask, b))
                {
                    dhOut[k] = g;
                    dcOut[k] = dc[k];
                    continue;
                }

                double i = gates[at], f = gates[at + units], gg = gates[at + (2 * units)], o = gates[at + (3 * units)];
                double tc = Math.Tanh(c[k]);
                double dct = dc[k] + (g * o * (1 - (tc * tc)));
                dGates[at] = dct * gg * i * (1 - i);
                dGates[at + units] = dct * previousC[k] * f * (1 - f);
                dGates[at + (2 * units)] = dct * i * (1 - (gg * gg));
                dGates[at + (3 * units)] = g * tc * o * (1 - o);
                dcOut[k] = dct * f;
            }
        }

        return (dGates, dhOut, dcOut);
    }

    /// <summary>One GRU step (PyTorch's cell): gates (B, 4H) = (r, z, n, hp_n + b_hn) for every sample, h (B, H).</summary>
    public static (double[] Gates, double[] H) GruForward(double[] xp, double[] hp, double[] biasIh, double[] biasHh, double[] previous,
        double[]? mask, int batch, int units)
    {
        var gates = new double[batch * 4 * units];
        var h = new double[batch * units];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int k = (b * units) + j, at = (b * 3 * units) + j, gt = (b * 4 * units) + j;
                double r = Sigmoid(xp[at] + biasIh[j] + hp[at] + biasHh[j]);
                double z = Sigmoid(xp[at + units] + biasIh[units + j] + hp[at + units] + biasHh[units + j]);
                double hn = hp[at + (2 * units)] + biasHh[(2 * units) + j];
                double n = Math.Tanh(xp[at + (2 * units)] + biasIh[(2 * units) + j] + (r * hn));
                gates[gt] = r;
                gates[gt + units] = z;
                gates[gt + (2 * units)] = n;
                gates[gt + (3 * units)] = hn;
                h[k] = Skips(mask, b) ? previous[k] : ((1 - z) * n) + (z * previous[k]);
            }
        }

        return (gates, h);
    }

    /// <summary>
    /// One GRU step backward: g = dh + dSequence; returns the input projection's pre-activation gradients (r, z, n), the
    /// recurrent product's (r, z, n r), and the direct part of dL/dh_(t-1) (z g, or g for a masked sample).
    /// </summary>
    public static (double[] DInput, double[] DRecurrent, double[] Dh) GruBackward(double[] gates, double[] previous, double[]? mask,
        double[]? dSequence, double[] dh, int batch, int units)
    {
        var dInput = new double[batch * 3 * units];
        var dRecurrent = new double[batch * 3 * units];
        var dhOut = new double[batch * units];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int k = (b * units) + j, at = (b * 3 * units) + j, gt = (b * 4 * units) + j;
                double g = dh[k] + (dSequence?[k] ?? 0);
                if (Skips(mask, b))
                {
                    dhOut[k] = g;
                    continue;
                }

                double r = gates[gt], z = gates[gt + units], n = gates[gt + (2 * units)], hn = gates[gt + (3 * units)];
                double dz = g * (previous[k] - n) * z * (1 - z);
                double dn = g * (1 - z) * (1 - (n * n));
                double dr = dn * hn * r * (1 - r);
                dInput[at] = dr;
                dInput[at + units] = dz;
                dInput[at + (2 * units)] = dn;
                dRecurrent[at] = dr;
                dRecurrent[at + units] = dz;
                dRecurrent[at + (2 * units)] = dn * r;
                dhOut[k] = g * z;
            }
        }

        return (dInput, dRecurrent, dhOut);
    }

    /// <summary>y (B, T, W) = table rows at the ids (B, T); mask (B, T) = 1 where the id is not 0.</summary>
    public static (double[] Y, double[] Mask) EmbeddingForward(float[] ids, double[] table, int tokens, int width)
    {
        var y = new double[tokens * width];
        var mask = new double[tokens];
        for (int n = 0; n < tokens; n++)
        {
            int id = (int)ids[n];
            Array.Copy(table, id * width, y, n * width, width);
            mask[n] = id == 0 ? 0 : 1;
        }

        return (y, mask);
    }

    /// <summary>dTable (V, W) + dy (B, T, W) summed into the rows of the ids.</summary>
    public static double[] EmbeddingBackward(float[] ids, double[] dy, double[] dTable, int tokens, int width)
    {
        var result = (double[])dTable.Clone();
        for (int n = 0; n < tokens; n++)
        {
            for (int w = 0; w < width; w++)
            {
                result[((int)ids[n] * width) + w] += dy[(n * width) + w];
            }
        }

        return result;
    }

    private static bool Skips(double[]? mask, int b) => mask is not null && mask[b] == 0;
}
