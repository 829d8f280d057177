using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Samples for training, validation or evaluation: one row-major array per model input, (n, width) each, and the
/// targets (n, targets) (one class index per row for sparse categorical cross-entropy). Integer token ids for an
/// embedding are stored as floats beside float features. The arrays are held, not copied.
/// </summary>
/// <remarks>
/// A single-input model takes the single-array constructors. A model with several inputs (a graph model's
/// <c>[Input]</c> members, listed in <see cref="ModelLayout.Inputs"/>) takes one array per input, either in the
/// model's declaration order (<see cref="Dataset(IReadOnlyList{float[]}, IReadOnlyList{int}, float[], int)"/>) or by
/// name (<see cref="Dataset(IEnumerable{KeyValuePair{string, float[]}}, ModelLayout, float[], int)"/>), as Keras'
/// <c>fit([a, b], y)</c> and <c>fit({"question": q, "image": i}, y)</c>. Row i of every input and of the targets
/// form sample i; shuffling moves them together.
/// </remarks>
public sealed class Dataset
{
    private readonly float[][] _inputs;
    private readonly int[] _inputWidths;
    private readonly string[]? _inputNames;

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

        _inputs = [features];
        _inputWidths = [featureWidth];
        Inputs = Array.AsReadOnly(_inputs);
        InputWidths = Array.AsReadOnly(_inputWidths);
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

    /// <summary>
    /// Creates a dataset for a model with several inputs, given in the model's declaration order
    /// (<see cref="ModelLayout.Inputs"/>), Keras' <c>fit([a, b], y)</c>.
    /// </summary>
    /// <param name="inputs">One flat row-major array per input, n rows each.</param>
    /// <param name="inputWidths">Floats per sample of each input, in the same order.</param>
    /// <param name="targets">n rows of <paramref name="targetWidth"/> floats.</param>
    /// <param name="targetWidth">Floats per sample of targets.</param>
    /// <exception cref="ArgumentException">
    /// No inputs, a different number of widths than inputs, a null input, an input that is not whole rows, or inputs
    /// and targets with different row counts.
    /// </exception>
    public Dataset(IReadOnlyList<float[]> inputs, IReadOnlyList<int> inputWidths, float[] targets, int targetWidth)
        : this(CopyInputs(inputs, inputWidths, out int[] widths), widths, null, targets, targetWidth)
    {
    }

    /// <summary>
    /// Creates a dataset for <paramref name="layout"/>'s model from inputs given by name, Keras'
    /// <c>fit({"question": q, "image": i}, y)</c>: every name of <see cref="ModelLayout.Inputs"/> exactly once, each
    /// array holding n rows of that input's size. The dataset keeps them in the model's declaration order and
    /// remembers the names, so that <see cref="Validate"/> refuses it for a model whose inputs are named otherwise.
    /// </summary>
    /// <param name="inputs">Each input's name and flat row-major array (a dictionary, or name and array pairs).</param>
    /// <param name="layout">The layout of the model the data is for; it gives the names, order and widths.</param>
    /// <param name="targets">n rows of <paramref name="targetWidth"/> floats.</param>
    /// <param name="targetWidth">Floats per sample of targets.</param>
    /// <exception cref="ArgumentException">
    /// A name the model does not have, a name given twice, a missing name, a null array, an array that is not whole
    /// rows of its input's size, or inputs and targets with different row counts.
    /// </exception>
    public Dataset(IEnumerable<KeyValuePair<string, float[]>> inputs, ModelLayout layout, float[] targets, int targetWidth)
        : this(ResolveNamed(layout, inputs, nameof(inputs)), InputSizes(layout), Names(layout), targets, targetWidth)
    {
    }

    private Dataset(float[][] inputs, int[] widths, string[]? names, float[] targets, int targetWidth)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        int count = -1;
        for (int i = 0; i < inputs.Length; i++)
        {
            string input = names is null ? $"Input {i}" : $"Input '{names[i]}'";
            if (widths[i] < 1)
            {
                throw new ArgumentOutOfRangeException("inputWidths", widths[i], $"{input} has width {widths[i]}; every input needs at least 1 float per row.");
            }

            if (inputs[i].Length % widths[i] != 0)
            {
                throw new ArgumentException($"{input} holds {inputs[i].Length} floats, not a whole number of rows of {widths[i]}.", nameof(inputs));
            }

            int rows = inputs[i].Length / widths[i];
            if (count >= 0 && rows != count)
            {
                string first = names is null ? "input 0" : $"input '{names[0]}'";
                throw new ArgumentException($"{input} has {rows} rows but {first} has {count}; every input needs one row per sample.", nameof(inputs));
            }

            count = rows;
        }

        if (targets.Length % targetWidth != 0)
        {
            throw new ArgumentException($"The targets hold {targets.Length} floats, not a whole number of rows of {targetWidth}.", nameof(targets));
        }

        if (targets.Length / targetWidth != count)
        {
            throw new ArgumentException($"There are {count} input rows but {targets.Length / targetWidth} target rows.", nameof(targets));
        }

        _inputs = inputs;
        _inputWidths = widths;
        _inputNames = names;
        Inputs = Array.AsReadOnly(_inputs);
        InputWidths = Array.AsReadOnly(_inputWidths);
        InputNames = names is null ? null : Array.AsReadOnly(names);
        Targets = targets;
        TargetWidth = targetWidth;
        Count = count;
    }

    /// <summary>The number of samples, n.</summary>
    public int Count { get; }

    /// <summary>Floats per feature row (of the first input when there are several).</summary>
    public int FeatureWidth => _inputWidths[0];

    /// <summary>Floats per target row.</summary>
    public int TargetWidth { get; }

    /// <summary>The features, row-major (n, FeatureWidth) (the first input when there are several).</summary>
    public float[] Features => _inputs[0];

    /// <summary>The targets, row-major (n, TargetWidth).</summary>
    public float[] Targets { get; }

    /// <summary>The number of inputs: 1 for the single-array constructors.</summary>
    public int InputCount => _inputs.Length;

    /// <summary>Every input's array, row-major (n, <see cref="InputWidths"/>[i]), in the model's declaration order.</summary>
    public IReadOnlyList<float[]> Inputs { get; }

    /// <summary>Floats per row of each input.</summary>
    public IReadOnlyList<int> InputWidths { get; }

    /// <summary>The inputs' names when they were given by name; null when given by position.</summary>
    public IReadOnlyList<string>? InputNames { get; }

    /// <summary>The features of one row (of the first input when there are several).</summary>
    public ReadOnlySpan<float> FeatureRow(int row) => _inputs[0].AsSpan(row * _inputWidths[0], _inputWidths[0]);

    /// <summary>Row <paramref name="row"/> of input <paramref name="input"/>.</summary>
    public ReadOnlySpan<float> InputRow(int input, int row) => _inputs[input].AsSpan(row * _inputWidths[input], _inputWidths[input]);

    /// <summary>The targets of one row.</summary>
    public ReadOnlySpan<float> TargetRow(int row) => Targets.AsSpan(row * TargetWidth, TargetWidth);

    /// <summary>The inputs as held (declaration order), for the runtime's loops without an interface call.</summary>
    internal float[][] InputArrays => _inputs;

    /// <summary>
    /// A copy of rows [first, first + count) of every input and of the targets, with the same widths and names
    /// (Keras' <c>validation_split</c> takes the last rows this way).
    /// </summary>
    internal Dataset Slice(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, Count, nameof(count));
        var inputs = new float[_inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = _inputs[i].AsSpan(first * _inputWidths[i], count * _inputWidths[i]).ToArray();
        }

        float[] targets = Targets.AsSpan(first * TargetWidth, count * TargetWidth).ToArray();
        return new Dataset(inputs, (int[])_inputWidths.Clone(), _inputNames is null ? null : (string[])_inputNames.Clone(), targets, TargetWidth);
    }

    /// <summary>
    /// Checks the dataset against a model: the number of inputs (and their names, when given by name), each input's
    /// row width, finite features and token ids in range per input, and targets in the loss's range. Throws
    /// <see cref="ArgumentException"/> naming the expected and actual value, the input and the row.
    /// </summary>
    /// <param name="layout">The model's layout.</param>
    /// <param name="name">What the dataset is to the caller ("training data"), for messages.</param>
    public void Validate(ModelLayout layout, string name = "data")
    {
        ArgumentNullException.ThrowIfNull(layout);
        RequireCount(layout, Count, name);
        RequireInputCount(layout, _inputs.Length, name);
        RequireNames(layout, name);
        ValidateRows(layout, _inputs, _inputWidths, Targets, TargetWidth, Count, name);
    }

    /// <summary>
    /// The input checks of <see cref="Validate"/> alone (for prediction, which has no use for the targets).
    /// </summary>
    internal void ValidateInputs(ModelLayout layout, string name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        RequireInputCount(layout, _inputs.Length, name);
        RequireNames(layout, name);
        for (int i = 0; i < _inputs.Length; i++)
        {
            RequireWidth(layout, i, _inputWidths[i], name);
        }

        for (int i = 0; i < _inputs.Length; i++)
        {
            RequireFinite(layout, i, _inputs[i], _inputWidths[i], name);
            ValidateTokens(layout, i, _inputs[i], name);
        }
    }

    /// <summary>
    /// The checks of <see cref="Validate(ModelLayout, string)"/> over row-major spans, for callers that hold a
    /// batch of a single-input model rather than a dataset (<see cref="CompiledModel.TrainOnBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, Optimizer)"/>).
    /// </summary>
    internal static void ValidateRows(ModelLayout layout, ReadOnlySpan<float> features, int featureWidth,
        ReadOnlySpan<float> targets, int targetWidth, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        RequireCount(layout, count, name);
        RequireInputCount(layout, 1, name);
        RequireWidth(layout, 0, featureWidth, name);
        RequireTargetWidth(layout, targetWidth, name);
        RequireFinite(layout, 0, features, featureWidth, name);
        ValidateTokens(layout, 0, features, name);
        ValidateTargets(layout, targets, targetWidth, count, name);
    }

    /// <summary>
    /// The checks of <see cref="Validate(ModelLayout, string)"/> over one array per input, in the model's order (the
    /// caller has matched their number against the layout). Allocates nothing unless it throws.
    /// </summary>
    internal static void ValidateRows(ModelLayout layout, IReadOnlyList<float[]> inputs, IReadOnlyList<int> widths,
        ReadOnlySpan<float> targets, int targetWidth, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        RequireCount(layout, count, name);
        RequireInputCount(layout, inputs.Count, name);
        for (int i = 0; i < inputs.Count; i++)
        {
            RequireWidth(layout, i, widths[i], name);
        }

        RequireTargetWidth(layout, targetWidth, name);
        for (int i = 0; i < inputs.Count; i++)
        {
            RequireFinite(layout, i, inputs[i], widths[i], name);
            ValidateTokens(layout, i, inputs[i], name);
        }

        ValidateTargets(layout, targets, targetWidth, count, name);
    }

    /// <summary>
    /// For an input read by an embedding: every value must be an integer id in [0, vocabulary); the first that is
    /// not is reported by its sample and position (the same check the embedding kernel makes, done before anything
    /// runs).
    /// </summary>
    internal static void ValidateTokens(ModelLayout layout, int input, ReadOnlySpan<float> values, string name)
    {
        InputInfo info = layout.Inputs[input];
        int vocabulary = info.TokenVocabulary;
        if (vocabulary == 0)
        {
            return;
        }

        int width = info.Size;
        for (int i = 0; i < values.Length; i++)
        {
            float id = values[i];
            if (!TokenIds.IsValid(id, vocabulary))
            {
                throw new ArgumentException($"The {name} has token id {id} at sample {i / width}, position {i % width}{In(layout, input)}; {info.TokenLayer} of {layout.Name} takes integer ids in [0, {vocabulary}).");
            }
        }
    }

    /// <summary>The model's inputs for messages: 'x1' (3), 'x2' (2).</summary>
    internal static string DescribeInputs(ModelLayout layout) =>
        string.Join(", ", layout.Inputs.Select(i => $"'{i.Name}' ({string.Join(", ", i.Shape)})"));

    /// <summary>
    /// Orders inputs given by name as <paramref name="layout"/> declares them, refusing unknown, repeated and missing
    /// names with the names the model takes.
    /// </summary>
    internal static float[][] ResolveNamed(ModelLayout layout, IEnumerable<KeyValuePair<string, float[]>> inputs, string parameter)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(inputs, parameter);
        InputInfo[] declared = layout.Inputs;
        var ordered = new float[]?[declared.Length];
        foreach ((string key, float[] values) in inputs)
        {
            int index = Array.FindIndex(declared, d => d.Name == key);
            if (index < 0)
            {
                throw new ArgumentException($"There is an input named '{key}', but {layout.Name} takes {DescribeInputs(layout)}.", parameter);
            }

            if (ordered[index] is not null)
            {
                throw new ArgumentException($"The input '{key}' is given twice; {layout.Name} takes each of {DescribeInputs(layout)} once.", parameter);
            }

            ordered[index] = values ?? throw new ArgumentException($"The input '{key}' is null.", parameter);
        }

        var resolved = new float[declared.Length][];
        for (int i = 0; i < declared.Length; i++)
        {
            resolved[i] = ordered[i] ?? throw new ArgumentException($"There is no input named '{declared[i].Name}'; {layout.Name} takes {DescribeInputs(layout)}.", parameter);
        }

        return resolved;
    }

    // " in input 'x2'" for a model with several inputs; nothing for one, whose messages stay as they always were.
    private static string In(ModelLayout layout, int input) =>
        layout.Inputs.Length == 1 ? "" : $" in input '{layout.Inputs[input].Name}'";

    private static void RequireCount(ModelLayout layout, int count, string name)
    {
        if (count == 0)
        {
            throw new ArgumentException($"The {name} has no rows; {layout.Name} needs at least one.");
        }
    }

    private static void RequireInputCount(ModelLayout layout, int given, string name)
    {
        int expected = layout.Inputs.Length;
        if (given != expected)
        {
            throw new ArgumentException($"The {name} has {given} input{(given == 1 ? "" : "s")}, but {layout.Name} takes {expected}: {DescribeInputs(layout)}.");
        }
    }

    private void RequireNames(ModelLayout layout, string name)
    {
        if (_inputNames is null)
        {
            return;
        }

        InputInfo[] declared = layout.Inputs;
        for (int i = 0; i < declared.Length; i++)
        {
            if (_inputNames[i] != declared[i].Name)
            {
                throw new ArgumentException($"The {name} has inputs named {string.Join(", ", _inputNames.Select(n => $"'{n}'"))}, but {layout.Name} takes {DescribeInputs(layout)}.");
            }
        }
    }

    private static void RequireWidth(ModelLayout layout, int input, int width, string name)
    {
        InputInfo info = layout.Inputs[input];
        if (width != info.Size)
        {
            throw new ArgumentException($"The {name} has {width} features per row{In(layout, input)}, but {layout.Name} expects {info.Size} (input shape ({string.Join(", ", info.Shape)})).");
        }
    }

    private static void RequireTargetWidth(ModelLayout layout, int targetWidth, string name)
    {
        if (targetWidth != layout.TargetSize)
        {
            throw new ArgumentException($"The {name} has {targetWidth} targets per row, but {layout.Name} with loss {layout.Loss} expects {layout.TargetSize}.");
        }
    }

    private static void RequireFinite(ModelLayout layout, int input, ReadOnlySpan<float> values, int width, string name)
    {
        int bad = FiniteScan.FirstNonFinite(values);
        if (bad >= 0)
        {
            throw new ArgumentException($"The {name} has {values[bad]} at row {bad / width}, feature {bad % width}{In(layout, input)}; features must be finite.");
        }
    }

    private static float[][] CopyInputs(IReadOnlyList<float[]> inputs, IReadOnlyList<int> inputWidths, out int[] widths)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(inputWidths);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("There are no inputs; a dataset needs at least one.", nameof(inputs));
        }

        if (inputWidths.Count != inputs.Count)
        {
            throw new ArgumentException($"There are {inputs.Count} inputs but {inputWidths.Count} widths; give one width per input.", nameof(inputWidths));
        }

        var copy = new float[inputs.Count][];
        widths = new int[inputs.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = inputs[i] ?? throw new ArgumentException($"Input {i} is null.", nameof(inputs));
            widths[i] = inputWidths[i];
        }

        return copy;
    }

    private static int[] InputSizes(ModelLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return [.. layout.Inputs.Select(i => i.Size)];
    }

    private static string[] Names(ModelLayout layout) => [.. layout.Inputs.Select(i => i.Name)];

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
