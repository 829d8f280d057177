using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Losses of predictions (B, F) against targets (B, F), or (B) class indices for the sparse loss, in one
/// group: each thread takes rows b, b + G, ... and computes their losses (in double, as the CPU does) and
/// gradients, then the first thread sums the partials in order and writes the batch mean to loss[0]. The
/// loss stays on the device until someone downloads it. With weights (B), row b's loss counts w_b times in the sum
/// (still divided by B, Keras' "sum_over_batch_size") and its gradient scale is the float product gradScale * w_b,
/// as on the CPU back end.
/// </summary>
/// <remarks>
/// A kernel cannot throw: a sparse target that is not a class index in [0, F) makes its row's loss and
/// gradient NaN (the CPU back end throws), which the runtime reports as a non-finite loss. The runtime
/// validates targets before training, so only data written to the arena by hand reaches this.
/// </remarks>
internal sealed class LossGpu(Accelerator accelerator)
{
    /// <summary>
    /// Keras' clip for probabilities, in float32 as Keras applies it (<c>clip(output, 1e-7, 1 - 1e-7)</c> on a float32
    /// tensor rounds both bounds to float32): the lower bound is (float)1e-7 = 1.0000000116860974e-7 and the upper
    /// bound (float)(1 - 1e-7) = 0.99999988079071045, not 0.9999999.
    /// </summary>
    private const double Lower = (float)1e-7;

    /// <summary>The upper end of the clip; see <see cref="Lower"/>.</summary>
    private const double Upper = (float)(1 - 1e-7);

    private readonly int _group = ReductionGroup.For(accelerator.MaxNumThreadsPerGroup);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LossArgs>? _loss;

    /// <summary>
    /// prediction (B, F), target (B, F) or (B), dPrediction (B, F) when args.WithGradient, loss (1), weights (B) when
    /// args.Weighted (any view otherwise; it is not read).
    /// </summary>
    public void Run(ArrayView<float> prediction, ArrayView<float> target, ArrayView<float> dPrediction, ArrayView<float> loss,
        ArrayView<float> weights, LossArgs args)
    {
        _loss ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LossArgs>(LossKernel);
        _loss(new KernelConfig(1, _group), prediction, target, dPrediction, loss, weights, args);
    }

    /// <summary>
    /// prediction (B, F), target (B, F) or (B), dPrediction (B, F), loss (1), weights (B) when weighted:
    /// loss[0] = sum over rows of w_b times the row's loss, over B (w_b = 1 unweighted); dPrediction row b =
    /// gradScale w_b d(row b's loss). One group; explicitly grouped, so the index comes from Group.
    /// </summary>
    internal static void LossKernel(ArrayView<float> prediction, ArrayView<float> target, ArrayView<float> dPrediction, ArrayView<float> loss,
        ArrayView<float> weights, LossArgs args)
    {
        ArrayView<double> partial = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX;

        // Hinge reads {0, 1} targets as {-1, 1} only when every target of the batch is 0 or 1.
        bool flip = false;
        if (args.Kind == (int)LossKind.Hinge)
        {
            bool nonBinary = false;
            long count = (long)args.Batch * args.Features;
            for (long i = t; i < count; i += threads)
            {
                float v = target[i];
                nonBinary |= v != 0f && v != 1f;
            }

            flip = !Group.BarrierOr(nonBinary);
        }

        double total = 0;
        bool weighted = args.Weighted != 0;
        for (int b = t; b < args.Batch; b += threads)
        {
            // The float product, as the CPU back end forms it, so weights of 1 change nothing.
            float gradScale = weighted ? args.GradScale * weights[b] : args.GradScale;
            double rowLoss = RowLoss(prediction, target, dPrediction, args, b, flip, gradScale);
            total += weighted ? weights[b] * rowLoss : rowLoss;
        }

        partial[t] = total;
        Group.Barrier();
        if (t == 0)
        {
            double sum = 0;
            for (int i = 0; i < threads; i++)
            {
                sum += partial[i];
            }

            loss[0] = args.Batch == 0 ? 0f : (float)(sum / args.Batch);
        }
    }

    private static double RowLoss(ArrayView<float> y, ArrayView<float> t, ArrayView<float> dy, LossArgs args, int b, bool flip, float gradScale)
    {
        int features = args.Features;
        long start = (long)b * features;
        bool grad = args.WithGradient != 0;
        bool logits = args.FromLogits != 0;
        double sum = 0;
        if (args.Kind == (int)LossKind.MeanSquaredError)
        {
            // mean_f (y - t)^2; d/dy = 2 (y - t) / F.
            double scale = 2.0 * gradScale / features;
            for (int f = 0; f < features; f++)
            {
                double d = (double)y[start + f] - t[start + f];
                sum += d * d;
                if (grad)
                {
                    dy[start + f] = (float)(scale * d);
                }
            }

            return sum / features;
        }

        if (args.Kind == (int)LossKind.BinaryCrossEntropy && logits)
        {
            // mean_f max(z, 0) - z t + log(1 + exp(-|z|)); d/dz = (sigmoid(z) - t) / F.
            double scale = (double)gradScale / features;
            for (int f = 0; f < features; f++)
            {
                double z = y[start + f], tf = t[start + f];
                sum += Math.Max(z, 0) - (z * tf) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                if (grad)
                {
                    dy[start + f] = (float)(scale * ((1 / (1 + Math.Exp(-z))) - tf));
                }
            }

            return sum / features;
        }

        if (args.Kind == (int)LossKind.BinaryCrossEntropy)
        {
            // mean_f -(t log p + (1 - t) log(1 - p)), p clipped; d/dy = ((1 - t) / (1 - p) - t / p) / F inside the clip, 0 outside.
            double scale = (double)gradScale / features;
            for (int f = 0; f < features; f++)
            {
                float v = y[start + f];
                double p = Clip(v), tf = t[start + f];
                sum -= (tf * Math.Log(p)) + ((1 - tf) * Math.Log(1 - p));
                if (grad)
                {
                    dy[start + f] = Clipped(v) ? 0f : (float)(scale * (((1 - tf) / (1 - p)) - (tf / p)));
                }
            }

            return sum / features;
        }

        if (args.Kind == (int)LossKind.CategoricalCrossEntropy && logits)
        {
            // -sum_f t (z - lse(z)) = lse sum(t) - sum(t z); d/dz = softmax(z) sum(t) - t.
            double lse = LogSumExp(y, start, features), sumT = 0, sumTz = 0;
            for (int f = 0; f < features; f++)
            {
                sumT += t[start + f];
                sumTz += (double)t[start + f] * y[start + f];
            }

            if (grad)
            {
                for (int f = 0; f < features; f++)
                {
                    dy[start + f] = (float)(gradScale * ((Math.Exp(y[start + f] - lse) * sumT) - t[start + f]));
                }
            }

            return (lse * sumT) - sumTz;
        }

        if (args.Kind == (int)LossKind.CategoricalCrossEntropy)
        {
            // -sum_f t log p, p clipped; d/dy = -t / p inside the clip, 0 outside.
            for (int f = 0; f < features; f++)
            {
                float v = y[start + f];
                double p = Clip(v);
                sum -= t[start + f] * Math.Log(p);
                if (grad)
                {
                    dy[start + f] = Clipped(v) ? 0f : (float)(-gradScale * t[start + f] / p);
                }
            }

            return sum;
        }

        if (args.Kind == (int)LossKind.SparseCategoricalCrossEntropy)
        {
            float label = t[b];
            int c = (int)label;
            if (c != label || c < 0 || c >= features)
            {
                for (int f = 0; grad && f < features; f++)
                {
                    dy[start + f] = float.NaN;
                }

                return double.NaN;
            }

            if (logits)
            {
                // lse(z) - z[c]; d/dz = softmax(z) - onehot(c).
                double lse = LogSumExp(y, start, features);
                for (int f = 0; grad && f < features; f++)
                {
                    dy[start + f] = (float)(gradScale * (Math.Exp(y[start + f] - lse) - (f == c ? 1 : 0)));
                }

                return lse - y[start + c];
            }

            // -log p[c], clipped; d/dy = -1 / p at c inside the clip, 0 elsewhere.
            float vc = y[start + c];
            double pc = Clip(vc);
            for (int f = 0; grad && f < features; f++)
            {
                dy[start + f] = f != c || Clipped(vc) ? 0f : (float)(-gradScale / pc);
            }

            return -Math.Log(pc);
        }

        // Hinge: mean_f max(1 - t y, 0) with t in {-1, 1}; d/dy = -t / F where the margin is active.
        double hingeScale = (double)gradScale / features;
        for (int f = 0; f < features; f++)
        {
            double tf = flip ? (2.0 * t[start + f]) - 1.0 : t[start + f];
            double margin = 1 - (tf * y[start + f]);
            sum += Math.Max(margin, 0);
            if (grad)
            {
                dy[start + f] = margin > 0 ? (float)(-hingeScale * tf) : 0f;
            }
        }

        return sum / features;
    }

    private static double Clip(float v) => v < Lower ? Lower : v > Upper ? Upper : v;

    private static bool Clipped(float v) => v < Lower || v > Upper;

    private static double LogSumExp(ArrayView<float> z, long start, int features)
    {
        double max = double.NegativeInfinity, sum = 0;
        for (int f = 0; f < features; f++)
        {
            max = Math.Max(max, z[start + f]);
        }

        for (int f = 0; f < features; f++)
        {
            sum += Math.Exp(z[start + f] - max);
        }

        return max + Math.Log(sum);
    }
}
