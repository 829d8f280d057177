namespace ModelGen;

public abstract partial class CompiledModel
{
    /// <summary>
    /// The loss and metrics of <paramref name="data"/> in inference mode (Keras' <c>evaluate</c> with
    /// <c>return_dict=True</c>), computed in batches of <paramref name="batchSize"/> and averaged over the rows.
    /// </summary>
    /// <param name="data">The rows to evaluate; for a model with several inputs, one array per input, each uploaded to its own slot.</param>
    /// <param name="batchSize">Rows per forward pass, 1 to <see cref="BatchCapacity"/>; the capacity when 0.</param>
    /// <param name="metrics">Metrics to report; the loss's default when null.</param>
    /// <returns><c>loss</c> and each metric's name mapped to its value.</returns>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset data, int batchSize = 0, Metric[]? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        batchSize = batchSize == 0 ? BatchCapacity : batchSize;
        RequireBatchSize(batchSize);
        MetricBinding[] bindings = MetricBinding.Resolve(Layout, metrics);
        data.Validate(Layout);
        var sums = new double[bindings.Length];
        var logs = new Dictionary<string, double> { ["loss"] = EvaluateSums(data, batchSize, bindings, sums) };
        for (int m = 0; m < bindings.Length; m++)
        {
            logs[bindings[m].Name] = bindings[m].Value(sums[m], data.Count);
        }

        return logs;
    }

    /// <summary>
    /// Runs the network in inference mode on every row of <paramref name="features"/> (n rows of
    /// <see cref="ModelLayout.InputSize"/> floats, row-major) into <paramref name="outputs"/> (n rows of
    /// <see cref="ModelLayout.OutputSize"/>), in chunks of the batch capacity. Allocates nothing.
    /// </summary>
    /// <remarks>For a model with several inputs, use <see cref="Predict(IReadOnlyList{float[]}, Span{float})"/>.</remarks>
    public void Predict(ReadOnlySpan<float> features, Span<float> outputs)
    {
        RequireSingleInput(nameof(features));
        int inputSize = Layout.InputSize;
        int outputSize = Layout.OutputSize;
        if (features.Length % inputSize != 0)
        {
            throw new ArgumentException($"{Layout.Name} expects rows of {inputSize} features, but {features.Length} floats are not a whole number of rows.", nameof(features));
        }

        int rows = features.Length / inputSize;
        if (outputs.Length != rows * outputSize)
        {
            throw new ArgumentException($"{rows} rows need {rows * outputSize} outputs ({outputSize} per row), but the output span holds {outputs.Length}.", nameof(outputs));
        }

        int bad = FiniteScan.FirstNonFinite(features);
        if (bad >= 0)
        {
            throw new ArgumentException($"Feature {bad % inputSize} of row {bad / inputSize} is {features[bad]}; features must be finite.", nameof(features));
        }

        Dataset.ValidateTokens(Layout, 0, features, "input");

        for (int first = 0; first < rows; first += BatchCapacity)
        {
            int batch = Math.Min(BatchCapacity, rows - first);
            Backend.Upload(features.Slice(first * inputSize, batch * inputSize), Act(Layout.InputSlot, inputSize, batch));
            Forward(batch, training: false);
            Backend.Download(Act(Layout.OutputSlot, outputSize, batch), outputs.Slice(first * outputSize, batch * outputSize));
        }
    }

    /// <summary>Runs the network in inference mode on the rows of <paramref name="features"/> and returns their outputs.</summary>
    public float[] Predict(ReadOnlySpan<float> features)
    {
        RequireSingleInput(nameof(features));
        var outputs = new float[features.Length / Layout.InputSize * Layout.OutputSize];
        Predict(features, outputs);
        return outputs;
    }

    /// <summary>
    /// Runs a model with several inputs in inference mode (Keras' <c>predict([a, b])</c>): <paramref name="inputs"/>
    /// holds one row-major array per input in the model's declaration order (<see cref="ModelLayout.Inputs"/>), n rows
    /// of that input's size each; the n output rows of <see cref="ModelLayout.OutputSize"/> go to
    /// <paramref name="outputs"/>, computed in chunks of the batch capacity with each input's rows in its own slot.
    /// The number of inputs, their row counts, finite features and token ids are checked first. Allocates nothing.
    /// A single-input model accepts a list of one array.
    /// </summary>
    /// <param name="inputs">One array per input, in declaration order.</param>
    /// <param name="outputs">n rows of <see cref="ModelLayout.OutputSize"/> floats.</param>
    public void Predict(IReadOnlyList<float[]> inputs, Span<float> outputs)
    {
        int rows = RequireInputs(inputs, nameof(inputs));
        int outputSize = Layout.OutputSize;
        if (outputs.Length != rows * outputSize)
        {
            throw new ArgumentException($"{rows} rows need {rows * outputSize} outputs ({outputSize} per row), but the output span holds {outputs.Length}.", nameof(outputs));
        }

        RequireValues(inputs);
        PredictChecked(inputs, rows, outputs);
    }

    // Every input's features finite and its token ids in range, else the first that is not, named.
    private void RequireValues(IReadOnlyList<float[]> inputs)
    {
        InputInfo[] declared = Layout.Inputs;
        for (int i = 0; i < declared.Length; i++)
        {
            int size = declared[i].Size;
            int bad = FiniteScan.FirstNonFinite(inputs[i]);
            if (bad >= 0)
            {
                throw new ArgumentException($"Feature {bad % size} of row {bad / size} of input '{declared[i].Name}' is {inputs[i][bad]}; features must be finite.", nameof(inputs));
            }

            Dataset.ValidateTokens(Layout, i, inputs[i], "input");
        }
    }

    /// <summary>Runs a model with several inputs (one array per input, in declaration order) and returns the outputs.</summary>
    /// <param name="inputs">One array per input, as <see cref="Predict(IReadOnlyList{float[]}, Span{float})"/> takes them.</param>
    public float[] Predict(IReadOnlyList<float[]> inputs)
    {
        int rows = RequireInputs(inputs, nameof(inputs));
        var outputs = new float[rows * Layout.OutputSize];
        Predict(inputs, outputs);
        return outputs;
    }

    /// <summary>
    /// Runs a model on inputs given by name (Keras' <c>predict({"question": q, "image": i})</c>): every name of
    /// <see cref="ModelLayout.Inputs"/> exactly once; unknown, repeated or missing names are refused with the names
    /// the model takes. Returns the outputs, n rows of <see cref="ModelLayout.OutputSize"/>.
    /// </summary>
    /// <param name="inputs">Each input's name and flat row-major array.</param>
    public float[] Predict(IReadOnlyDictionary<string, float[]> inputs) =>
        Predict(Dataset.ResolveNamed(Layout, inputs, nameof(inputs)));

    /// <summary>
    /// Runs the model on the inputs of <paramref name="data"/> (its targets are not used) and returns the outputs,
    /// one row of <see cref="ModelLayout.OutputSize"/> per sample. The inputs are checked as
    /// <see cref="Dataset.Validate"/> checks them.
    /// </summary>
    /// <param name="data">The samples to run.</param>
    public float[] Predict(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.ValidateInputs(Layout, "data");
        var outputs = new float[data.Count * Layout.OutputSize];
        PredictChecked(data.InputArrays, data.Count, outputs);
        return outputs;
    }

    // Inference over checked inputs in chunks of the batch capacity.
    private void PredictChecked(IReadOnlyList<float[]> inputs, int rows, Span<float> outputs) =>
        PredictChecked(inputs, rows, outputs, Layout.OutputSlot, Layout.OutputSize, stopAfter: -1);

    // The same, up to and including step stopAfter of a graph model's Forward (-1: all of it), reading slot.
    private void PredictChecked(IReadOnlyList<float[]> inputs, int rows, Span<float> outputs, int slot, int size, int stopAfter)
    {
        StopAfterNode = stopAfter;
        try
        {
            for (int first = 0; first < rows; first += BatchCapacity)
            {
                int batch = Math.Min(BatchCapacity, rows - first);
                UploadInputs(inputs, first, batch);
                Forward(batch, training: false);
                Backend.Download(Act(slot, size, batch), outputs.Slice(first * size, batch * size));
            }
        }
        finally
        {
            StopAfterNode = -1;
        }
    }

    /// <summary>
    /// Runs a graph model in inference mode as far as the intermediate tensor <paramref name="name"/> and returns its
    /// value for every row, n rows of its size (Keras' <c>Model(inputs, layer.output).predict(x)</c>, PyTorch's forward
    /// hook): a layer's output by the layer's name (its first call), an operation's by its summary name
    /// (<c>img_flat.softmax</c>: the attention weights of an attentional reduction). The names are
    /// <see cref="ModelLayout.Tensors"/>; inputs are checked as <see cref="Predict(IReadOnlyList{float[]}, Span{float})"/> checks them.
    /// </summary>
    /// <param name="name">A name of <see cref="ModelLayout.Tensors"/>.</param>
    /// <param name="inputs">One array per input, in declaration order.</param>
    /// <exception cref="ArgumentException">The model has no tensor of that name (the message lists those it has), or the inputs are not what it takes.</exception>
    public float[] PredictTensor(string name, IReadOnlyList<float[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(name);
        TensorInfo tensor = Array.Find(Layout.Tensors, t => t.Name == name) ?? throw new ArgumentException(Layout.Tensors.Length == 0
            ? $"{Layout.Name} is a sequential model and has no intermediate tensors to read; only graph models (a [Forward] body) name theirs."
            : $"{Layout.Name} has no tensor '{name}'; it has {string.Join(", ", Layout.Tensors.Select(t => t.Name))}.", nameof(name));
        int rows = RequireInputs(inputs, nameof(inputs));
        RequireValues(inputs);
        var values = new float[rows * tensor.Size];
        PredictChecked(inputs, rows, values, tensor.Slot, tensor.Size, tensor.Node);
        return values;
    }

    /// <summary>
    /// <see cref="PredictTensor(string, IReadOnlyList{float[]})"/> on the inputs of <paramref name="data"/> (its targets
    /// are not used).
    /// </summary>
    public float[] PredictTensor(string name, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return PredictTensor(name, data.InputArrays);
    }

    /// <summary>The mean loss over the rows (inference mode, in batches); metric sums (not means) go to <paramref name="sums"/>.</summary>
    private double EvaluateSums(Dataset data, int batchSize, MetricBinding[] metrics, Span<double> sums)
    {
        sums.Clear();
        ResetHostMetrics(metrics);
        double lossSum = 0;
        int targetSize = Layout.TargetSize;

        // Data-parallel: each rank evaluates its share of the rows, and the sums are summed over the ranks.
        int begin = 0, end = data.Count;
        if (Distributed)
        {
            begin = (int)((long)data.Count * Collective!.Rank / Collective.Size);
            end = (int)((long)data.Count * (Collective.Rank + 1) / Collective.Size);
        }

        for (int first = begin; first < end; first += batchSize)
        {
            int batch = Math.Min(batchSize, end - first);
            UploadInputs(data.InputArrays, first, batch);
            Backend.Upload(data.Targets.AsSpan(first * targetSize, batch * targetSize), Act(Layout.TargetSlot, targetSize, batch));
            Forward(batch, training: false);
            ComputeLoss(batch, 1f, withGradient: false);
            AddRegularization(withGradient: false);
            Backend.Download(Fixed(Layout.LossSlot, 1), _scalar);
            lossSum += (double)_scalar[0] * batch;
            AccumulateMetrics(batch, metrics, sums);
        }

        if (Distributed)
        {
            if (_evaluationSums?.Length != sums.Length + 1)
            {
                _evaluationSums = new double[sums.Length + 1];
            }

            sums.CopyTo(_evaluationSums);
            _evaluationSums[sums.Length] = lossSum;
            Collective!.AllReduceSum(_evaluationSums);
            _evaluationSums.AsSpan(0, sums.Length).CopyTo(sums);
            lossSum = _evaluationSums[sums.Length];
            ReduceHostMetrics(metrics);
        }

        return lossSum / data.Count;
    }

    // The metric and loss sums of a data-parallel evaluation, for their all-reduce (made once per model).
    private double[]? _evaluationSums;
}
