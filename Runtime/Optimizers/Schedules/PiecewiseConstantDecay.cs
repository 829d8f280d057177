using System.Collections.ObjectModel;

namespace ModelGen;

/// <summary>
/// Keras' <c>PiecewiseConstantDecay</c>: a rate constant between boundaries, <c>values[0]</c> while
/// step &lt;= <c>boundaries[0]</c>, <c>values[i]</c> while <c>boundaries[i - 1]</c> &lt; step &lt;= <c>boundaries[i]</c>,
/// and the last value once step &gt; the last boundary. A boundary step still takes the value before it.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly float[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <param name="boundaries">The steps where the rate changes (after them), at least one, strictly increasing.</param>
    /// <param name="values">The rates, one more than <paramref name="boundaries"/>, each finite and not negative.</param>
    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count == 0)
        {
            throw new ArgumentException("boundaries must hold at least one step, but it is empty.", nameof(boundaries));
        }

        if (values.Count != boundaries.Count + 1)
        {
            throw new ArgumentException(
                $"values must hold one more element than boundaries: {boundaries.Count} boundaries need {boundaries.Count + 1} values, but {values.Count} were given.",
                nameof(values));
        }

        _boundaries = [.. boundaries];
        _values = [.. values];
        for (int i = 1; i < _boundaries.Length; i++)
        {
            if (_boundaries[i] <= _boundaries[i - 1])
            {
                throw new ArgumentException(
                    $"boundaries must be strictly increasing, but boundaries[{i}] is {_boundaries[i]}, not above boundaries[{i - 1}], {_boundaries[i - 1]}.",
                    nameof(boundaries));
            }
        }

        for (int i = 0; i < _values.Length; i++)
        {
            RequireRate(_values[i], $"values[{i}]");
        }

        Boundaries = new ReadOnlyCollection<long>(_boundaries);
        Values = new ReadOnlyCollection<float>(_values);
    }

    /// <summary>The steps after which the rate changes.</summary>
    public IReadOnlyList<long> Boundaries { get; }

    /// <summary>The rate of each interval.</summary>
    public IReadOnlyList<float> Values { get; }

    /// <inheritdoc/>
    public override float Rate(long step)
    {
        RequireStep(step);
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }
}
