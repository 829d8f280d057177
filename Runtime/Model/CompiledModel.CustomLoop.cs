using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Custom training loops, as Keras' GradientTape and <c>optimizer.apply_gradients</c> or PyTorch's
/// <c>loss.backward()</c>, <c>param.grad</c> and <c>optimizer.step()</c> write them: a forward pass that returns the
/// outputs (or the logits of a fused output), the loss and every parameter's gradient without an update, the gradients
/// by name to read or change, and one optimizer step. <see cref="TrainOnBatch(IReadOnlyList{float[]}, ReadOnlySpan{float}, Optimizer)"/>
/// is exactly <see cref="ComputeGradients(IReadOnlyList{float[]}, ReadOnlySpan{float})"/> then
/// <see cref="ApplyGradients"/>.
/// </summary>
public abstract partial class CompiledModel
{
    /// <summary>
    /// Runs the network on one batch (Keras' <c>model(x, training=...)</c>) and returns its outputs, n rows of
    /// <see cref="ModelLayout.OutputSize"/>. In training mode dropout draws its masks from the model's stream and
    /// BatchNorm uses the batch's statistics and updates its running ones, as in a training step. With
    /// <paramref name="logits"/>, a model whose final sigmoid or softmax is fused with its loss returns the values
    /// before that activation (the logits the loss reads); other models return their outputs either way.
    /// </summary>
    /// <param name="inputs">One array per input (<see cref="ModelLayout.Inputs"/>), the batch's rows of that input, row-major.</param>
    /// <param name="training">Training mode (dropout active) or inference.</param>
    /// <param name="logits">Return the logits of a fused output instead of its probabilities.</param>
    /// <exception cref="ArgumentException">The inputs are not what the model takes (count, rows, widths, finite values, token ids), or the batch exceeds <see cref="BatchCapacity"/>.</exception>
    public float[] RunForward(IReadOnlyList<float[]> inputs, bool training = true, bool logits = false)
    {
        int batch = RequireBatch(inputs);
        RequireValues(inputs);
        UploadInputs(inputs, 0, batch);
        Forward(batch, training);
        int slot = logits ? Layout.LogitsSlot : Layout.OutputSlot;
        var outputs = new float[batch * Layout.OutputSize];
        Backend.Download(Act(slot, Layout.OutputSize, batch), outputs);
        return outputs;
    }

    /// <summary>
    /// One batch's forward pass in training mode, its mean loss and the backward pass (Keras' GradientTape around
    /// <c>model(x, training=True)</c> and the loss, then <c>tape.gradient</c>; PyTorch's <c>loss.backward()</c>):
    /// every trainable parameter's gradient of the mean loss is left in the model, overwriting the last one, for
    /// <see cref="Gradient"/>, <see cref="ReadGradients"/> and <see cref="ApplyGradients"/>. No parameter is updated
    /// (BatchNorm's running statistics are, as in any training-mode pass). Checked as
    /// <see cref="TrainOnBatch(IReadOnlyList{float[]}, ReadOnlySpan{float}, Optimizer)"/> checks its batch.
    /// Allocates nothing.
    /// </summary>
    /// <param name="inputs">One array per input, the batch's rows, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <returns>The batch's mean loss.</returns>
    public float ComputeGradients(IReadOnlyList<float[]> inputs, ReadOnlySpan<float> targets) =>
        ComputeGradients(inputs, targets, sampleWeight: null, classWeight: null);

    /// <summary>
    /// <see cref="ComputeGradients(IReadOnlyList{float[]}, ReadOnlySpan{float})"/> with Keras' <c>sample_weight</c> or
    /// <c>class_weight</c> (as <see cref="CompiledModel.Fit"/> takes them): the loss is sum(w l) / B and each row's
    /// gradient is scaled by its weight. The weights are checked with the batch, before any state changes.
    /// </summary>
    /// <param name="inputs">One array per input, the batch's rows, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <param name="sampleWeight">One finite weight per row, or null.</param>
    /// <param name="classWeight">A weight per class index (1 for a class not in it), or null; not with <paramref name="sampleWeight"/>.</param>
    /// <returns>The batch's weighted loss.</returns>
    public float ComputeGradients(IReadOnlyList<float[]> inputs, ReadOnlySpan<float> targets,
        float[]? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null)
    {
        int batch = RequireBatch(inputs);
        int targetSize = Layout.TargetSize;
        if (targets.Length != batch * targetSize)
        {
            throw new ArgumentException($"{batch} rows need {batch * targetSize} targets ({targetSize} per row), but {targets.Length} were given.", nameof(targets));
        }

        Dataset.ValidateRows(Layout, inputs, InputSizes, targets, targetSize, batch, "batch");
        bool weighted = PrepareBatchWeights(sampleWeight, classWeight, targets, batch);
        UploadInputs(inputs, 0, batch);
        Backend.Upload(targets, Act(Layout.TargetSlot, targetSize, batch));
        return GradientsUploaded(batch, weighted);
    }

    /// <summary>
    /// <see cref="ComputeGradients(IReadOnlyList{float[]}, ReadOnlySpan{float})"/> for a model with one input: the
    /// batch's rows of <see cref="ModelLayout.InputSize"/> features, row-major.
    /// </summary>
    public float ComputeGradients(ReadOnlySpan<float> features, ReadOnlySpan<float> targets) =>
        ComputeGradients(features, targets, sampleWeight: null, classWeight: null);

    /// <summary>
    /// <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with Keras' <c>sample_weight</c> or
    /// <c>class_weight</c>, as <see cref="ComputeGradients(IReadOnlyList{float[]}, ReadOnlySpan{float}, float[], IReadOnlyDictionary{int, float})"/>
    /// takes them.
    /// </summary>
    /// <param name="features">The batch's rows of <see cref="ModelLayout.InputSize"/> features, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <param name="sampleWeight">One finite weight per row, or null.</param>
    /// <param name="classWeight">A weight per class index (1 for a class not in it), or null; not with <paramref name="sampleWeight"/>.</param>
    /// <returns>The batch's weighted loss.</returns>
    public float ComputeGradients(ReadOnlySpan<float> features, ReadOnlySpan<float> targets,
        float[]? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null)
    {
        RequireSingleInput(nameof(features));
        int inputSize = Layout.InputSize;
        int targetSize = Layout.TargetSize;
        if (features.Length == 0 || features.Length % inputSize != 0)
        {
            throw new ArgumentException($"{Layout.Name} expects rows of {inputSize} features, but {features.Length} floats are not a whole, non-zero number of rows.", nameof(features));
        }

        int batch = features.Length / inputSize;
        RequireBatchSize(batch);
        if (targets.Length != batch * targetSize)
        {
            throw new ArgumentException($"{batch} rows need {batch * targetSize} targets ({targetSize} per row), but {targets.Length} were given.", nameof(targets));
        }

        Dataset.ValidateRows(Layout, features, inputSize, targets, targetSize, batch, "batch");
        bool weighted = PrepareBatchWeights(sampleWeight, classWeight, targets, batch);
        Backend.Upload(features, Act(Layout.InputSlot, inputSize, batch));
        Backend.Upload(targets, Act(Layout.TargetSlot, targetSize, batch));
        return GradientsUploaded(batch, weighted);
    }

    /// <summary>
    /// The gradient of parameter <paramref name="name"/> (PyTorch's <c>param.grad</c>), as last computed, in the
    /// parameter's layout (<see cref="ParameterInfo.Shape"/>, row-major): a span over the model's own memory, no copy.
    /// Writing through it changes what <see cref="ApplyGradients"/> applies (one's own clipping, noise or masking).
    /// Only where the model's memory is host memory (the CPU back end); on a GPU use <see cref="ReadGradients"/> and
    /// <see cref="WriteGradients"/>, which copy.
    /// </summary>
    /// <exception cref="ArgumentException">No trainable parameter has that name (the message lists them).</exception>
    /// <exception cref="NotSupportedException">The model runs on a device whose memory the host cannot address.</exception>
    public Span<float> Gradient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ParameterInfo parameter = Array.Find(Layout.Parameters, p => p.Trainable && p.Name == name) ?? throw new ArgumentException(
            $"{Layout.Name} has no trainable parameter '{name}'; it has {string.Join(", ", Layout.Parameters.Where(p => p.Trainable).Select(p => p.Name))}.", nameof(name));
        if (!Backend.TryGetHostSpan(new Buf(Layout.GradientBase + parameter.Offset, parameter.Length), out Span<float> gradient))
        {
            throw new NotSupportedException($"{Layout.Name} runs on {Backend.Name}, whose memory the host cannot address; read and write its gradients with ReadGradients and WriteGradients.");
        }

        return gradient;
    }

    /// <summary>Copies every trainable parameter's gradient, in layout order (<see cref="ModelLayout.TrainableCount"/> floats), on any back end.</summary>
    public void ReadGradients(Span<float> destination)
    {
        RequireGradientLength(destination.Length, nameof(destination));
        Backend.Download(GradientRegion, destination);
    }

    /// <summary>Replaces every trainable parameter's gradient, in layout order, on any back end; the values must be finite.</summary>
    public void WriteGradients(ReadOnlySpan<float> source)
    {
        RequireGradientLength(source.Length, nameof(source));
        int bad = FiniteScan.FirstNonFinite(source);
        if (bad >= 0)
        {
            throw new ArgumentException($"Gradient {bad} is {source[bad]}; gradients must be finite.", nameof(source));
        }

        Backend.Upload(source, GradientRegion);
    }

    /// <summary>
    /// One update of <paramref name="optimizer"/> from the gradients in the model (Keras' <c>apply_gradients</c>,
    /// PyTorch's <c>optimizer.step()</c>): its clipping as configured, then its rule. The optimizer is bound as
    /// <see cref="CompiledModel.Fit"/> binds it: the same one continues its state, another starts fresh.
    /// </summary>
    public void ApplyGradients(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        PrepareTraining(optimizer);
        optimizer.Apply(Backend, Layout, TrainableRegion, GradientRegion, OptimizerSlots);
    }

    /// <summary>
    /// Keras' <c>optimizer.finalize_variable_values(model.trainable_variables)</c>: with <see cref="Optimizer.UseEma"/>, the
    /// trainable parameters take the moving average <paramref name="optimizer"/> kept; nothing changes otherwise. Fit
    /// does this after its last epoch; a custom loop calls it when it is done.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="optimizer"/> has not trained this model.</exception>
    public void FinalizeVariableValues(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!ReferenceEquals(Optimizer, optimizer))
        {
            throw new InvalidOperationException($"This {optimizer.GetType().Name} has not trained {Layout.Name}: its moving average is not in the model.");
        }

        optimizer.FinalizeVariableValues(Backend, TrainableRegion, OptimizerSlots);
    }

    // Zero the gradients, forward in training mode, loss (read and checked; weighted by the staged weights when
    // weighted), backward: a training step without its update.
    private float GradientsUploaded(int batch, bool weighted)
    {
        if (weighted)
        {
            UploadBatchWeights(batch);
        }

        Backend.Fill(GradientRegion, 0f);
        Forward(batch, training: true);
        ComputeLoss(batch, 1f / batch, withGradient: true, weighted);
        AddRegularization(withGradient: true);
        float loss = ReadLoss(0, 1, 0, 1);
        Backward(batch);
        return loss;
    }

    // The rows of a batch of inputs, at least one and at most the batch capacity.
    private int RequireBatch(IReadOnlyList<float[]> inputs)
    {
        int batch = RequireInputs(inputs, nameof(inputs));
        if (batch == 0)
        {
            throw new ArgumentException($"The batch has no rows; {Layout.Name} needs at least one.", nameof(inputs));
        }

        RequireBatchSize(batch);
        return batch;
    }

    private void RequireGradientLength(int length, string name)
    {
        if (length != Layout.TrainableCount)
        {
            throw new ArgumentException($"{Layout.Name} has {Layout.TrainableCount} trainable floats, but the span holds {length}.", name);
        }
    }
}
