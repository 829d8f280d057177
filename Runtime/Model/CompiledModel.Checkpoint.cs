namespace ModelGen;

/// <summary>
/// Optimizer state in the open and resumable training: each optimizer variable readable by Keras' name, and
/// checkpoints holding everything a run needs to continue exactly where it stopped.
/// </summary>
public abstract partial class CompiledModel
{
    /// <summary>
    /// Copies optimizer variable <paramref name="name"/> of the bound <paramref name="optimizer"/>: one float per
    /// trainable parameter float, in layout order, or one parameter's part with <c>"m/dense0.weight"</c>. The names
    /// are <see cref="Optimizer.VariableNames"/> (Keras': <c>m</c>, <c>v</c>, <c>momentum</c>, <c>velocity</c>,
    /// <c>accumulator</c>); the step count is <see cref="Optimizer.Iterations"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="optimizer"/> is not the one this model trains with.</exception>
    /// <exception cref="ArgumentException">No variable or parameter of that name, or a destination of another size.</exception>
    public void ReadOptimizerVariable(Optimizer optimizer, string name, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(name);
        RequireBound(optimizer);
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        string variable = slash < 0 ? name : name[..slash];
        int index = IndexOf(optimizer.VariableNames, variable);
        if (index < 0)
        {
            throw new ArgumentException(optimizer.VariableNames.Count == 0
                ? $"{optimizer.Describe()} keeps no variables."
                : $"{optimizer.Describe()} has no variable '{variable}'; it has {string.Join(", ", optimizer.VariableNames)}.", nameof(name));
        }

        int offset = 0, length = Layout.TrainableCount;
        if (slash >= 0)
        {
            string parameterName = name[(slash + 1)..];
            ParameterInfo parameter = Array.Find(Layout.Parameters, p => p.Trainable && p.Name == parameterName) ?? throw new ArgumentException(
                $"{Layout.Name} has no trainable parameter '{parameterName}'.", nameof(name));
            (offset, length) = (parameter.Offset, parameter.Length);
        }

        if (destination.Length != length)
        {
            throw new ArgumentException($"'{name}' has {length} floats, but the destination holds {destination.Length}.", nameof(destination));
        }

        Backend.Download(OptimizerSlot(index + 1).Slice(offset, length), destination);
    }

    /// <summary>
    /// Saves a training checkpoint to <paramref name="path"/>, through a temporary file renamed over the target: every
    /// weight (BatchNorm's statistics too), the state and step count of <paramref name="optimizer"/> (the one this
    /// model trains with), <paramref name="epoch"/> (the epochs done: <see cref="Fit"/>'s <c>initialEpoch</c> to
    /// continue from), and the positions of the model's dropout and shuffling streams.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="optimizer"/> has not trained this model.</exception>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="optimizer">The optimizer training the model.</param>
    /// <param name="epoch">The epochs done.</param>
    /// <param name="callbacks">Callbacks whose state the run needs (EarlyStopping's best value, wait and best weights), in the order LoadCheckpoint will get them.</param>
    public void SaveCheckpoint(string path, Optimizer optimizer, int epoch, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        RequireBound(optimizer);
        var weights = new float[WeightCount];
        ReadWeights(weights);
        var variables = new float[optimizer.VariableNames.Count][];
        for (int i = 0; i < variables.Length; i++)
        {
            variables[i] = new float[Layout.TrainableCount];
            Backend.Download(OptimizerSlot(i + 1), variables[i]);
        }

        Callback[] hooks = callbacks is null ? [] : [.. callbacks];
        var states = new CheckpointState[hooks.Length];
        for (int i = 0; i < hooks.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(hooks[i], nameof(callbacks));
            states[i] = new CheckpointState();
            hooks[i].SaveState(states[i]);
        }

        if (_shuffleOrder is { Length: > 1 << 24 })
        {
            throw new NotSupportedException($"A checkpoint keeps the rows' order as floats, exact up to {1 << 24:N0} rows; this run shuffles {_shuffleOrder.Length:N0}.");
        }

        float[] order = _shuffleOrder is null ? [] : [.. _shuffleOrder.Select(row => (float)row)];
        var contents = new CheckpointFile.Contents(
            Layout.Name, [.. Layout.Parameters.Select(p => (p.Name, p.Length))], weights, optimizer.Describe(), [.. optimizer.VariableNames],
            variables, optimizer.Iterations, epoch, RandomStreamPosition, _shuffleCounter, order, states, [.. hooks.Select(h => h.GetType().Name)]);
        AtomicFile.Write(path, stream => CheckpointFile.Write(stream, contents));
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> for this model and an optimizer of the same kind and
    /// hyperparameters, and binds <paramref name="optimizer"/> so that the next <see cref="Fit"/> or step continues its
    /// state. The whole file is read and checked first (magic, sizes, checksum, the model's parameter names and sizes,
    /// the optimizer); a truncated, damaged or foreign file is refused and nothing changes.
    /// </summary>
    /// <returns>The epochs the checkpoint had done: pass it as <see cref="Fit"/>'s <c>initialEpoch</c>.</returns>
    /// <exception cref="InvalidDataException">The file is not an intact checkpoint of this model and optimizer.</exception>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="optimizer">An optimizer of the kind and hyperparameters that wrote it; bound to the model.</param>
    /// <param name="callbacks">The callbacks to continue, of the same kinds and order as at <see cref="SaveCheckpoint"/>.</param>
    public int LoadCheckpoint(string path, Optimizer optimizer, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(optimizer);
        _ = Backend;
        CheckpointFile.Contents contents = CheckpointFile.Read(path);
        InvalidDataException Refused(string why) => new($"'{path}' cannot be loaded into {Layout.Name}: {why}.");
        if (contents.Model != Layout.Name)
        {
            throw Refused($"it is a checkpoint of {UntrustedText.Show(contents.Model)}");
        }

        var expected = Layout.Parameters.Select(p => (p.Name, p.Length)).ToArray();
        if (!contents.Parameters.SequenceEqual(expected) || contents.Weights.Length != WeightCount)
        {
            throw Refused($"its parameters ({UntrustedText.List([.. contents.Parameters.Select(p => $"{p.Name} ({p.Length})")])}) are not the model's ({UntrustedText.List([.. expected.Select(p => $"{p.Name} ({p.Length})")])})");
        }

        if (contents.Optimizer != optimizer.Describe() || !contents.VariableNames.SequenceEqual(optimizer.VariableNames))
        {
            throw Refused($"it was written by {UntrustedText.Show(contents.Optimizer)}, not {optimizer.Describe()}; continue with the same optimizer");
        }

        if (contents.Variables.Any(v => v.Length != Layout.TrainableCount) || contents.Iterations < 0 || contents.Epoch < 0)
        {
            throw Refused("its optimizer state does not fit the model");
        }

        Callback[] hooks = callbacks is null ? [] : [.. callbacks];
        string[] kinds = [.. hooks.Select(h => h?.GetType().Name ?? "null")];
        if (!kinds.SequenceEqual(contents.CallbackKinds))
        {
            throw Refused($"it holds the state of the callbacks [{UntrustedText.List(contents.CallbackKinds)}], but [{string.Join(", ", kinds)}] were given; pass the same kinds in the same order");
        }

        if (contents.ShuffleOrder.Length > 0 && !IsPermutation(contents.ShuffleOrder))
        {
            throw Refused("its row order is not a permutation of the rows");
        }

        int bad = FiniteScan.FirstNonFinite(contents.Weights);
        if (bad >= 0)
        {
            throw Refused($"weight {bad} is {contents.Weights[bad]}");
        }

        // Checked: now the state changes.
        PrepareTraining(optimizer);
        Backend.Upload(contents.Weights, WeightRegion);
        optimizer.Reset(Backend, OptimizerSlots);
        for (int i = 0; i < contents.Variables.Length; i++)
        {
            Backend.Upload(contents.Variables[i], OptimizerSlot(i + 1));
        }

        optimizer.RestoreIterations(contents.Iterations);
        RandomStreamPosition = contents.RandomStream;
        _shuffleCounter = contents.ShuffleCounter;
        _shuffleOrder = contents.ShuffleOrder.Length == 0 ? null : [.. contents.ShuffleOrder.Select(row => (int)row)];
        for (int i = 0; i < hooks.Length; i++)
        {
            hooks[i].Model = this;
            hooks[i].LoadState(contents.Callbacks[i]);
        }

        return contents.Epoch;
    }

    private void RequireBound(Optimizer optimizer)
    {
        if (!ReferenceEquals(optimizer, _boundOptimizer))
        {
            throw new InvalidOperationException($"{optimizer.Describe()} is not the optimizer {Layout.Name} trains with; its state lives in the model only once Fit, TrainOnBatch or ApplyGradients has used it.");
        }
    }

    private static bool IsPermutation(float[] order)
    {
        var seen = new bool[order.Length];
        foreach (float row in order)
        {
            if (!(row >= 0 && row < order.Length) || row != MathF.Floor(row) || seen[(int)row])
            {
                return false;
            }

            seen[(int)row] = true;
        }

        return true;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
