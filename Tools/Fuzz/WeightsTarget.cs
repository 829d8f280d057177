using ModelGen.Fuzzing;

namespace ModelGen.Tools.Fuzz;

/// <summary>
/// <see cref="CompiledModel.Load"/> of a <see cref="FuzzNet"/>: mutated copies of a file it saved (the suite's
/// <see cref="WeightFileMutator"/>, with shapes up to a million dimensions). A refusal must be an
/// <see cref="InvalidDataException"/> and leave every weight as it was; a load must give weights the model can run
/// with (finite, running variances not negative), else it counts as a crash.
/// </summary>
internal sealed class WeightsTarget : IFuzzTarget, IDisposable
{
    // Beyond the file (its header is read into one buffer) and the model's weights: the parse and the message.
    private const long AllocationSlack = 128 << 10;
    private const int MaxDimensions = 1_000_000;

    private readonly FuzzNet _model = new(batchCapacity: 1, seed: 2);
    private readonly float[] _baseline;
    private readonly float[] _current;
    private readonly WeightFileMutator _mutator;
    private bool _changed;

    public WeightsTarget()
    {
        _baseline = new float[_model.WeightCount];
        _current = new float[_model.WeightCount];
        _model.ReadWeights(_baseline);
        using var source = new FuzzNet(batchCapacity: 1, seed: 1);
        string path = Path.Combine(Path.GetTempPath(), $"modelgen-fuzz-{Guid.NewGuid():N}.safetensors");
        try
        {
            source.Save(path);
            _mutator = new WeightFileMutator(File.ReadAllBytes(path), VarianceRanges(source.Layout), MaxDimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public IReadOnlyCollection<Type> Refusals { get; } = [typeof(InvalidDataException)];

    public string Extension => ".safetensors";

    public (string Kind, byte[] Bytes) NextInput(Random random) => _mutator.Next(random);

    public void Load(string path)
    {
        if (_changed)
        {
            _model.WriteWeights(_baseline);
            _changed = false;
        }

        _changed = true;
        _model.Load(path);
        _model.ReadWeights(_current);
        foreach (ParameterInfo parameter in _model.Layout.Parameters)
        {
            ReadOnlySpan<float> values = _current.AsSpan(parameter.Offset, parameter.Length);
            bool variance = parameter.Name.EndsWith(".running_var", StringComparison.Ordinal);
            foreach (float value in values)
            {
                if (!float.IsFinite(value) || (variance && value < 0))
                {
                    throw new InvalidOperationException($"Loaded {value} into {parameter.Name}: a model cannot run with it.");
                }
            }
        }
    }

    public bool ChangedByRefusal()
    {
        _model.ReadWeights(_current);
        return !_current.AsSpan().SequenceEqual(_baseline);
    }

    public long AllocationLimit(long inputLength) => inputLength + (_model.WeightCount * sizeof(float)) + AllocationSlack;

    public void Dispose() => _model.Dispose();

    // Where the running variances lie in the data of a saved file: tensors in layout order, back to back.
    private static (long Begin, long End)[] VarianceRanges(ModelLayout layout)
    {
        var ranges = new List<(long, long)>();
        long position = 0;
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            long end = position + (parameter.Length * sizeof(float));
            if (parameter.Name.EndsWith(".running_var", StringComparison.Ordinal))
            {
                ranges.Add((position, end));
            }

            position = end;
        }

        return [.. ranges];
    }
}
