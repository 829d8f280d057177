using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Updates a model's trainable parameters from their gradients, with Keras' update rules and defaults. The
/// state (momentum, moments, accumulators) lives in the model's three optimizer slots, so an optimizer holds only
/// hyperparameters and its step count. At most one of <see cref="ClipNorm"/>, <see cref="GlobalClipNorm"/> and
/// <see cref="ClipValue"/> may be set. The step size is a constant <see cref="LearningRate"/> or a
/// <see cref="LearningRateSchedule"/> (Keras' <c>learning_rate=schedule</c>), evaluated at <see cref="Iterations"/>
/// before each update. <see cref="WeightDecay"/> is Keras' decoupled weight decay, on every optimizer.
/// </summary>
public abstract class Optimizer
{
    private readonly LearningRateSchedule? _schedule;
    private float _learningRate;
    private float? _clipNorm;
    private float? _globalClipNorm;
    private float? _clipValue;
    private float _weightDecay;
    private bool _useEma;

    // The slot of EMA's average, after the rule's variables: found once, since a rule's names are built on each read.
    private int _emaSlot;
    private float _emaMomentum = 0.99f;
    private int? _emaOverwriteFrequency;
    private System.Text.RegularExpressions.Regex? _decayExclusion;

    // The decayed trainable tensors of the last layout seen, found once so that a step allocates nothing.
    private ModelLayout? _decayLayout;
    private ParameterInfo[]? _decayedTensors;

    /// <summary>Takes each step's rate from <paramref name="schedule"/>, or the constant <paramref name="learningRate"/> without one.</summary>
    private protected Optimizer(float learningRate, LearningRateSchedule? schedule)
    {
        if (schedule is null)
        {
            LearningRate = learningRate;
        }
        else
        {
            _schedule = schedule;
        }
    }

    /// <summary>
    /// The step size of the next update. With a constant rate: positive and finite, and it may be changed between
    /// steps (by hand or a callback). With a <see cref="Schedule"/>: the schedule's rate at <see cref="Iterations"/>
    /// (Keras' <c>optimizer.learning_rate</c>), and it cannot be set, as in Keras.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set while a <see cref="Schedule"/> gives the rate.</exception>
    public float LearningRate
    {
        get => _schedule is null ? _learningRate : _schedule.Rate(Iterations);
        set
        {
            if (_schedule is not null)
            {
                throw new InvalidOperationException(
                    $"This {GetType().Name} takes its learning rate from a {_schedule.GetType().Name} schedule, so the rate cannot be set "
                    + $"(to {value}); create the optimizer with a constant learning rate to change it by hand.");
            }

            _learningRate = RequirePositive(value, nameof(LearningRate));
        }
    }

    /// <summary>The schedule that gives each step's learning rate, or null for a constant <see cref="LearningRate"/>.</summary>
    public LearningRateSchedule? Schedule => _schedule;

    /// <summary>Keras' <c>clipnorm</c>: each parameter tensor's gradient is scaled down to this L2 norm at most.</summary>
    public float? ClipNorm
    {
        get => _clipNorm;
        init => _clipNorm = SetClip(value, nameof(ClipNorm));
    }

    /// <summary>Keras' <c>global_clipnorm</c>: the whole gradient is scaled down to this L2 norm at most.</summary>
    public float? GlobalClipNorm
    {
        get => _globalClipNorm;
        init => _globalClipNorm = SetClip(value, nameof(GlobalClipNorm));
    }

    /// <summary>Keras' <c>clipvalue</c>: each gradient element is clamped to [-value, value].</summary>
    public float? ClipValue
    {
        get => _clipValue;
        init => _clipValue = SetClip(value, nameof(ClipValue));
    }

    /// <summary>
    /// Keras' <c>weight_decay</c>, decoupled from the gradient: before each update (after clipping) every trainable
    /// parameter shrinks by p -= p * weightDecay * lr, at that step's learning rate. Finite and not negative; 0 (the
    /// default, Keras' None) leaves the parameters alone. <see cref="AdamW"/> is Adam with 0.004.
    /// </summary>
    public float WeightDecay
    {
        get => _weightDecay;
        init
        {
            if (!(value >= 0f) || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, $"WeightDecay must be finite and not negative, but it is {value}.");
            }

            _weightDecay = value;
        }
    }

    /// <summary>
    /// Keras' <c>exclude_from_weight_decay(var_names=...)</c>: the parameter tensors whose name matches any of
    /// <paramref name="namePatterns"/> (a regular-expression search, as Keras' <c>re.search</c> over the names joined by
    /// <c>|</c>) keep their values through <see cref="WeightDecay"/>. Names are the model's PyTorch-style ones:
    /// <c>"bias"</c> spares every <c>.bias</c> and <c>bias_ih_l0</c>, <c>"^norm"</c> a layer named norm0's gamma and beta.
    /// As in Keras it must be set before the first update; a later call replaces the earlier patterns, and none (or an
    /// empty list) excludes nothing.
    /// </summary>
    /// <param name="namePatterns">Regular expressions searched for in each trainable tensor's name.</param>
    /// <exception cref="InvalidOperationException">The optimizer has already taken a step.</exception>
    /// <exception cref="ArgumentException">A pattern is not a valid regular expression.</exception>
    public void ExcludeFromWeightDecay(params string[] namePatterns)
    {
        ArgumentNullException.ThrowIfNull(namePatterns);
        if (Iterations > 0)
        {
            throw new InvalidOperationException(
                $"ExcludeFromWeightDecay can only be set before the first update, as Keras' exclude_from_weight_decay before the optimizer is built; this {GetType().Name} has taken {Iterations} steps.");
        }

        System.Text.RegularExpressions.Regex? pattern = null;
        if (namePatterns.Length > 0)
        {
            string joined = string.Join("|", namePatterns.Distinct());
            try
            {
                pattern = new System.Text.RegularExpressions.Regex(joined, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"ExcludeFromWeightDecay takes regular expressions, but '{joined}' is not one: {error.Message}", nameof(namePatterns), error);
            }
        }

        _decayExclusion = pattern;
        _decayedTensors = null;
    }

    /// <summary>The names of the trainable tensors of <paramref name="layout"/> that <see cref="ExcludeFromWeightDecay"/> spares.</summary>
    public IReadOnlyList<string> ExcludedFromWeightDecay(ModelLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return [.. layout.Parameters.Where(p => p.Trainable && _decayExclusion is { } pattern && pattern.IsMatch(p.Name)).Select(p => p.Name)];
    }

    /// <summary>Updates applied so far (Keras' <c>iterations</c>); Adam's bias correction uses it.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// The names of the optimizer's per-parameter variables, Keras' (<c>m</c> and <c>v</c> for Adam, AdamW and Nadam, then
    /// <c>velocity_hat</c> with amsgrad; <c>m</c> and <c>u</c> for Adamax, <c>m</c> for Lion, <c>momentum</c> for SGD with
    /// momentum, <c>velocity</c> for RMSprop, then <c>momentum</c> and <c>average_gradient</c> when it has them,
    /// <c>accumulator</c> for Adagrad; <c>average</c> last with <see cref="UseEma"/>), in the order of the model's
    /// optimizer slots; each holds one float per trainable parameter float. Empty for an optimizer without state.
    /// </summary>
    public IReadOnlyList<string> VariableNames => UseEma ? [.. RuleVariableNames, "average"] : RuleVariableNames;

    /// <summary>The update rule's own variables, without EMA's average.</summary>
    private protected virtual IReadOnlyList<string> RuleVariableNames => [];

    /// <summary>
    /// Keras' <c>use_ema</c>: an exponential moving average of the trainable parameters is kept after every update,
    /// average = m * average + (1 - m) * p with m = <see cref="EmaMomentum"/> (0 on the first update, so it starts at
    /// the parameters), in the optimizer slot after the rule's variables (named <c>average</c>). <see cref="CompiledModel.Fit"/>
    /// overwrites the parameters with it after the last epoch (Keras' <c>finalize_variable_values</c>; a custom loop calls
    /// <see cref="CompiledModel.FinalizeVariableValues"/>), and every <see cref="EmaOverwriteFrequency"/> steps when set.
    /// </summary>
    /// <exception cref="NotSupportedException">The rule already uses all three slots (Adam with amsgrad, RMSprop with momentum and centered).</exception>
    public bool UseEma
    {
        get => _useEma;
        init
        {
            int ruleVariables = RuleVariableNames.Count;
            if (value && ruleVariables >= 3)
            {
                throw new NotSupportedException(
                    $"UseEma keeps the moving average in a free optimizer slot, but {DescribeRule()} uses all three ({string.Join(", ", RuleVariableNames)}); drop one of its options or EMA.");
            }

            _useEma = value;
            _emaSlot = ruleVariables;
        }
    }

    /// <summary>Keras' <c>ema_momentum</c>, in [0, 1] (0.99): the weight of the old average at each update.</summary>
    public float EmaMomentum
    {
        get => _emaMomentum;
        init
        {
            if (!(value >= 0f && value <= 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(EmaMomentum), value, $"EmaMomentum must lie in [0, 1], but it is {value}.");
            }

            _emaMomentum = value;
        }
    }

    /// <summary>
    /// Keras' <c>ema_overwrite_frequency</c>: with <see cref="UseEma"/>, the parameters are overwritten with their average
    /// after every this many updates; null (the default) only at the end of Fit.
    /// </summary>
    public int? EmaOverwriteFrequency
    {
        get => _emaOverwriteFrequency;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(EmaOverwriteFrequency), value, $"EmaOverwriteFrequency must be at least 1 or null, but it is {value}.");
            }

            _emaOverwriteFrequency = value;
        }
    }

    /// <summary>Sets the step count when a checkpoint restores the optimizer's state.</summary>
    internal void RestoreIterations(int iterations) => Iterations = iterations;

    /// <summary>
    /// The optimizer's kind and hyperparameters as one line (<c>Adam(beta_1=0.9, beta_2=0.999, epsilon=1E-07)</c>, with
    /// <c>weight_decay=...</c> last when it is not 0), so a checkpoint can refuse to continue with another optimizer
    /// than the one that wrote it.
    /// </summary>
    internal string Describe()
    {
        string rule = DescribeRule();
        var extra = new List<string>();
        if (_weightDecay != 0f)
        {
            extra.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"weight_decay={_weightDecay}"));
        }

        if (_useEma)
        {
            extra.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"use_ema=True, ema_momentum={_emaMomentum}"));
            if (_emaOverwriteFrequency is int frequency)
            {
                extra.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ema_overwrite_frequency={frequency}"));
            }
        }

        if (extra.Count == 0)
        {
            return rule;
        }

        string options = string.Join(", ", extra);
        return rule.EndsWith(')') ? $"{rule[..^1]}, {options})" : $"{rule}({options})";
    }

    /// <summary>The kind and the rule's own hyperparameters, <c>Adam(beta_1=0.9, ...)</c>, for <see cref="Describe"/>.</summary>
    private protected virtual string DescribeRule() => GetType().Name;

    /// <summary>Whether training with this optimizer takes one step per epoch over the whole training set.</summary>
    internal virtual bool FullBatch => false;

    /// <summary>Sets the optimizer state in the model's slots to its start and the step count to zero.</summary>
    internal void Reset(IBackend backend, OptimizerSlots slots)
    {
        Iterations = 0;
        ResetState(backend, slots);
    }

    /// <summary>Clips the gradients as configured, then updates the parameters.</summary>
    internal void Apply(IBackend backend, ModelLayout layout, Buf parameters, Buf gradients, OptimizerSlots slots)
    {
        // Keras evaluates the schedule at the step count before the update; a bad rate is refused before anything changes.
        float learningRate = _schedule is null ? _learningRate : ScheduledRate(_schedule, Iterations);
        if (_clipValue is float limit)
        {
            backend.ClipByValue(gradients, limit);
        }
        else if (_globalClipNorm is float globalNorm)
        {
            backend.ClipByNorm(gradients, globalNorm);
        }
        else if (_clipNorm is float norm)
        {
            foreach (ParameterInfo parameter in layout.Parameters)
            {
                if (parameter.Trainable)
                {
                    backend.ClipByNorm(new Buf(gradients.Offset + parameter.Offset, parameter.Length), norm);
                }
            }
        }

        if (_weightDecay != 0f)
        {
            // Keras' _apply_weight_decay: variable -= variable * weight_decay * learning_rate, before the update.
            float factor = -(_weightDecay * learningRate);
            if (_decayExclusion is null)
            {
                backend.Axpby(1f, parameters, factor, parameters, parameters, parameters.Length);
            }
            else
            {
                foreach (ParameterInfo tensor in DecayedTensors(layout))
                {
                    var view = new Buf(parameters.Offset + tensor.Offset, tensor.Length);
                    backend.Axpby(1f, view, factor, view, view, view.Length);
                }
            }
        }

        Iterations++;
        Update(backend, parameters, gradients, slots, learningRate, Iterations);
        if (_useEma)
        {
            // Keras' _update_model_variables_moving_average, with iterations still the count before this update.
            Buf average = slots[_emaSlot];
            int before = Iterations - 1;
            if (before == 0)
            {
                backend.Copy(parameters, average);
            }
            else
            {
                backend.Axpby(_emaMomentum, average, 1f - _emaMomentum, parameters, average, parameters.Length);
            }

            if (_emaOverwriteFrequency is int frequency && (before + 1) % frequency == 0)
            {
                backend.Copy(average, parameters);
            }
        }
    }

    /// <summary>
    /// Keras' <c>finalize_variable_values</c>: with <see cref="UseEma"/> and at least one update, the parameters take their
    /// moving average; otherwise nothing changes.
    /// </summary>
    internal void FinalizeVariableValues(IBackend backend, Buf parameters, OptimizerSlots slots)
    {
        if (_useEma && Iterations > 0)
        {
            backend.Copy(slots[_emaSlot], parameters);
        }
    }

    /// <summary>The trainable tensors of <paramref name="layout"/> that weight decay shrinks, found on the first step with it.</summary>
    private ParameterInfo[] DecayedTensors(ModelLayout layout)
    {
        if (_decayedTensors is null || !ReferenceEquals(_decayLayout, layout))
        {
            _decayedTensors = [.. layout.Parameters.Where(p => p.Trainable && !_decayExclusion!.IsMatch(p.Name))];
            _decayLayout = layout;
        }

        return _decayedTensors;
    }

    /// <summary>Sets the state slots to their start (zeros unless the rule says otherwise).</summary>
    /// <param name="backend">The model's back end.</param>
    /// <param name="slots">The model's three state slots, one float per trainable parameter each.</param>
    private protected virtual void ResetState(IBackend backend, OptimizerSlots slots)
    {
        backend.Fill(slots.First, 0f);
        backend.Fill(slots.Second, 0f);
        backend.Fill(slots.Third, 0f);
    }

    /// <summary>One update of the parameters from the (clipped) gradients.</summary>
    /// <param name="backend">The model's back end.</param>
    /// <param name="parameters">The trainable parameters.</param>
    /// <param name="gradients">Their gradients, clipped.</param>
    /// <param name="slots">The model's three state slots.</param>
    /// <param name="learningRate">This step's rate: the constant one or the schedule's at the step count before the update.</param>
    /// <param name="step">The step count after this update, from 1 (Adam's bias correction).</param>
    private protected abstract void Update(IBackend backend, Buf parameters, Buf gradients, OptimizerSlots slots, float learningRate, int step);

    /// <summary>The schedule's rate at <paramref name="step"/>; throws unless it is finite and not negative.</summary>
    private static float ScheduledRate(LearningRateSchedule schedule, int step)
    {
        float rate = schedule.Rate(step);
        if (!(rate >= 0f) || !float.IsFinite(rate))
        {
            throw new InvalidOperationException(
                $"The {schedule.GetType().Name} schedule gives the learning rate {rate} at step {step}; a rate must be finite and not negative.");
        }

        return rate;
    }

    /// <summary>Throws unless <paramref name="schedule"/> is set; returns it.</summary>
    private protected static LearningRateSchedule RequireSchedule(LearningRateSchedule schedule, string name) =>
        schedule ?? throw new ArgumentNullException(name, $"{name} must be a schedule, but it is null.");

    /// <summary>Throws unless <paramref name="value"/> is positive and finite.</summary>
    private protected static float RequirePositive(float value, string name)
    {
        if (!(value > 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite, but it is {value}.");
        }

        return value;
    }

    /// <summary>Throws unless <paramref name="value"/> lies in [0, 1).</summary>
    private protected static float RequireFraction(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1), but it is {value}.");
        }

        return value;
    }

    private float? SetClip(float? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        RequirePositive(value.Value, name);
        string? other = name != nameof(ClipNorm) && _clipNorm is not null ? nameof(ClipNorm)
            : name != nameof(GlobalClipNorm) && _globalClipNorm is not null ? nameof(GlobalClipNorm)
            : name != nameof(ClipValue) && _clipValue is not null ? nameof(ClipValue)
            : null;
        if (other is not null)
        {
            throw new ArgumentException($"{name} cannot be set together with {other}: set at most one of ClipNorm, GlobalClipNorm and ClipValue.", name);
        }

        return value;
    }
}

/// <summary>The model's three optimizer state slots, one float per trainable parameter float each, in <see cref="Optimizer.VariableNames"/>' order.</summary>
/// <param name="First">The first slot (Adam's m, RMSprop's velocity, SGD's momentum, Adagrad's accumulator).</param>
/// <param name="Second">The second slot (Adam's v, RMSprop's momentum).</param>
/// <param name="Third">The third slot (AMSGrad's velocity_hat, centred RMSprop's average_gradient).</param>
internal readonly record struct OptimizerSlots(Buf First, Buf Second, Buf Third)
{
    /// <summary>The slot of 0-based index <paramref name="index"/>.</summary>
    public Buf this[int index] => index switch { 0 => First, 1 => Second, _ => Third };
}
