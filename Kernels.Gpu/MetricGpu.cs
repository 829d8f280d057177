using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Metrics summed over the rows of predictions (B, F) against targets, accumulated into result[0], in one
/// group: threads take strided rows, the first thread adds the partials in order. An invalid sparse class
/// index makes the sum NaN (the CPU back end throws; see <see cref="LossGpu"/>).
/// </summary>
internal sealed class MetricGpu(Accelerator accelerator)
{
    private const float Threshold = 0.5f;

    private readonly int _group = ReductionGroup.For(accelerator.MaxNumThreadsPerGroup);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _metric;

    /// <summary>prediction (B, F), target (B, F) or (B), result (1) += sum of the per-row metric.</summary>
    public void Run(MetricKind kind, ArrayView<float> prediction, ArrayView<float> target, ArrayView<float> result, int batch, int features)
    {
        _metric ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(MetricKernel);
        _metric(new KernelConfig(1, _group), prediction, target, result, (int)kind, batch, features);
    }

    /// <summary>
    /// prediction (B, F), target (B, F) or (B), result (1): result[0] += sum over rows of the fraction of
    /// features right (binary accuracy), 1 or 0 (categorical accuracies, first arg-max wins ties) or the mean
    /// absolute error. One group; explicitly grouped, so the index comes from Group.
    /// </summary>
    internal static void MetricKernel(ArrayView<float> prediction, ArrayView<float> target, ArrayView<float> result, int kind, int batch, int features)
    {
        ArrayView<double> partial = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX;
        double total = 0;
        for (int b = t; b < batch; b += threads)
        {
            long start = (long)b * features;
            if (kind == (int)MetricKind.BinaryAccuracy)
            {
                int right = 0;
                for (int f = 0; f < features; f++)
                {
                    right += (prediction[start + f] > Threshold) == (target[start + f] > Threshold) ? 1 : 0;
                }

                total += (double)right / features;
            }
            else if (kind == (int)MetricKind.CategoricalAccuracy)
            {
                total += ArgMax(prediction, start, features) == ArgMax(target, start, features) ? 1 : 0;
            }
            else if (kind == (int)MetricKind.SparseCategoricalAccuracy)
            {
                float label = target[b];
                int c = (int)label;
                total += c != label || c < 0 || c >= features ? double.NaN : ArgMax(prediction, start, features) == c ? 1 : 0;
            }
            else
            {
                double sum = 0;
                for (int f = 0; f < features; f++)
                {
                    sum += Math.Abs((double)prediction[start + f] - target[start + f]);
                }

                total += sum / features;
            }
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

            result[0] += (float)sum;
        }
    }

    /// <summary>The first index of the largest value (ties go to the first, as NumPy's argmax).</summary>
    private static int ArgMax(ArrayView<float> v, long start, int length)
    {
        int best = 0;
        for (int i = 1; i < length; i++)
        {
            if (v[start + i] > v[start + best])
            {
                best = i;
            }
        }

        return best;
    }
}
