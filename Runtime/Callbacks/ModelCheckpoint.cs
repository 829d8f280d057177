using System.Globalization;
using System.Text;

namespace ModelGen;

/// <summary>
/// Saves the model at the end of each epoch (Keras' <c>ModelCheckpoint</c>, save_freq "epoch"): with
/// <see cref="SaveWeightsOnly"/> its weights (<see cref="CompiledModel.Save"/>, safetensors), otherwise a training
/// checkpoint (<see cref="CompiledModel.SaveCheckpoint"/>: weights, the optimizer's state, the epochs done and the
/// streams) that <see cref="CompiledModel.LoadCheckpoint"/> and <c>Fit(..., initialEpoch)</c> continue from. With
/// <see cref="SaveBestOnly"/>, only when <see cref="Monitor"/> improves on the best so far (Keras compares without a
/// delta). Every file is written to a temporary file and renamed, so a run killed while saving never leaves a torn one.
/// The path may name the epoch and the logs as Keras' does: <c>"ckpt-{epoch:02d}-{val_loss:.4f}.ckpt"</c> (the epoch
/// 1-based; <c>{key}</c>, <c>{key:0Nd}</c> or <c>{key:.Nf}</c>).
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly bool _minimize;
    private double? _best;

    /// <summary>Creates the callback with Keras' defaults.</summary>
    /// <param name="path">The file to write, possibly with <c>{epoch}</c> and log keys in braces.</param>
    /// <param name="monitor">The log key <see cref="SaveBestOnly"/> watches (<c>val_loss</c>).</param>
    /// <param name="saveBestOnly">Save only when the monitored value improves.</param>
    /// <param name="saveWeightsOnly">Save the weights alone instead of a training checkpoint.</param>
    /// <param name="mode">Whether lower or higher is better; auto decides from the name as <see cref="EarlyStopping"/> does.</param>
    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, bool saveWeightsOnly = false,
        EarlyStoppingMode mode = EarlyStoppingMode.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        Path = path;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        _minimize = mode switch
        {
            EarlyStoppingMode.Min => true,
            EarlyStoppingMode.Max => false,
            _ => !saveBestOnly || EarlyStopping.AutoMinimize(monitor, nameof(ModelCheckpoint)),
        };
    }

    /// <summary>The file to write, with its placeholders.</summary>
    public string Path { get; }

    /// <summary>The log key <see cref="SaveBestOnly"/> watches.</summary>
    public string Monitor { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether the weights alone are saved (else a training checkpoint).</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>The best monitored value so far, or null.</summary>
    public double? Best => _best;

    /// <summary>The files written, in order.</summary>
    public IReadOnlyList<string> Saved => _saved;

    private readonly List<string> _saved = [];

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out double current))
            {
                throw new InvalidOperationException($"ModelCheckpoint monitors '{Monitor}', which the logs do not hold; they hold {string.Join(", ", logs.Keys)}. Pass validation data to monitor a val_ key.");
            }

            if (_best is double best && !(_minimize ? current < best : current > best))
            {
                return;
            }

            _best = current;
        }

        CompiledModel model = RequireModel();
        string path = Format(Path, epoch + 1, logs);
        if (!model.IsWriter)
        {
            // Data-parallel training: every rank holds the same weights; rank 0 alone writes them.
            _saved.Add(path);
            return;
        }

        if (SaveWeightsOnly)
        {
            model.Save(path);
        }
        else
        {
            model.SaveCheckpoint(path, model.Optimizer ?? throw new InvalidOperationException("ModelCheckpoint saves a training checkpoint, which needs the optimizer Fit trains with."), epoch + 1);
        }

        _saved.Add(path);
    }

    /// <inheritdoc/>
    protected internal override void SaveState(CheckpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("has_best", _best is null ? 0 : 1);
        state.Set("best", _best ?? 0);
    }

    /// <inheritdoc/>
    protected internal override void LoadState(CheckpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state.Get("has_best") != 0 ? state.Get("best") : null;
    }

    /// <summary>Fills <c>{epoch}</c>, <c>{key}</c>, <c>{key:0Nd}</c> and <c>{key:.Nf}</c> as Python's str.format would.</summary>
    internal static string Format(string pattern, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var text = new StringBuilder(pattern.Length + 16);
        int at = 0;
        while (at < pattern.Length)
        {
            int open = pattern.IndexOf('{', at);
            if (open < 0)
            {
                text.Append(pattern, at, pattern.Length - at);
                break;
            }

            int close = pattern.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"The checkpoint path '{pattern}' opens a brace at {open} that it does not close.");
            }

            text.Append(pattern, at, open - at);
            string field = pattern[(open + 1)..close];
            int colon = field.IndexOf(':', StringComparison.Ordinal);
            string key = colon < 0 ? field : field[..colon];
            string spec = colon < 0 ? "" : field[(colon + 1)..];
            double value = key == "epoch" ? epoch : logs.TryGetValue(key, out double logged)
                ? logged
                : throw new FormatException($"The checkpoint path '{pattern}' names '{key}', which is neither epoch nor a key of the logs ({string.Join(", ", logs.Keys)}).");
            text.Append(spec switch
            {
                "" => key == "epoch" ? epoch.ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture),
                _ when spec.EndsWith('d') && int.TryParse(spec[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int width) =>
                    ((long)value).ToString(CultureInfo.InvariantCulture).PadLeft(spec.StartsWith('0') ? width : 0, '0').PadLeft(width),
                _ when spec.StartsWith('.') && spec.EndsWith('f') && int.TryParse(spec[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int digits) =>
                    value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                _ => throw new FormatException($"The checkpoint path '{pattern}' formats '{key}' as '{spec}'; use {{{key}}}, {{{key}:02d}} or {{{key}:.4f}}."),
            });
            at = close + 1;
        }

        return text.ToString();
    }
}
