namespace ModelGen;

/// <summary>
/// A metric Keras computes from state gathered over the whole epoch rather than as a mean of per-row values
/// (precision, recall, AUC), or one worked out on the host from each batch's outputs and targets (top-k accuracy).
/// Fit and Evaluate read each batch's outputs and targets back, update the state, and take <see cref="Result"/> at the
/// end of the pass; nothing is allocated per batch.
/// </summary>
internal abstract class StreamingMetric
{
    /// <summary>Forgets the state: a new epoch or evaluation begins.</summary>
    public abstract void Reset();

    /// <summary>Adds one batch: <paramref name="rows"/> rows of <paramref name="outputWidth"/> outputs and <paramref name="targetWidth"/> targets.</summary>
    public abstract void Update(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth, int targetWidth);

    /// <summary>The metric over everything added since the last <see cref="Reset"/>.</summary>
    public abstract double Result();

    /// <summary>The length of the state <see cref="Export"/> writes: counts that add up over parts of the data.</summary>
    public abstract int StateLength { get; }

    /// <summary>Writes the state (counts, as doubles, exact below 2^53) for a sum over the ranks of data-parallel training.</summary>
    public abstract void Export(Span<double> state);

    /// <summary>Replaces the state by <paramref name="state"/>, the ranks' states summed.</summary>
    public abstract void Import(ReadOnlySpan<double> state);
}

/// <summary>
/// Keras' Precision and Recall (threshold 0.5, no top_k, no class_id): every output element is a prediction, positive
/// when it is above the threshold, its target positive when it is not 0; precision = TP / (TP + FP), recall =
/// TP / (TP + FN), 0 when the denominator is 0 (Keras' divide_no_nan).
/// </summary>
internal sealed class ConfusionMetric(bool precision) : StreamingMetric
{
    private const float Threshold = 0.5f;
    private long _truePositives, _falsePositives, _falseNegatives;

    public override int StateLength => 3;

    public override void Export(Span<double> state) => (state[0], state[1], state[2]) = (_truePositives, _falsePositives, _falseNegatives);

    public override void Import(ReadOnlySpan<double> state) =>
        (_truePositives, _falsePositives, _falseNegatives) = ((long)state[0], (long)state[1], (long)state[2]);

    public override void Reset() => (_truePositives, _falsePositives, _falseNegatives) = (0, 0, 0);

    public override void Update(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth, int targetWidth)
    {
        for (int i = 0; i < rows * outputWidth; i++)
        {
            bool predicted = outputs[i] > Threshold;
            bool actual = targets[i] != 0f;
            _truePositives += predicted && actual ? 1 : 0;
            _falsePositives += predicted && !actual ? 1 : 0;
            _falseNegatives += !predicted && actual ? 1 : 0;
        }
    }

    public override double Result()
    {
        long denominator = _truePositives + (precision ? _falsePositives : _falseNegatives);
        return denominator == 0 ? 0 : (double)_truePositives / denominator;
    }
}

/// <summary>
/// Keras' AUC with its defaults: 200 thresholds (0 - 1e-7, then i / 199 for i = 1 to 198, then 1 + 1e-7, as float32),
/// the ROC curve, the interpolation summation (the trapezoids between consecutive thresholds' false- and
/// true-positive rates). Each output element is counted as Keras' confusion matrices count it (positive at a
/// threshold when above it), kept as a histogram over the thresholds.
/// </summary>
internal sealed class AucMetric : StreamingMetric
{
    private const int Thresholds = 200;
    private static readonly float[] s_thresholds = MakeThresholds();

    // _positives[k]: positive elements above exactly the k lowest thresholds (k = 0 to 200); the same for negatives.
    private readonly long[] _positives = new long[Thresholds + 1];
    private readonly long[] _negatives = new long[Thresholds + 1];

    public override int StateLength => 2 * (Thresholds + 1);

    public override void Export(Span<double> state)
    {
        for (int i = 0; i <= Thresholds; i++)
        {
            state[i] = _positives[i];
            state[Thresholds + 1 + i] = _negatives[i];
        }
    }

    public override void Import(ReadOnlySpan<double> state)
    {
        for (int i = 0; i <= Thresholds; i++)
        {
            _positives[i] = (long)state[i];
            _negatives[i] = (long)state[Thresholds + 1 + i];
        }
    }

    public override void Reset()
    {
        Array.Clear(_positives);
        Array.Clear(_negatives);
    }

    public override void Update(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth, int targetWidth)
    {
        for (int i = 0; i < rows * outputWidth; i++)
        {
            int above = ThresholdsBelow(outputs[i]);
            if (targets[i] != 0f)
            {
                _positives[above]++;
            }
            else
            {
                _negatives[above]++;
            }
        }
    }

    public override double Result()
    {
        // At threshold t (0-based), the elements predicted positive are those above more than t thresholds.
        long positives = 0, negatives = 0;
        foreach (long count in _positives)
        {
            positives += count;
        }

        foreach (long count in _negatives)
        {
            negatives += count;
        }

        double auc = 0;
        double previousTpr = 0, previousFpr = 0;
        long truePositives = 0, falsePositives = 0;
        for (int t = Thresholds - 1; t >= 0; t--)
        {
            // From the highest threshold down: add the elements above exactly t + 1 thresholds.
            truePositives += _positives[t + 1];
            falsePositives += _negatives[t + 1];
            double tpr = positives == 0 ? 0 : (double)truePositives / positives;
            double fpr = negatives == 0 ? 0 : (double)falsePositives / negatives;
            if (t < Thresholds - 1)
            {
                auc += (fpr - previousFpr) * (tpr + previousTpr) / 2;
            }

            (previousTpr, previousFpr) = (tpr, fpr);
        }

        return auc;
    }

    /// <summary>How many thresholds lie strictly below <paramref name="value"/> (NaN: none).</summary>
    private static int ThresholdsBelow(float value)
    {
        int low = 0, high = Thresholds;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (value > s_thresholds[middle])
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static float[] MakeThresholds()
    {
        const double Epsilon = 1e-7;
        var thresholds = new float[Thresholds];
        thresholds[0] = (float)(0.0 - Epsilon);
        for (int i = 0; i < Thresholds - 2; i++)
        {
            thresholds[i + 1] = (float)((i + 1) * 1.0 / (Thresholds - 1));
        }

        thresholds[Thresholds - 1] = (float)(1.0 + Epsilon);
        return thresholds;
    }
}

/// <summary>
/// Keras' TopKCategoricalAccuracy and SparseTopKCategoricalAccuracy (k = 5): a row counts when its target class's
/// output is at least the k-th largest (ties count, as Keras' in_top_k); the target is a one-hot row's arg-max or a
/// class index.
/// </summary>
internal sealed class TopKMetric(int k, bool sparse) : StreamingMetric
{
    private long _hits, _rows;

    public override int StateLength => 2;

    public override void Export(Span<double> state) => (state[0], state[1]) = (_hits, _rows);

    public override void Import(ReadOnlySpan<double> state) => (_hits, _rows) = ((long)state[0], (long)state[1]);

    public override void Reset() => (_hits, _rows) = (0, 0);

    public override void Update(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth, int targetWidth)
    {
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> output = outputs.Slice(row * outputWidth, outputWidth);
            int target = sparse ? (int)targets[row] : ArgMax(targets.Slice(row * targetWidth, targetWidth));
            float value = output[target];
            int greater = 0;
            foreach (float other in output)
            {
                greater += other > value ? 1 : 0;
            }

            _hits += greater < k ? 1 : 0;
            _rows++;
        }
    }

    public override double Result() => _rows == 0 ? 0 : (double)_hits / _rows;

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
