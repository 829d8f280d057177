using ModelGen.Kernels;

namespace ModelGen;

public abstract partial class CompiledModel
{
    // Keeps the initial weights apart from the dropout streams, which use the plain seed.
    private const ulong InitializationSalt = 0x5DEECE66DUL;

    /// <summary>Floats of trainable parameters and non-trainable state together (the weights a file or snapshot holds).</summary>
    public int WeightCount => Layout.TrainableCount + Layout.StateCount;

    /// <summary>The trainable parameters, then the state (BatchNorm running statistics): the arena's first region.</summary>
    internal Buf WeightRegion => new(0, WeightCount);

    /// <summary>The trainable parameters, the region optimizers update.</summary>
    internal Buf TrainableRegion => new(0, Layout.TrainableCount);

    /// <summary>The gradients of the trainable parameters, mirroring <see cref="TrainableRegion"/>.</summary>
    internal Buf GradientRegion => new(Layout.GradientBase, Layout.TrainableCount);

    /// <summary>
    /// Copies every weight (trainable parameters, then non-trainable state, in layout order) into
    /// <paramref name="destination"/>, which must hold exactly <see cref="WeightCount"/> floats.
    /// </summary>
    public void ReadWeights(Span<float> destination)
    {
        RequireWeightLength(destination.Length);
        Backend.Download(WeightRegion, destination);
    }

    /// <summary>
    /// Replaces every weight (trainable parameters, then non-trainable state, in layout order) with
    /// <paramref name="source"/>, which must hold exactly <see cref="WeightCount"/> finite floats.
    /// </summary>
    public void WriteWeights(ReadOnlySpan<float> source)
    {
        RequireWeightLength(source.Length);
        for (int i = 0; i < source.Length; i++)
        {
            if (!float.IsFinite(source[i]))
            {
                throw new ArgumentException($"Weight {i} ({ParameterAt(i)}) of {Layout.Name} is {source[i]}; weights must be finite.", nameof(source));
            }
        }

        Backend.Upload(source, WeightRegion);
    }

    private void RequireWeightLength(int length)
    {
        if (length != WeightCount)
        {
            throw new ArgumentException($"{Layout.Name} has {WeightCount} weights ({Layout.TrainableCount} trainable, {Layout.StateCount} state), but the span holds {length}.");
        }
    }

    private string ParameterAt(int index)
    {
        foreach (ParameterInfo parameter in Layout.Parameters)
        {
            if (index >= parameter.Offset && index < parameter.Offset + parameter.Length)
            {
                return $"{parameter.Name}[{index - parameter.Offset}]";
            }
        }

        return "outside every tensor";
    }

    // Keras' initialisers on the host from the seed, uploaded once: Glorot uniform kernels, zero biases and
    // means, unit gammas and variances. Draws run over the layout in order, so the same seed gives the same weights.
    private void InitializeParameters()
    {
        var weights = new float[WeightCount];
        ulong seed = (ulong)(uint)Seed ^ InitializationSalt;
        ulong counter = 0;
        foreach (ParameterInfo parameter in Layout.Parameters)
        {
            Span<float> values = weights.AsSpan(parameter.Offset, parameter.Length);
            switch (parameter.Init)
            {
                case ParameterInit.Zeros:
                    values.Clear();
                    break;
                case ParameterInit.Ones:
                    values.Fill(1f);
                    break;
                case ParameterInit.GlorotUniform:
                    if (parameter.FanIn + parameter.FanOut <= 0)
                    {
                        throw new InvalidOperationException($"{Layout.Name}: parameter {parameter.Name} is Glorot-initialised but its fan-in ({parameter.FanIn}) and fan-out ({parameter.FanOut}) do not sum to a positive number.");
                    }

                    float limit = MathF.Sqrt(6f / (parameter.FanIn + parameter.FanOut));
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (2f * CounterRandom.Uniform(seed, counter++) - 1f) * limit;
                    }

                    break;
                default:
                    throw new InvalidOperationException($"{Layout.Name}: parameter {parameter.Name} has an unknown initialiser {parameter.Init}.");
            }
        }

        Backend.Upload(weights, WeightRegion);
    }
}
