using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Updates a model's trainable parameters from their gradients, with Keras' update rules and defaults. The
/// state (momentum, moments, accumulators) lives in the model's two optimizer slots, so an optimizer holds only
/// hyperparameters and its step count. At most one of <see cref="ClipNorm"/>, <see cref="GlobalClipNorm"/> and
/// <see cref="ClipValue"/> may be set.
/// </summary>
public abstract class Optimizer
{
    private float _learningRate;
    private float? _clipNorm;
    private float? _globalClipNorm;
    private float? _clipValue;

    /// <summary>Sets the learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>The step size; positive and finite. May be changed between epochs (a schedule).</summary>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = RequirePositive(value, nameof(LearningRate));
    }

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

    /// <summary>Updates applied so far (Keras' <c>iterations</c>); Adam's bias correction uses it.</summary>
    public int Iterations { get; private set; }

    /// <summary>Whether training with this optimizer takes one step per epoch over the whole training set.</summary>
    internal virtual bool FullBatch => false;

    /// <summary>Sets the optimizer state in the model's slots to its start and the step count to zero.</summary>
    internal void Reset(IBackend backend, Buf slot1, Buf slot2)
    {
        Iterations = 0;
        ResetState(backend, slot1, slot2);
    }

    /// <summary>Clips the gradients as configured, then updates the parameters.</summary>
    internal void Apply(IBackend backend, ModelLayout layout, Buf parameters, Buf gradients, Buf slot1, Buf slot2)
    {
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

        Iterations++;
        Update(backend, parameters, gradients, slot1, slot2, Iterations);
    }

    /// <summary>Sets the state slots to their start (zeros unless the rule says otherwise).</summary>
    /// <param name="backend">The model's back end.</param>
    /// <param name="slot1">The first state slot, one float per trainable parameter.</param>
    /// <param name="slot2">The second state slot, one float per trainable parameter.</param>
    private protected virtual void ResetState(IBackend backend, Buf slot1, Buf slot2)
    {
        backend.Fill(slot1, 0f);
        backend.Fill(slot2, 0f);
    }

    /// <summary>One update of the parameters from the (clipped) gradients.</summary>
    private protected abstract void Update(IBackend backend, Buf parameters, Buf gradients, Buf slot1, Buf slot2, int step);

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
