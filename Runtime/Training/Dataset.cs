using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Samples for training, validation or evaluation: features row-major (n, features) and targets (n, targets)
/// (one class index per row for sparse categorical cross-entropy). The arrays are held, not copied.
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a dataset from flat row-major arrays with explicit row widths.</summary>
    /// <param name="features">n rows of <paramref name="featureWidth"/> floats.</param>
    /// <param name="featureWidth">Floats per sample of features.</param>
    /// <param name="targets">n rows of <paramref name="targetWidth"/> floats.</param>
    /// <param name="targetWidth">Floats per sample of targets.</param>
    public Dataset(float[] features, int featureWidth, float[] targets, int targetWidth)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        if (features.Length % featureWidth != 0)
        {
            throw new ArgumentException($"The features hold {features.Length} floats, not a whole number of rows of {featureWidth}.", nameof(features));
        }

        if (targets.Length % targetWidth != 0)
        {
            throw new ArgumentException($"The targets hold {targets.Length} floats, not a whole number of rows of {targetWidth}.", nameof(targets));
        }

        int count = features.Length / featureWidth;
        if (targets.Length / targetWidth != count)
        {
            throw new ArgumentException($"There are {count} feature rows but {targets.Length / targetWidth} target rows.", nameof(targets));
        }

        Features = features;
        FeatureWidth = featureWidth;
        Targets = targets;
        TargetWidth = targetWidth;
        Count = count;
    }

    /// <summary>Creates a dataset from one array per row; every row of a kind must have the same width.</summary>
    /// <param name="features">One feature row per sample.</param>
    /// <param name="targets">One target row per sample.</param>
    public Dataset(float[][] features, float[][] targets)
        : this(Flatten(features, nameof(features), out int featureWidth), featureWidth, Flatten(targets, nameof(targets), out int targetWidth), targetWidth)
    {
    }

    /// <summary>Creates a dataset of one target per row (a binary label, a regression value or a class index).</summary>
    /// <param name="features">One feature row per sample.</param>
    /// <param name="targets">One target per sample.</param>
    public Dataset(float[][] features, float[] targets)
        : this(Flatten(features, nameof(features), out int featureWidth), featureWidth, targets, 1)
    {
    }

    /// <summary>The number of samples, n.</summary>
    public int Count { get; }

    /// <summary>Floats per feature row.</summary>
    public int FeatureWidth { get; }

    /// <summary>Floats per target row.</summary>
    public int TargetWidth { get; }

    /// <summary>The features, row-major (n, FeatureWidth).</summary>
    public float[] Features { get; }

    /// <summary>The targets, row-major (n, TargetWidth).</summary>
    public float[] Targets { get; }

    /// <summary>The features of one row.</summary>
    public ReadOnlySpan<float> FeatureRow(int row) => Features.AsSpan(row * FeatureWidth, FeatureWidth);

    /// <summary>The targets of one row.</summary>
    public ReadOnlySpan<float> TargetRow(int row) => Targets.AsSpan(row * TargetWidth, TargetWidth);

    /// <summary>
    /// Checks the dataset against a model: row widths, finite features, and targets in the loss's range.
    /// Throws <see cref="ArgumentException"/> naming the expected and actual value and the row.
    /// </summary>
    /// <param name="layout">The model's layout.</param>
    /// <param name="name">What the dataset is to the caller ("training data"), for messages.</param>
    public void Validate(ModelLayout layout, string name = "data") =>
        ValidateRows(layout, Features, FeatureWidth, Targets, TargetWidth, Count, name);

    /// <summary>
    /// The checks of <see cref="Validate(ModelLayout, string)"/> over row-major spans, for callers that hold a
    /// batch rather than a dataset (<see cref="CompiledModel.TrainOnBatch"/>).
    /// </summary>
    internal static void ValidateRows(ModelLayout layout, ReadOnlySpan<float> features, int featureWidth,
        ReadOnlySpan<float> targets, int targetWidth, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (count == 0)
        {
            throw new ArgumentException($"The {name} has no rows; {layout.Name} needs at least one.");
        }

        if (featureWidth != layout.InputSize)
        {
            throw new ArgumentException($"The {name} has {featureWidth} features per row, but {layout.Name} expects {layout.InputSize} (input shape ({string.Join(", ", layout.InputShape)})).");
        }

        if (targetWidth != layout.TargetSize)
        {
            throw new ArgumentException($"The {name} has {targetWidth} targets per row, but {layout.Name} with loss {layout.Loss} expects {layout.TargetSize}.");
        }

        int bad = FiniteScan.FirstNonFinite(features);
        if (bad >= 0)
        {
            throw new ArgumentException($"The {name} has {features[bad]} at row {bad / featureWidth}, feature {bad % featureWidth}; features must be finite.");
        }

        ValidateTokens(layout, features, name);
        ValidateTargets(layout, targets, targetWidth, count, name);
    }

    /// <summary>
    /// For a model over token ids: every feature must be an integer id in [0, vocabulary); the first that is not is
    /// reported by its sample and position (the same check the embedding kernel makes, done before anything runs).
    /// </summary>
    internal static void ValidateTokens(ModelLayout layout, ReadOnlySpan<float> features, string name)
    {
        int vocabulary = layout.TokenVocabulary;
        if (vocabulary == 0)
        {
            return;
        }

        int width = layout.InputSize;
        for (int i = 0; i < features.Length; i++)
        {
            float id = features[i];
            if (!TokenIds.IsValid(id, vocabulary))
            {
                throw new ArgumentException($"The {name} has token id {id} at sample {i / width}, position {i % width}; {layout.TokenLayer} of {layout.Name} takes integer ids in [0, {vocabulary}).");
            }
        }
    }

    private static void ValidateTargets(ModelLayout layout, ReadOnlySpan<float> targets, int targetWidth, int count, string name)
    {
        int classes = layout.OutputSize;
        bool hingeSigned = layout.Loss == LossKind.Hinge && !AllZeroOrOne(targets);
        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<float> target = targets.Slice(row * targetWidth, targetWidth);
            switch (layout.Loss)
            {
                case LossKind.MeanSquaredError:
                    for (int j = 0; j < target.Length; j++)
                    {
                        if (!float.IsFinite(target[j]))
                        {
                            throw new ArgumentException($"The {name} has target {target[j]} at row {row}, column {j}; mean squared error needs finite targets.");
                        }
                    }

                    break;
                case LossKind.BinaryCrossEntropy:
                    for (int j = 0; j < target.Length; j++)
                    {
                        if (!(target[j] >= 0f && target[j] <= 1f))
                        {
                            throw new ArgumentException($"The {name} has target {target[j]} at row {row}, column {j}; binary cross-entropy expects values in [0, 1].");
                        }
                    }

                    break;
                case LossKind.Hinge:
                    for (int j = 0; j < target.Length; j++)
                    {
                        bool ok = hingeSigned ? target[j] is -1f or 1f : target[j] is 0f or 1f;
                        if (!ok)
                        {
                            throw new ArgumentException($"The {name} has target {target[j]} at row {row}, column {j}; hinge loss expects every target in {{-1, 1}} (or every target in {{0, 1}}).");
                        }
                    }

                    break;
                case LossKind.SparseCategoricalCrossEntropy:
                    float label = target[0];
                    if (!(label >= 0f && label < classes && label == MathF.Floor(label)))
                    {
                        throw new ArgumentException($"The {name} has label {label} at row {row}; sparse categorical cross-entropy expects an integer class index in [0, {classes}).");
                    }

                    break;
                case LossKind.CategoricalCrossEntropy:
                    int ones = 0;
                    for (int j = 0; j < target.Length; j++)
                    {
                        if (target[j] == 1f)
                        {
                            ones++;
                        }
                        else if (target[j] != 0f)
                        {
                            throw new ArgumentException($"The {name} has target {target[j]} at row {row}, column {j}; categorical cross-entropy expects one-hot rows of 0 and 1.");
                        }
                    }

                    if (ones != 1)
                    {
                        throw new ArgumentException($"The {name} has {ones} ones at row {row}; categorical cross-entropy expects one-hot rows with exactly one 1 among {classes} columns.");
                    }

                    break;
                default:
                    throw new ArgumentException($"{layout.Name} has an unknown loss {layout.Loss}.");
            }
        }
    }

    private static bool AllZeroOrOne(ReadOnlySpan<float> targets)
    {
        foreach (float t in targets)
        {
            if (t is not (0f or 1f))
            {
                return false;
            }
        }

        return true;
    }

    private static float[] Flatten(float[][] rows, string parameter, out int width)
    {
        ArgumentNullException.ThrowIfNull(rows, parameter);
        if (rows.Length == 0)
        {
            throw new ArgumentException("There are no rows.", parameter);
        }

        width = rows[0]?.Length ?? throw new ArgumentException("Row 0 is null.", parameter);
        var flat = new float[rows.Length * width];
        for (int row = 0; row < rows.Length; row++)
        {
            float[]? values = rows[row] ?? throw new ArgumentException($"Row {row} is null.", parameter);
            if (values.Length != width)
            {
                throw new ArgumentException($"Row {row} has {values.Length} values but row 0 has {width}; every row must have the same width.", parameter);
            }

            values.CopyTo(flat, row * width);
        }

        return flat;
    }
}
