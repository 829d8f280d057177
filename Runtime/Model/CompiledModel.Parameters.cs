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
                case ParameterInit.RandomUniform:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (2f * CounterRandom.Uniform(seed, counter++) - 1f) * 0.05f;
                    }

                    break;
                case ParameterInit.ForgetGateOnes:
                    values.Clear();
                    values.Slice(parameter.FanIn, parameter.FanIn).Fill(1f);
                    break;
                case ParameterInit.Orthogonal:
                    Orthogonalize(parameter, values, seed, ref counter);
                    break;
                default:
                    throw new InvalidOperationException($"{Layout.Name}: parameter {parameter.Name} has an unknown initialiser {parameter.Init}.");
            }
        }

        Backend.Upload(weights, WeightRegion);
    }

    // Keras' Orthogonal on the (rows, columns) = (gates * units, units) PyTorch layout, rows >= columns: a standard
    // normal matrix (Box-Muller over the counter stream) whose columns are orthonormalised in double by modified
    // Gram-Schmidt, which is its QR factor Q with diag(R) > 0, the sign fix Keras applies.
    private void Orthogonalize(ParameterInfo parameter, Span<float> values, ulong seed, ref ulong counter)
    {
        if (parameter.Shape.Length != 2 || parameter.Shape[0] < parameter.Shape[1])
        {
            throw new InvalidOperationException($"{Layout.Name}: parameter {parameter.Name} {parameter.ShapeText} is orthogonally initialised but is not a matrix with at least as many rows as columns.");
        }

        int rows = parameter.Shape[0], columns = parameter.Shape[1];
        var q = new double[rows * columns];
        for (int i = 0; i < q.Length; i += 2)
        {
            double u1 = 1.0 - CounterRandom.Uniform(seed, counter++);
            double u2 = CounterRandom.Uniform(seed, counter++);
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            q[i] = radius * Math.Cos(2.0 * Math.PI * u2);
            if (i + 1 < q.Length)
            {
                q[i + 1] = radius * Math.Sin(2.0 * Math.PI * u2);
            }
        }

        for (int j = 0; j < columns; j++)
        {
            for (int previous = 0; previous < j; previous++)
            {
                double dot = 0;
                for (int r = 0; r < rows; r++)
                {
                    dot += q[(r * columns) + j] * q[(r * columns) + previous];
                }

                for (int r = 0; r < rows; r++)
                {
                    q[(r * columns) + j] -= dot * q[(r * columns) + previous];
                }
            }

            double norm = 0;
            for (int r = 0; r < rows; r++)
            {
                norm += q[(r * columns) + j] * q[(r * columns) + j];
            }

            norm = Math.Sqrt(norm);
            for (int r = 0; r < rows; r++)
            {
                q[(r * columns) + j] /= norm;
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)q[i];
        }
    }
}
