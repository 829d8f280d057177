namespace ModelGen;

/// <summary>
/// Multiplies the learning rate by a factor when a monitored value has stopped improving (Keras'
/// <c>ReduceLROnPlateau</c>), with Keras 3's rules at the end of each epoch: first, in cooldown, the cooldown counter
/// falls by one and the wait is reset; then an improvement (<c>current &lt; best - minDelta</c> in min mode,
/// <c>current &gt; best + minDelta</c> in max mode; the first epoch always improves) sets the best and resets the wait;
/// otherwise, out of cooldown, the wait grows and when it reaches <see cref="Patience"/> the rate becomes
/// <c>max(rate * factor, minLr)</c>, if the rate is above float32(minLr), and the cooldown starts and the wait resets.
/// Fit logs the rate each epoch ran with as <c>learning_rate</c>, as Keras does.
/// </summary>
/// <remarks>
/// Keras warns and skips an epoch whose logs lack the monitored key; like <see cref="EarlyStopping"/>, this callback
/// throws instead, since the run would otherwise silently never reduce.
/// </remarks>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _minimize;

    /// <summary>Creates the callback with Keras' defaults.</summary>
    /// <param name="monitor">The log key to watch (<c>val_loss</c>).</param>
    /// <param name="factor">What the rate is multiplied by, in (0, 1) (0.1).</param>
    /// <param name="patience">Epochs without improvement before a reduction (10).</param>
    /// <param name="mode">Whether lower or higher is better; auto decides from the name as <see cref="EarlyStopping"/> does.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement; its absolute value is used (1e-4).</param>
    /// <param name="cooldown">Epochs after a reduction before the wait counts again (0).</param>
    /// <param name="minLr">The lowest rate a reduction gives (0).</param>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, EarlyStoppingMode mode = EarlyStoppingMode.Auto,
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"ReduceLROnPlateau multiplies the learning rate by factor, which must be in (0, 1), but it is {factor}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (!double.IsFinite(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be finite.");
        }

        if (!(minLr >= 0 && double.IsFinite(minLr)))
        {
            throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "minLr must be finite and not negative.");
        }

        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Mode = mode;
        MinDelta = Math.Abs(minDelta);
        Cooldown = cooldown;
        MinLr = minLr;
        _minimize = mode switch
        {
            EarlyStoppingMode.Min => true,
            EarlyStoppingMode.Max => false,
            EarlyStoppingMode.Auto => EarlyStopping.AutoMinimize(monitor, nameof(ReduceLROnPlateau)),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode."),
        };
    }

    /// <summary>The log key watched.</summary>
    public string Monitor { get; }

    /// <summary>What the rate is multiplied by at a reduction.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The mode given.</summary>
    public EarlyStoppingMode Mode { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs after a reduction during which the wait does not count.</summary>
    public int Cooldown { get; }

    /// <summary>The lowest rate a reduction gives.</summary>
    public double MinLr { get; }

    /// <summary>The best value so far, or null before the first epoch.</summary>
    public double? BestValue { get; private set; }

    /// <summary>Epochs since the last improvement, out of cooldown (Keras' <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>Cooldown epochs left (Keras' <c>cooldown_counter</c>).</summary>
    public int CooldownCounter { get; private set; }

    /// <inheritdoc/>
    internal override bool LogsLearningRate => true;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The optimizer's rate comes from a <see cref="LearningRateSchedule"/>.</exception>
    public override void OnTrainBegin()
    {
        RequireSettableRate();
        BestValue = null;
        CooldownCounter = 0;
        Wait = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new InvalidOperationException($"ReduceLROnPlateau monitors '{Monitor}', which the logs do not hold; they hold {string.Join(", ", logs.Keys)}. Pass validation data to monitor a val_ key.");
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            Wait = 0;
        }

        if (IsImprovement(current))
        {
            BestValue = current;
            Wait = 0;
        }
        else if (CooldownCounter == 0)
        {
            Wait++;
            if (Wait >= Patience && Reduce())
            {
                CooldownCounter = Cooldown;
                Wait = 0;
            }
        }
    }

    private bool IsImprovement(double current)
    {
        if (BestValue is not double best)
        {
            return true;
        }

        return _minimize ? current + MinDelta < best : current - MinDelta > best;
    }

    // Keras' _reduce_optimizer_lr: the rate read as a double, compared with float32(min_lr), reduced in double and
    // stored as the optimizer's float.
    private bool Reduce()
    {
        Optimizer optimizer = RequireSettableRate();
        double old = optimizer.LearningRate;
        if (!(old > (float)MinLr))
        {
            return false;
        }

        float reduced = (float)Math.Max(old * Factor, MinLr);
        if (reduced <= 0)
        {
            // Only when minLr is 0 and the rate underflows float: a rate must stay positive, so it stays.
            return false;
        }

        optimizer.LearningRate = reduced;
        return true;
    }
}
