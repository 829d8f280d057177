namespace ModelGen.Kernels.Gpu.Parity;

/// <summary>
/// What one parity case sees of a back end: a bump allocator of views filled from a seeded generator, so the
/// same case run on two back ends places the same data at the same offsets, and a list of the views to compare.
/// </summary>
public sealed class ParityArena
{
    private readonly Random _random;
    private readonly List<(string Name, Buf View)> _outputs = [];
    private int _next;

    internal ParityArena(IBackend backend, int seed)
    {
        Backend = backend;
        _random = new Random(seed);
    }

    /// <summary>The back end the case runs on.</summary>
    public IBackend Backend { get; }

    internal IReadOnlyList<(string Name, Buf View)> Outputs => _outputs;

    /// <summary>A view of uniform values in [low, high).</summary>
    public Buf Random(int length, float low = -1f, float high = 1f)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = low + ((high - low) * (float)_random.NextDouble());
        }

        return Values(data);
    }

    /// <summary>A view of whole numbers drawn uniformly from [0, count), stored as floats (class indices, 0/1 labels).</summary>
    public Buf Integers(int length, int count)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = _random.Next(count);
        }

        return Values(data);
    }

    /// <summary>A view of (rows, classes) one-hot rows.</summary>
    public Buf OneHot(int rows, int classes)
    {
        var data = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            data[(r * classes) + _random.Next(classes)] = 1f;
        }

        return Values(data);
    }

    /// <summary>A view holding <paramref name="data"/>.</summary>
    public Buf Values(params float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var view = new Buf(_next, data.Length);
        if (view.End > Backend.Length)
        {
            throw new InvalidOperationException($"The parity case needs more than the arena's {Backend.Length} floats.");
        }

        _next = view.End;
        Backend.Upload(data, view);
        return view;
    }

    /// <summary>A view of NaN: an output the operation must overwrite (reading it would leave NaN behind).</summary>
    public Buf Garbage(int length) => Values(Enumerable.Repeat(float.NaN, length).ToArray());

    /// <summary>Marks a view to compare after the case has run.</summary>
    public void Output(string name, Buf view) => _outputs.Add((name, view));
}
