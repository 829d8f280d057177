namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Losses per row of predictions (B, F) against targets (B, F), or (B) class indices for the sparse loss.
/// loss[0] is the batch mean of the per-row losses; dPrediction (B, F), when not empty, is gradScale times
/// the derivative of the sum of the per-row losses. Rows are small, so each runs as a scalar loop in double.
/// With weights (B), Keras' "sum_over_batch_size" reduction of weighted values: loss[0] = sum_b(w_b l_b) / B and row b
/// of dPrediction is scaled by w_b (its gradient scale is the float product gradScale * w_b, so weights of 1 give the
/// unweighted result bitwise).
/// </summary>
internal static class LossCpu
{
    /// <summary>
    /// Keras' clip for probabilities, in float32 as Keras applies it (<c>clip(output, 1e-7, 1 - 1e-7)</c> on a float32
    /// tensor rounds both bounds to float32): the lower bound is (float)1e-7 = 1.0000000116860974e-7 and the upper
    /// bound (float)(1 - 1e-7) = 0.99999988079071045, not 0.9999999.
    /// </summary>
    private const double Lower = (float)1e-7;

    /// <summary>The upper end of the clip; see <see cref="Lower"/>.</summary>
    private const double Upper = (float)(1 - 1e-7);

    /// <summary>
    /// prediction (B, F), target (B, F) or (B), dPrediction (B, F) or empty, loss (1), weights (B) or empty:
    /// loss[0] = sum_b(w_b l_b) / B (w_b = 1 without weights), dPrediction row b = gradScale w_b dl_b/dy_b.
    /// </summary>
    public static void Run(LossKind kind, bool fromLogits, ReadOnlySpan<float> prediction, ReadOnlySpan<float> target,
        Span<float> dPrediction, Span<float> loss, int batch, int features, float gradScale, ReadOnlySpan<float> weights = default)
    {
        bool withGradient = !dPrediction.IsEmpty;
        bool weighted = !weights.IsEmpty;
        double total = 0;
        bool hingeFlip = kind == LossKind.Hinge && AllBinary(target[..(batch * features)]);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> y = prediction.Slice(b * features, features);
            Span<float> dy = withGradient ? dPrediction.Slice(b * features, features) : default;
            double rowLoss = RowLoss(kind, fromLogits, y, target, dy, features, b, hingeFlip, weighted ? gradScale * weights[b] : gradScale);
            total += weighted ? weights[b] * rowLoss : rowLoss;
        }

        loss[0] = batch == 0 ? 0f : (float)(total / batch);
    }

    /// <summary>Row b's loss; its gradient, scaled by <paramref name="gradScale"/>, into dy when not empty.</summary>
    private static double RowLoss(LossKind kind, bool fromLogits, ReadOnlySpan<float> y, ReadOnlySpan<float> target, Span<float> dy,
        int features, int b, bool hingeFlip, float gradScale) =>
            kind switch
            {
                LossKind.MeanSquaredError => MeanSquared(y, target.Slice(b * features, features), dy, gradScale),
                LossKind.BinaryCrossEntropy => fromLogits
                    ? BinaryFromLogits(y, target.Slice(b * features, features), dy, gradScale)
                    : Binary(y, target.Slice(b * features, features), dy, gradScale),
                LossKind.CategoricalCrossEntropy => fromLogits
                    ? CategoricalFromLogits(y, target.Slice(b * features, features), dy, gradScale)
                    : Categorical(y, target.Slice(b * features, features), dy, gradScale),
                LossKind.SparseCategoricalCrossEntropy => Sparse(y, ClassIndex(target[b], features, b), dy, fromLogits, gradScale),
                LossKind.Hinge => Hinge(y, target.Slice(b * features, features), hingeFlip, dy, gradScale),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss."),
            };

    /// <summary>mean_f (y - t)^2; d/dy = 2 (y - t) / F.</summary>
    private static double MeanSquared(ReadOnlySpan<float> y, ReadOnlySpan<float> t, Span<float> dy, float gradScale)
    {
        double sum = 0, scale = 2.0 * gradScale / y.Length;
        for (int f = 0; f < y.Length; f++)
        {
            double d = (double)y[f] - t[f];
            sum += d * d;
            if (!dy.IsEmpty)
            {
                dy[f] = (float)(scale * d);
            }
        }

        return sum / y.Length;
    }

    /// <summary>mean_f -(t log p + (1 - t) log(1 - p)), p clipped; d/dy = ((1 - t) / (1 - p) - t / p) / F inside the clip, 0 outside.</summary>
    private static double Binary(ReadOnlySpan<float> y, ReadOnlySpan<float> t, Span<float> dy, float gradScale)
    {
        double sum = 0, scale = (double)gradScale / y.Length;
        for (int f = 0; f < y.Length; f++)
        {
            double p = Math.Clamp(y[f], Lower, Upper), tf = t[f];
            sum -= (tf * Math.Log(p)) + ((1 - tf) * Math.Log(1 - p));
            if (!dy.IsEmpty)
            {
                bool clipped = y[f] < Lower || y[f] > Upper;
                dy[f] = clipped ? 0f : (float)(scale * (((1 - tf) / (1 - p)) - (tf / p)));
            }
        }

        return sum / y.Length;
    }

    /// <summary>mean_f max(z, 0) - z t + log(1 + exp(-|z|)); d/dz = (sigmoid(z) - t) / F.</summary>
    private static double BinaryFromLogits(ReadOnlySpan<float> z, ReadOnlySpan<float> t, Span<float> dz, float gradScale)
    {
        double sum = 0, scale = (double)gradScale / z.Length;
        for (int f = 0; f < z.Length; f++)
        {
            double zf = z[f], tf = t[f];
            sum += Math.Max(zf, 0) - (zf * tf) + Math.Log(1 + Math.Exp(-Math.Abs(zf)));
            if (!dz.IsEmpty)
            {
                dz[f] = (float)(scale * ((1 / (1 + Math.Exp(-zf))) - tf));
            }
        }

        return sum / z.Length;
    }

    /// <summary>-sum_f t log p, p clipped; d/dy = -t / p inside the clip, 0 outside.</summary>
    private static double Categorical(ReadOnlySpan<float> y, ReadOnlySpan<float> t, Span<float> dy, float gradScale)
    {
        double sum = 0;
        for (int f = 0; f < y.Length; f++)
        {
            double p = Math.Clamp(y[f], Lower, Upper);
            sum -= t[f] * Math.Log(p);
            if (!dy.IsEmpty)
            {
                bool clipped = y[f] < Lower || y[f] > Upper;
                dy[f] = clipped ? 0f : (float)(-gradScale * t[f] / p);
            }
        }

        return sum;
    }

    /// <summary>-sum_f t (z - lse(z)) = lse sum(t) - sum(t z); d/dz = softmax(z) sum(t) - t.</summary>
    private static double CategoricalFromLogits(ReadOnlySpan<float> z, ReadOnlySpan<float> t, Span<float> dz, float gradScale)
    {
        double lse = LogSumExp(z), sumT = 0, sumTz = 0;
        for (int f = 0; f < z.Length; f++)
        {
            sumT += t[f];
            sumTz += (double)t[f] * z[f];
        }

        if (!dz.IsEmpty)
        {
            for (int f = 0; f < z.Length; f++)
            {
                dz[f] = (float)(gradScale * ((Math.Exp(z[f] - lse) * sumT) - t[f]));
            }
        }

        return (lse * sumT) - sumTz;
    }

    /// <summary>-log p[c] (clipped) or lse(z) - z[c]; gradients -1/p at c, or softmax(z) - onehot(c).</summary>
    private static double Sparse(ReadOnlySpan<float> y, int c, Span<float> dy, bool fromLogits, float gradScale)
    {
        if (fromLogits)
        {
            double lse = LogSumExp(y);
            if (!dy.IsEmpty)
            {
                for (int f = 0; f < y.Length; f++)
                {
                    dy[f] = (float)(gradScale * (Math.Exp(y[f] - lse) - (f == c ? 1 : 0)));
                }
            }

            return lse - y[c];
        }

        double p = Math.Clamp(y[c], Lower, Upper);
        if (!dy.IsEmpty)
        {
            dy.Clear();
            bool clipped = y[c] < Lower || y[c] > Upper;
            dy[c] = clipped ? 0f : (float)(-gradScale / p);
        }

        return -Math.Log(p);
    }

    /// <summary>mean_f max(1 - t y, 0) with t in {-1, 1}; d/dy = -t / F where the margin is active.</summary>
    private static double Hinge(ReadOnlySpan<float> y, ReadOnlySpan<float> t, bool flip, Span<float> dy, float gradScale)
    {
        double sum = 0, scale = (double)gradScale / y.Length;
        for (int f = 0; f < y.Length; f++)
        {
            double tf = flip ? (2.0 * t[f]) - 1.0 : t[f];
            double margin = 1 - (tf * y[f]);
            sum += Math.Max(margin, 0);
            if (!dy.IsEmpty)
            {
                dy[f] = margin > 0 ? (float)(-scale * tf) : 0f;
            }
        }

        return sum / y.Length;
    }

    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float v in z)
        {
            max = Math.Max(max, v);
        }

        foreach (float v in z)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }

    private static bool AllBinary(ReadOnlySpan<float> t)
    {
        foreach (float v in t)
        {
            if (v != 0f && v != 1f)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The class index stored as a float in a sparse target, checked against the class count.</summary>
    internal static int ClassIndex(float value, int features, int row)
    {
        int c = (int)value;
        if (c != value || c < 0 || c >= features)
        {
            throw new ArgumentException($"Row {row}: the sparse target {value} is not a class index in [0, {features}).", "target");
        }

        return c;
    }
}
