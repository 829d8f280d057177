namespace ModelGen;

/// <summary>
/// Stops training when a monitored value stops improving, with Keras 3's semantics: an improvement is
/// <c>current &lt; best - minDelta</c> (min mode; <c>current &gt; best + minDelta</c> in max mode), the first
/// epoch always improves on "no best yet", the wait counter grows every epoch and is reset by an improvement
/// that also beats the baseline, and training stops when wait &gt;= patience after the first epoch. With
/// <see cref="RestoreBestWeights"/>, the weights and BatchNorm running statistics of the best epoch are put back
/// when training ends. With <see cref="StartFromEpoch"/>, epochs before it are not monitored at all (Keras'
/// <c>start_from_epoch</c>): they neither set the best value nor count towards the patience.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly bool _minimize;
    private float[]? _bestWeights;
    private bool _haveBestWeights;
    private bool _haveBest;
    private int _wait;
    private bool _resumed;

    /// <summary>Creates the callback with Keras' defaults.</summary>
    /// <param name="monitor">The log key to watch (<c>val_loss</c>).</param>
    /// <param name="minDelta">The smallest change that counts as an improvement; its absolute value is used (0).</param>
    /// <param name="patience">Epochs without improvement before stopping (0).</param>
    /// <param name="restoreBestWeights">Whether to restore the best epoch's weights at the end (false).</param>
    /// <param name="mode">Whether lower or higher is better (decided from the name).</param>
    /// <param name="baseline">A value the monitor must beat for the wait counter to reset (none).</param>
    /// <param name="startFromEpoch">Epochs to wait before starting to monitor, a warm-up (0).</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, bool restoreBestWeights = false,
        EarlyStoppingMode mode = EarlyStoppingMode.Auto, double? baseline = null, int startFromEpoch = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(startFromEpoch);
        if (!double.IsFinite(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be finite.");
        }

        if (baseline is double b && !double.IsFinite(b))
        {
            throw new ArgumentOutOfRangeException(nameof(baseline), baseline, "baseline must be finite.");
        }

        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
        Baseline = baseline;
        StartFromEpoch = startFromEpoch;
        Mode = mode;
        _minimize = mode switch
        {
            EarlyStoppingMode.Min => true,
            EarlyStoppingMode.Max => false,
            EarlyStoppingMode.Auto => AutoMinimize(monitor),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode."),
        };
    }

    /// <summary>The log key watched.</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>Whether the best epoch's weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The mode given.</summary>
    public EarlyStoppingMode Mode { get; }

    /// <summary>The value to beat for the wait counter to reset, if any.</summary>
    public double? Baseline { get; }

    /// <summary>
    /// Epochs to wait before monitoring (Keras' <c>start_from_epoch</c>): the end of an epoch numbered below it (0-based)
    /// is ignored, so monitoring starts with epoch <c>StartFromEpoch</c>.
    /// </summary>
    public int StartFromEpoch { get; }

    /// <summary>The 0-based epoch of the best value so far (0 before any).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best value so far, or null before the first epoch.</summary>
    public double? BestValue { get; private set; }

    /// <summary>The 0-based epoch at which training was stopped, or 0 when it ran to the end (Keras' convention).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>Epochs since the last improvement (Keras' <c>wait</c>).</summary>
    public int Wait => _wait;

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        if (_resumed)
        {
            // Restored from a checkpoint: continue with its best value, wait and best weights.
            _resumed = false;
            return;
        }

        _wait = 0;
        StoppedEpoch = 0;
        BestValue = null;
        _haveBest = false;
        _haveBestWeights = false;
        BestEpoch = 0;
        if (RestoreBestWeights)
        {
            CompiledModel model = RequireModel();
            if (_bestWeights is null || _bestWeights.Length != model.WeightCount)
            {
                _bestWeights = new float[model.WeightCount];
            }
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new InvalidOperationException($"EarlyStopping monitors '{Monitor}', which the logs do not hold; they hold {string.Join(", ", logs.Keys)}. Pass validation data to monitor a val_ key.");
        }

        if (epoch < StartFromEpoch)
        {
            // Keras' warm-up: the epoch is not monitored at all.
            return;
        }

        if (RestoreBestWeights && !_haveBestWeights)
        {
            // Until something improves, the first epoch's weights are the best ones.
            Snapshot();
            BestEpoch = epoch;
        }

        _wait++;
        if (IsImprovement(current, _haveBest ? BestValue : null))
        {
            BestValue = current;
            _haveBest = true;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                Snapshot();
            }

            if (Baseline is null || IsImprovement(current, Baseline))
            {
                _wait = 0;
            }

            return;
        }

        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            RequireModel().StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (RestoreBestWeights && _haveBestWeights && _bestWeights is not null)
        {
            RequireModel().WriteWeights(_bestWeights);
        }
    }

    /// <inheritdoc/>
    protected internal override void SaveState(CheckpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("wait", _wait);
        state.Set("best_epoch", BestEpoch);
        state.Set("stopped_epoch", StoppedEpoch);
        state.Set("has_best", _haveBest ? 1 : 0);
        state.Set("best", BestValue ?? 0);
        state.Set("has_best_weights", _haveBestWeights ? 1 : 0);
        if (_haveBestWeights && _bestWeights is not null)
        {
            state.SetArray("best_weights", _bestWeights);
        }
    }

    /// <inheritdoc/>
    protected internal override void LoadState(CheckpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _wait = (int)state.Get("wait");
        BestEpoch = (int)state.Get("best_epoch");
        StoppedEpoch = (int)state.Get("stopped_epoch");
        _haveBest = state.Get("has_best") != 0;
        BestValue = _haveBest ? state.Get("best") : null;
        _haveBestWeights = state.Get("has_best_weights") != 0;
        _bestWeights = state.GetArray("best_weights") ?? (RestoreBestWeights ? new float[RequireModel().WeightCount] : null);
        _resumed = true;
    }

    private bool IsImprovement(double current, double? reference)
    {
        if (reference is not double best)
        {
            return true;
        }

        return _minimize ? current + MinDelta < best : current - MinDelta > best;
    }

    private void Snapshot()
    {
        RequireModel().ReadWeights(_bestWeights ?? throw new InvalidOperationException("EarlyStopping has no weight buffer; OnTrainBegin did not run."));
        _haveBestWeights = true;
    }

    /// <summary>
    /// Keras' mode auto (each metric's direction): losses and errors fall; accuracies, precision, recall and AUC rise;
    /// anything else needs an explicit mode.
    /// </summary>
    internal static bool AutoMinimize(string monitor, string callback = nameof(EarlyStopping))
    {
        string name = monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor["val_".Length..] : monitor;
        return name switch
        {
            "loss" or "mae" => true,
            "accuracy" or "binary_accuracy" or "precision" or "recall" or "auc" or "top_k_categorical_accuracy" or "sparse_top_k_categorical_accuracy" => false,
            _ => throw new ArgumentException($"{callback} cannot tell whether '{monitor}' should fall or rise; pass mode: EarlyStoppingMode.Min or EarlyStoppingMode.Max.", nameof(monitor)),
        };
    }
}
