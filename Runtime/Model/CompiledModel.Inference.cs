namespace ModelGen;

public abstract partial class CompiledModel
{
    /// <summary>
    /// The loss and metrics of <paramref name="data"/> in inference mode (Keras' <c>evaluate</c> with
    /// <c>return_dict=True</c>), computed in batches of <paramref name="batchSize"/> and averaged over the rows.
    /// </summary>
    /// <param name="data">The rows to evaluate.</param>
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
            logs[bindings[m].Name] = sums[m] / data.Count;
        }

        return logs;
    }

    /// <summary>
    /// Runs the network in inference mode on every row of <paramref name="features"/> (n rows of
    /// <see cref="ModelLayout.InputSize"/> floats, row-major) into <paramref name="outputs"/> (n rows of
    /// <see cref="ModelLayout.OutputSize"/>), in chunks of the batch capacity. Allocates nothing.
    /// </summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> outputs)
    {
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

        Dataset.ValidateTokens(Layout, features, "input");

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
        var outputs = new float[features.Length / Layout.InputSize * Layout.OutputSize];
        Predict(features, outputs);
        return outputs;
    }

    /// <summary>The mean loss over the rows (inference mode, in batches); metric sums (not means) go to <paramref name="sums"/>.</summary>
    private double EvaluateSums(Dataset data, int batchSize, MetricBinding[] metrics, Span<double> sums)
    {
        sums.Clear();
        double lossSum = 0;
        int inputSize = Layout.InputSize;
        int targetSize = Layout.TargetSize;
        for (int first = 0; first < data.Count; first += batchSize)
        {
            int batch = Math.Min(batchSize, data.Count - first);
            Backend.Upload(data.Features.AsSpan(first * inputSize, batch * inputSize), Act(Layout.InputSlot, inputSize, batch));
            Backend.Upload(data.Targets.AsSpan(first * targetSize, batch * targetSize), Act(Layout.TargetSlot, targetSize, batch));
            Forward(batch, training: false);
            ComputeLoss(batch, 1f, withGradient: false);
            Backend.Download(Fixed(Layout.LossSlot, 1), _scalar);
            lossSum += (double)_scalar[0] * batch;
            AccumulateMetrics(batch, metrics, sums);
        }

        return lossSum / data.Count;
    }
}
