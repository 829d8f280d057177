using System.Diagnostics;
using ModelGen.Kernels;

namespace ModelGen;

public abstract partial class CompiledModel
{
    // Keeps the shuffling draws apart from the initial weights and the dropout streams.
    private const ulong ShuffleSalt = 0xD1B54A32D192ED03UL;

    private float[][]? _stagingInputs;
    private int[]? _inputSizes;
    private float[]? _stagingTargets;
    private readonly float[] _scalar = new float[1];
    private Optimizer? _boundOptimizer;
    private ulong _shuffleCounter;

    // The row order of the last Fit's last epoch, which a Fit with initialEpoch > 0 continues to shuffle (a checkpoint keeps it).
    private int[]? _shuffleOrder;

    // Host copies of a batch's outputs and targets for the metrics computed on the host (precision, recall, AUC, top-k).
    private float[]? _metricOutputs;
    private float[]? _metricTargets;

    // Set by Fit while a TerminateOnNaN (without raiseError) is attached: a non-finite batch loss is then returned to
    // the loop, which skips that batch's update and stops, instead of throwing NonFiniteLossException.
    private bool _toleratesNonFiniteLoss;

    /// <summary>
    /// The optimizer bound to the model by the last <see cref="Fit"/> or <see cref="TrainOnBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, Optimizer)"/>
    /// (Keras' <c>model.optimizer</c>), or null before any training. Callbacks such as <see cref="LearningRateScheduler"/>
    /// and <see cref="ReduceLROnPlateau"/> change its <see cref="Optimizer.LearningRate"/>.
    /// </summary>
    public Optimizer? Optimizer => _boundOptimizer;

    /// <summary>
    /// Set to true (by a callback) to end <see cref="Fit"/> after the current epoch (Keras' <c>stop_training</c>).
    /// Fit clears it when it starts.
    /// </summary>
    public bool StopTraining { get; set; }

    /// <summary>Where Fit writes its progress instead of the console (tests); never interactive.</summary>
    internal TextWriter? OutputOverride { get; set; }

    /// <summary>
    /// Trains the model (Keras' <c>fit</c>): each epoch runs ceil(n / batchSize) steps over the shuffled training
    /// rows (the last batch may be partial), each step a forward pass in training mode, the loss, the backward pass
    /// and one optimizer update; then evaluates the validation data in inference mode. With
    /// <see cref="GradientDescent"/> each epoch is one full-batch step.
    /// </summary>
    /// <remarks>
    /// A model with several inputs (<see cref="ModelLayout.Inputs"/>) takes a <see cref="Dataset"/> with one array per
    /// input; each step copies the same rows of every input to that input's slot, so shuffling keeps each sample's
    /// parts together. The data's number of inputs, names (when given by name), widths, finiteness and token ids are
    /// checked per input before any state changes.
    /// </remarks>
    /// <param name="train">The training data.</param>
    /// <param name="validation">Data evaluated after each epoch (val_loss, val_ metrics), or null.</param>
    /// <param name="batchSize">Rows per step, 1 to <see cref="BatchCapacity"/>.</param>
    /// <param name="epochs">Passes over the training data, at least 1.</param>
    /// <param name="optimizer">
    /// The update rule. Its state lives in the model; passing the same optimizer to a later Fit continues where it
    /// stopped, another optimizer starts fresh.
    /// </param>
    /// <param name="callbacks">Hooks called around epochs, such as <see cref="EarlyStopping"/>.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (on an interactive console) and one line per epoch, 2 one line per epoch.</param>
    /// <param name="shuffle">Whether to shuffle the training rows each epoch (seeded by the model's seed).</param>
    /// <param name="metrics">Metrics to report; the loss's default (binary accuracy, accuracy or MAE) when null.</param>
    /// <param name="validationSplit">
    /// Keras' <c>validation_split</c>: the fraction of the training rows, in [0, 1), held out as validation data. As in
    /// Keras the last rows are taken, before any shuffling: the first floor(n (1 - validationSplit)) rows train and the
    /// rest validate. 0 (the default) holds out nothing; it cannot be combined with <paramref name="validation"/>.
    /// </param>
    /// <param name="initialEpoch">
    /// Keras' <c>initial_epoch</c>: the epoch to start from, counted from 0, such as the epochs done that
    /// <see cref="LoadCheckpoint"/> returns; training runs epochs initialEpoch to epochs - 1, and callbacks and the epoch
    /// lines see those numbers. The rows' order continues from the last epoch's (the model's, or the checkpoint's).
    /// </param>
    /// <param name="sampleWeight">
    /// Keras' <c>sample_weight</c>: one finite weight per row of <paramref name="train"/> (zero and negative weights
    /// are allowed, as in Keras), or null. Each row's loss and gradient are scaled by its weight and a batch's loss is
    /// Keras' "sum_over_batch_size", sum(w l) / B, divided by the batch's rows and not by the weights' sum; the weights
    /// travel with their rows through shuffling. With <paramref name="validationSplit"/> they are split like the rows
    /// (the first part trains). Validation and the metrics stay unweighted, as Keras' <c>metrics=</c> are.
    /// </param>
    /// <param name="classWeight">
    /// Keras' <c>class_weight</c>: a weight per class index, turned into each training row's sample weight from its
    /// target as Keras 3 does: the arg-max of a target of several features (first maximum wins), else the single value
    /// rounded half to even (a sparse label, a 0/1 label). A class missing from the dictionary weighs 1; the weight of
    /// every class that occurs must be finite. It cannot be combined with <paramref name="sampleWeight"/>.
    /// </param>
    /// <returns>
    /// The loss and metrics of every epoch (plus <c>learning_rate</c> when a <see cref="LearningRateScheduler"/> or
    /// <see cref="ReduceLROnPlateau"/> is attached, as Keras logs it). With weights the loss is the weighted loss.
    /// </returns>
    /// <remarks>
    /// A batch whose loss is NaN or infinite throws <see cref="NonFiniteLossException"/> before its update, unless a
    /// <see cref="TerminateOnNaN"/> is attached: then that batch's update is skipped, the callbacks see the loss in
    /// <see cref="Callback.OnTrainBatchEnd"/>, the epoch ends there (its logs, validation and callbacks run, its loss
    /// is NaN or infinite) and training stops, as Keras' TerminateOnNaN stops it.
    /// </remarks>
    public History Fit(Dataset train, Dataset? validation, int batchSize, int epochs, Optimizer optimizer,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, bool shuffle = true, Metric[]? metrics = null,
        double validationSplit = 0, int initialEpoch = 0, float[]? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null)
    {
        // Everything is checked before any state changes.
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(optimizer);
        RequireBatchSize(batchSize);
        if (epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs must be at least 1, but it is {epochs}.");
        }

        if (initialEpoch < 0 || initialEpoch >= epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch,
                $"initialEpoch is the epoch to start from (the epochs a checkpoint had done) and must be in [0, {epochs}) for epochs = {epochs}, but it is {initialEpoch}.");
        }

        if (!(validationSplit >= 0 && validationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit,
                $"validationSplit is the fraction of the training rows held out for validation and must be in [0, 1), but it is {validationSplit}.");
        }

        if (validationSplit > 0 && validation is not null)
        {
            throw new ArgumentException($"Both validation data and validationSplit = {validationSplit} were given; pass one of them (validationSplit holds out the last rows of the training data).", nameof(validationSplit));
        }

        MetricBinding[] bindings = MetricBinding.Resolve(Layout, metrics);
        RequireDistributable(optimizer);
        train.Validate(Layout, "training data");
        validation?.Validate(Layout, "validation data");
        int trainRows = train.Count;
        if (validationSplit > 0)
        {
            // Keras' train_validation_split: split_at = floor(n * (1 - validation_split)), in double.
            int splitAt = (int)Math.Floor(train.Count * (1.0 - validationSplit));
            if (splitAt == 0 || splitAt == train.Count)
            {
                throw new ArgumentException($"The training data has {train.Count} rows, too few to split into training and validation rows with validationSplit = {validationSplit} ({splitAt} would train, {train.Count - splitAt} validate); give more rows or another validationSplit.", nameof(validationSplit));
            }

            trainRows = splitAt;
        }

        // Keras' sample_weight or class_weight as one weight per training row, checked and computed once per Fit.
        float[]? rowWeights = TrainingWeights(train, trainRows, sampleWeight, classWeight);

        Callback[] hooks = callbacks is null ? [] : [.. callbacks];
        bool logsLearningRate = false;
        bool toleratesNonFiniteLoss = false;
        for (int i = 0; i < hooks.Length; i++)
        {
            if (hooks[i] is null)
            {
                throw new ArgumentException($"Callback {i} is null.", nameof(callbacks));
            }

            logsLearningRate |= hooks[i].LogsLearningRate;
            toleratesNonFiniteLoss |= hooks[i] is TerminateOnNaN { RaiseError: false };
        }

        // Only now, with everything checked: the held-out rows are copied (the training rows are read in place).
        if (trainRows != train.Count)
        {
            validation = train.Slice(trainRows, train.Count - trainRows);
        }

        var printer = new ProgressPrinter(IsWriter ? verbose : 0, OutputOverride);
        PrepareTraining(optimizer);

        // Keras' BackupAndRestore: the backup an interrupted run left is restored, and training continues after its last epoch.
        foreach (Callback hook in hooks)
        {
            if (hook is BackupAndRestore backup && backup.Restore(this, optimizer, hooks) is int done)
            {
                initialEpoch = Math.Max(initialEpoch, done);
            }
        }

        string[] keys = LogKeys(bindings, validation is not null, logsLearningRate);
        var history = new History(keys);
        var metricSums = new double[bindings.Length];
        var order = new int[trainRows];
        if (initialEpoch > 0 && _shuffleOrder is { } resumed && resumed.Length == trainRows)
        {
            // Continuing a run (a checkpoint or an earlier Fit): each epoch shuffles the last epoch's order further.
            resumed.CopyTo(order, 0);
        }
        else
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
        }

        _shuffleOrder = order;

        bool fullBatch = optimizer.FullBatch;
        int stepRows = fullBatch ? BatchCapacity : batchSize;
        int steps = (trainRows + stepRows - 1) / stepRows;
        IReadOnlyDictionary<string, double> lastLogs = new Dictionary<string, double>();

        StopTraining = false;
        foreach (Callback hook in hooks)
        {
            hook.Model = this;
            hook.OnTrainBegin();
        }

        _toleratesNonFiniteLoss = toleratesNonFiniteLoss;
        try
        {
            for (int epoch = initialEpoch; epoch < epochs; epoch++)
            {
                foreach (Callback hook in hooks)
                {
                    hook.OnEpochBegin(epoch);
                }

                printer.EpochBegin(epoch, epochs);
                long start = Stopwatch.GetTimestamp();
                if (shuffle && !fullBatch)
                {
                    Shuffle(order);
                }

                metricSums.AsSpan().Clear();
                ResetHostMetrics(bindings);
                double lossSum = 0;
                int rowsSeen = 0;
                if (fullBatch)
                {
                    Backend.Fill(GradientRegion, 0f);
                }

                for (int step = 0; step < steps; step++)
                {
                    int first = step * stepRows;
                    ReadOnlySpan<int> rows = order.AsSpan(first, Math.Min(stepRows, trainRows - first));
                    float loss = fullBatch
                        ? AccumulateFullBatch(train, rows, trainRows, bindings, metricSums, epoch, epochs, step, steps, rowWeights)
                        : Distributed
                            ? TrainShard(train, rows, optimizer, bindings, metricSums, epoch, epochs, step, steps, rowWeights)
                            : TrainBatch(train, rows, optimizer, bindings, metricSums, epoch, epochs, step, steps, rowWeights);
                    lossSum += (double)loss * rows.Length;
                    rowsSeen += rows.Length;
                    printer.Step(step + 1, steps, start, lossSum / rowsSeen);
                    foreach (Callback hook in hooks)
                    {
                        hook.OnTrainBatchEnd(step, loss);
                    }

                    // Keras leaves the batch loop as soon as a callback asks to stop; a non-finite loss (reachable only
                    // with TerminateOnNaN attached, which asks) always ends the epoch, its update skipped.
                    if (StopTraining || !float.IsFinite(loss))
                    {
                        break;
                    }
                }

                // A full-batch step needs the gradient of every row; an epoch cut short takes no step.
                if (fullBatch && rowsSeen == trainRows && double.IsFinite(lossSum))
                {
                    optimizer.Apply(Backend, Layout, TrainableRegion, GradientRegion, OptimizerSlots);
                }

                var logs = new Dictionary<string, double>(keys.Length) { ["loss"] = lossSum / rowsSeen };
                if (Distributed)
                {
                    // Each rank summed its own rows' metrics: the epoch's are the sums over the ranks.
                    Collective!.AllReduceSum(metricSums);
                    ReduceHostMetrics(bindings);
                }

                for (int m = 0; m < bindings.Length; m++)
                {
                    logs[bindings[m].Name] = bindings[m].Value(metricSums[m], rowsSeen);
                }

                if (validation is not null)
                {
                    logs["val_loss"] = EvaluateSums(validation, batchSize, bindings, metricSums);
                    for (int m = 0; m < bindings.Length; m++)
                    {
                        logs["val_" + bindings[m].Name] = bindings[m].Value(metricSums[m], validation.Count);
                    }
                }

                if (logsLearningRate)
                {
                    // Keras' LearningRateScheduler and ReduceLROnPlateau log the rate the epoch ran with.
                    logs[LearningRateKey] = optimizer.LearningRate;
                }

                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                history.Add(logs, seconds);
                printer.EpochEnd(steps, seconds, logs);
                lastLogs = logs;
                foreach (Callback hook in hooks)
                {
                    hook.OnEpochEnd(epoch, logs);
                }

                foreach (Callback hook in hooks)
                {
                    (hook as BackupAndRestore)?.Backup(epoch);
                }

                if (StopTraining)
                {
                    break;
                }
            }
        }
        finally
        {
            _toleratesNonFiniteLoss = false;
        }

        // Keras' fit: optimizer.finalize_variable_values (EMA's average into the weights) before on_train_end.
        optimizer.FinalizeVariableValues(Backend, TrainableRegion, OptimizerSlots);
        foreach (Callback hook in hooks)
        {
            hook.OnTrainEnd(lastLogs);
        }

        return history;
    }

    /// <summary>
    /// Binds <paramref name="optimizer"/> to the model (resetting its state when it is not the one already bound)
    /// and allocates the host staging buffers, so that later steps allocate nothing.
    /// </summary>
    internal void PrepareTraining(Optimizer optimizer)
    {
        if (!ReferenceEquals(optimizer, _boundOptimizer))
        {
            optimizer.Reset(Backend, OptimizerSlots);
            _boundOptimizer = optimizer;
        }

        if (_stagingInputs is null)
        {
            InputInfo[] inputs = Layout.Inputs;
            var staging = new float[inputs.Length][];
            for (int i = 0; i < staging.Length; i++)
            {
                staging[i] = new float[BatchCapacity * inputs[i].Size];
            }

            _stagingInputs = staging;
        }

        _stagingTargets ??= new float[BatchCapacity * Layout.TargetSize];
    }

    /// <summary>
    /// One training step on the given rows: stage and upload them, zero the gradients, forward in training mode,
    /// loss (read back and checked), metrics, backward, clip and update. Allocates nothing.
    /// </summary>
    /// <returns>The batch's mean loss (weighted when rowWeights, every training row's weight indexed like rows' entries, is given), before the update.</returns>
    internal float TrainBatch(Dataset data, ReadOnlySpan<int> rows, Optimizer optimizer, MetricBinding[] metrics,
        Span<double> metricSums, int epoch, int epochs, int step, int steps, float[]? rowWeights = null)
    {
        int batch = rows.Length;
        StageRows(data, rows);
        if (rowWeights is not null)
        {
            StageWeights(rowWeights, rows);
        }

        Backend.Fill(GradientRegion, 0f);
        Forward(batch, training: true);
        ComputeLoss(batch, 1f / batch, withGradient: true, weighted: rowWeights is not null);
        AddRegularization(withGradient: true);
        float loss = ReadLoss(epoch, epochs, step, steps);
        AccumulateMetrics(batch, metrics, metricSums);
        if (!float.IsFinite(loss))
        {
            // Only with TerminateOnNaN attached (ReadLoss throws otherwise): no update from a non-finite loss.
            return loss;
        }

        Backward(batch);
        optimizer.Apply(Backend, Layout, TrainableRegion, GradientRegion, OptimizerSlots);
        return loss;
    }

    /// <summary>
    /// One training step on one batch (Keras' <c>train_on_batch</c>): forward in training mode, the loss, the backward
    /// pass and one update of <paramref name="optimizer"/> (bound as in <see cref="Fit"/>). Allocates nothing once the
    /// optimizer is bound. The batch is checked as <see cref="Fit"/> checks its data (finite features, targets in the
    /// loss's range) before any state changes.
    /// </summary>
    /// <param name="features">The batch's rows, <see cref="ModelLayout.InputSize"/> floats each, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <returns>The batch's mean loss, before the update.</returns>
    /// <remarks>For a model with several inputs, use <see cref="TrainOnBatch(IReadOnlyList{float[]}, ReadOnlySpan{float}, Optimizer)"/>.</remarks>
    public float TrainOnBatch(ReadOnlySpan<float> features, ReadOnlySpan<float> targets, Optimizer optimizer) =>
        TrainOnBatch(features, targets, optimizer, sampleWeight: null, classWeight: null);

    /// <summary>
    /// <see cref="TrainOnBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, Optimizer)"/> with Keras' <c>sample_weight</c>
    /// or <c>class_weight</c> (as <see cref="Fit"/> takes them): the step's loss is sum(w l) / B and each row's gradient
    /// is scaled by its weight. The weights are checked with the batch, before any state changes. Allocates nothing
    /// once the optimizer is bound.
    /// </summary>
    /// <param name="features">The batch's rows, <see cref="ModelLayout.InputSize"/> floats each, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="sampleWeight">One finite weight per row, or null.</param>
    /// <param name="classWeight">A weight per class index (1 for a class not in it), or null; not with <paramref name="sampleWeight"/>.</param>
    /// <returns>The batch's weighted loss, before the update.</returns>
    public float TrainOnBatch(ReadOnlySpan<float> features, ReadOnlySpan<float> targets, Optimizer optimizer,
        float[]? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        float loss = ComputeGradients(features, targets, sampleWeight, classWeight);
        ApplyGradients(optimizer);
        return loss;
    }

    /// <summary>
    /// One training step on one batch of a model with several inputs (Keras' <c>train_on_batch([a, b], y)</c>): as
    /// <see cref="TrainOnBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, Optimizer)"/>, with one row-major array per
    /// input in the model's declaration order (<see cref="ModelLayout.Inputs"/>), each uploaded to its own slot.
    /// Everything is checked (the number of inputs, equal row counts, widths, finite features, token ids per input,
    /// targets) before any state changes. Allocates nothing once the optimizer is bound.
    /// </summary>
    /// <param name="inputs">One array per input: the batch's rows of that input's size, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <returns>The batch's mean loss, before the update.</returns>
    public float TrainOnBatch(IReadOnlyList<float[]> inputs, ReadOnlySpan<float> targets, Optimizer optimizer) =>
        TrainOnBatch(inputs, targets, optimizer, sampleWeight: null, classWeight: null);

    /// <summary>
    /// <see cref="TrainOnBatch(IReadOnlyList{float[]}, ReadOnlySpan{float}, Optimizer)"/> with Keras' <c>sample_weight</c>
    /// or <c>class_weight</c>, as <see cref="TrainOnBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, Optimizer, float[], IReadOnlyDictionary{int, float})"/>
    /// takes them.
    /// </summary>
    /// <param name="inputs">One array per input: the batch's rows of that input's size, row-major.</param>
    /// <param name="targets">The batch's targets, <see cref="ModelLayout.TargetSize"/> floats per row.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="sampleWeight">One finite weight per row, or null.</param>
    /// <param name="classWeight">A weight per class index (1 for a class not in it), or null; not with <paramref name="sampleWeight"/>.</param>
    /// <returns>The batch's weighted loss, before the update.</returns>
    public float TrainOnBatch(IReadOnlyList<float[]> inputs, ReadOnlySpan<float> targets, Optimizer optimizer,
        float[]? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        float loss = ComputeGradients(inputs, targets, sampleWeight, classWeight);
        ApplyGradients(optimizer);
        return loss;
    }

    /// <summary>Floats per sample of each input, in declaration order.</summary>
    private int[] InputSizes
    {
        get
        {
            if (_inputSizes is null)
            {
                InputInfo[] inputs = Layout.Inputs;
                var sizes = new int[inputs.Length];
                for (int i = 0; i < sizes.Length; i++)
                {
                    sizes[i] = inputs[i].Size;
                }

                _inputSizes = sizes;
            }

            return _inputSizes;
        }
    }

    // Rows [first, first + batch) of every input to its own slot.
    private void UploadInputs(IReadOnlyList<float[]> inputs, int first, int batch)
    {
        InputInfo[] declared = Layout.Inputs;
        for (int i = 0; i < declared.Length; i++)
        {
            int size = declared[i].Size;
            Backend.Upload(inputs[i].AsSpan(first * size, batch * size), Act(declared[i].Slot, size, batch));
        }
    }

    /// <summary>
    /// Checks one array per input against the layout (their number, whole rows of each input's size, the same number
    /// of rows in each) and returns the row count; messages name the inputs the model takes.
    /// </summary>
    private int RequireInputs(IReadOnlyList<float[]> inputs, string parameter)
    {
        ArgumentNullException.ThrowIfNull(inputs, parameter);
        InputInfo[] declared = Layout.Inputs;
        if (inputs.Count != declared.Length)
        {
            throw new ArgumentException($"{Layout.Name} takes {declared.Length} input{(declared.Length == 1 ? "" : "s")} ({Dataset.DescribeInputs(Layout)}), but {inputs.Count} array{(inputs.Count == 1 ? " was" : "s were")} given.", parameter);
        }

        int rows = -1;
        for (int i = 0; i < declared.Length; i++)
        {
            float[] values = inputs[i] ?? throw new ArgumentException($"Input '{declared[i].Name}' is null.", parameter);
            int size = declared[i].Size;
            if (values.Length % size != 0)
            {
                throw new ArgumentException($"Input '{declared[i].Name}' of {Layout.Name} takes rows of {size} features, but its {values.Length} floats are not a whole number of rows.", parameter);
            }

            if (rows >= 0 && values.Length / size != rows)
            {
                throw new ArgumentException($"Input '{declared[i].Name}' has {values.Length / size} rows but input '{declared[0].Name}' has {rows}; every input needs one row per sample.", parameter);
            }

            rows = values.Length / size;
        }

        return rows;
    }

    // The single-array overloads serve a model with one input; one with several is told what to pass instead.
    private void RequireSingleInput(string parameter)
    {
        if (Layout.Inputs.Length != 1)
        {
            throw new ArgumentException($"{Layout.Name} takes {Layout.Inputs.Length} inputs ({Dataset.DescribeInputs(Layout)}); pass one array per input, in that order.", parameter);
        }
    }

    // Full-batch gradient descent: the gradient of the mean loss over all n rows, accumulated chunk by chunk
    // (each chunk's loss gradient scaled by 1 / n); the caller zeroes the gradients before and steps after.
    private float AccumulateFullBatch(Dataset data, ReadOnlySpan<int> rows, int count, MetricBinding[] metrics, Span<double> metricSums, int epoch, int epochs, int step, int steps,
        float[]? rowWeights)
    {
        int batch = rows.Length;
        StageRows(data, rows);
        if (rowWeights is not null)
        {
            StageWeights(rowWeights, rows);
        }

        Forward(batch, training: true);
        ComputeLoss(batch, 1f / count, withGradient: true, weighted: rowWeights is not null);
        AddRegularization(withGradient: step == 0);
        float loss = ReadLoss(epoch, epochs, step, steps);
        AccumulateMetrics(batch, metrics, metricSums);
        if (float.IsFinite(loss))
        {
            Backward(batch);
        }

        return loss;
    }

    // The same rows of every input and of the targets, so a shuffled order keeps each sample's parts together.
    private void StageRows(Dataset data, ReadOnlySpan<int> rows)
    {
        int batch = rows.Length;
        InputInfo[] declared = Layout.Inputs;
        float[][] staging = _stagingInputs!;
        for (int input = 0; input < declared.Length; input++)
        {
            int inputSize = declared[input].Size;
            Span<float> features = staging[input].AsSpan(0, batch * inputSize);
            for (int i = 0; i < batch; i++)
            {
                data.InputRow(input, rows[i]).CopyTo(features.Slice(i * inputSize, inputSize));
            }

            Backend.Upload(features, Act(declared[input].Slot, inputSize, batch));
        }

        int targetSize = Layout.TargetSize;
        Span<float> targets = _stagingTargets.AsSpan(0, batch * targetSize);
        for (int i = 0; i < batch; i++)
        {
            data.TargetRow(rows[i]).CopyTo(targets.Slice(i * targetSize, targetSize));
        }

        Backend.Upload(targets, Act(Layout.TargetSlot, targetSize, batch));
    }

    private float ReadLoss(int epoch, int epochs, int step, int steps)
    {
        Backend.Download(Fixed(Layout.LossSlot, 1), _scalar);
        float loss = _scalar[0];
        if (!float.IsFinite(loss) && !_toleratesNonFiniteLoss)
        {
            throw new NonFiniteLossException(Layout.Name, epoch, epochs, step, steps, loss);
        }

        return loss;
    }

    private void AccumulateMetrics(int batch, MetricBinding[] metrics, Span<double> sums)
    {
        Buf slot = Fixed(Layout.MetricSlot, 1);
        bool downloaded = false;
        for (int m = 0; m < metrics.Length; m++)
        {
            if (metrics[m].Host is { } host)
            {
                // Once per batch, the outputs and targets to the host (buffers made once per model).
                int outputs = Layout.OutputSize, targets = Layout.TargetSize;
                if (!downloaded)
                {
                    _metricOutputs ??= new float[BatchCapacity * outputs];
                    _metricTargets ??= new float[BatchCapacity * targets];
                    Backend.Download(Act(Layout.OutputSlot, outputs, batch), _metricOutputs.AsSpan(0, batch * outputs));
                    Backend.Download(Act(Layout.TargetSlot, targets, batch), _metricTargets.AsSpan(0, batch * targets));
                    downloaded = true;
                }

                host.Update(_metricOutputs.AsSpan(0, batch * outputs), _metricTargets.AsSpan(0, batch * targets), batch, outputs, targets);
                continue;
            }

            Backend.Fill(slot, 0f);
            Backend.Metric(metrics[m].Kind, Act(Layout.OutputSlot, Layout.OutputSize, batch), Act(Layout.TargetSlot, Layout.TargetSize, batch),
                slot, batch, Layout.OutputSize);
            Backend.Download(slot, _scalar);
            sums[m] += _scalar[0];
        }
    }

    // A pass over the data begins: the host metrics forget the last one.
    private static void ResetHostMetrics(MetricBinding[] metrics)
    {
        foreach (MetricBinding metric in metrics)
        {
            metric.Host?.Reset();
        }
    }

    /// <summary>The optimizer's state slot <paramref name="index"/> (1 to 3), one float per trainable parameter.</summary>
    private Buf OptimizerSlot(int index) => new(index switch { 1 => Layout.OptimizerSlot1, 2 => Layout.OptimizerSlot2, _ => Layout.OptimizerSlot3 }, Layout.TrainableCount);

    /// <summary>The three optimizer state slots.</summary>
    private OptimizerSlots OptimizerSlots => new(OptimizerSlot(1), OptimizerSlot(2), OptimizerSlot(3));

    private void RequireBatchSize(int batchSize)
    {
        if (batchSize < 1 || batchSize > BatchCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"The batch size {batchSize} does not fit {Layout.Name}'s batch capacity {BatchCapacity}; use 1 to {BatchCapacity}, or create the model with a larger capacity.");
        }
    }

    private const string LearningRateKey = "learning_rate";

    private static string[] LogKeys(MetricBinding[] metrics, bool validation, bool learningRate)
    {
        var keys = new List<string>(2 + 2 * metrics.Length) { "loss" };
        foreach (MetricBinding metric in metrics)
        {
            keys.Add(metric.Name);
        }

        if (validation)
        {
            keys.Add("val_loss");
            foreach (MetricBinding metric in metrics)
            {
                keys.Add("val_" + metric.Name);
            }
        }

        if (learningRate)
        {
            keys.Add(LearningRateKey);
        }

        return [.. keys];
    }

    // Fisher-Yates with 64-bit draws from the model's seed; a counter carries over between Fit calls.
    private void Shuffle(int[] order)
    {
        ulong seed = (ulong)(uint)Seed ^ ShuffleSalt;
        for (int i = order.Length - 1; i > 0; i--)
        {
            ulong draw = Mix64(seed + 0x9E3779B97F4A7C15UL * ++_shuffleCounter);
            int j = (int)(ulong)(((UInt128)draw * (ulong)(i + 1)) >> 64);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
