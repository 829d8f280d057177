using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// The base of every generated model. The generator emits the layout (<see cref="ModelLayout"/>) and the
/// straight-line <see cref="Forward"/>, <see cref="ComputeLoss"/> and <see cref="Backward"/> passes; this
/// class owns the back end and its arena and provides training, evaluation, prediction and weight files.
/// </summary>
public abstract partial class CompiledModel : IDisposable
{
    private ulong _randomStream;
    private IBackend? _backend;

    /// <summary>Creates the model: allocates the arena on <paramref name="device"/> and initialises the parameters from <paramref name="seed"/>.</summary>
    /// <param name="layout">The generated layout.</param>
    /// <param name="batchCapacity">The largest batch the model will run; the arena is sized for it.</param>
    /// <param name="seed">Seeds weight initialisation, dropout and shuffling.</param>
    /// <param name="device">Where to run; the CPU SIMD back end when null.</param>
    protected CompiledModel(ModelLayout layout, int batchCapacity, int seed, Device? device)
        : this(layout, batchCapacity, seed, device, initialize: true)
    {
    }

    /// <summary>
    /// Creates the model; with <paramref name="initialize"/> false the parameters are left at zero, for a caller that
    /// loads every weight at once (the generated <c>FromWeights</c>).
    /// </summary>
    /// <param name="layout">The generated layout.</param>
    /// <param name="batchCapacity">The largest batch the model will run; the arena is sized for it.</param>
    /// <param name="seed">Seeds weight initialisation, dropout and shuffling.</param>
    /// <param name="device">Where to run; the CPU SIMD back end when null.</param>
    /// <param name="initialize">Whether to draw the initial weights.</param>
    protected CompiledModel(ModelLayout layout, int batchCapacity, int seed, Device? device, bool initialize)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (batchCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchCapacity), batchCapacity, $"The batch capacity of {layout.Name} must be at least 1, but it is {batchCapacity}.");
        }

        long length = layout.ArenaLength(batchCapacity);
        if (length > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batchCapacity), batchCapacity, $"{layout.Name} with batch capacity {batchCapacity} needs {length} floats, more than one arena holds ({int.MaxValue}).");
        }

        Layout = layout;
        BatchCapacity = batchCapacity;
        Seed = seed;
        Device = device ?? Device.Cpu();
        _backend = Device.CreateBackend((int)length);
        if (initialize)
        {
            InitializeParameters();
        }
    }

    /// <summary>The generated layout: shapes, parameters and memory plan.</summary>
    public ModelLayout Layout { get; }

    /// <summary>The largest batch the model runs.</summary>
    public int BatchCapacity { get; }

    /// <summary>The seed given at creation.</summary>
    public int Seed { get; }

    /// <summary>The device the model runs on.</summary>
    public Device Device { get; }

    /// <summary>The Keras-style summary table (layers, output shapes, parameter counts), computed at compile time.</summary>
    public string Summary => Layout.Summary;

    /// <summary>The back end the generated passes call; once the model is disposed, an <see cref="ObjectDisposedException"/> naming the model.</summary>
    protected IBackend Backend => _backend ?? throw Disposed();

    /// <summary>An activation buffer of the static plan: <paramref name="width"/> floats per sample for <paramref name="batch"/> rows.</summary>
    protected Buf Act(int perSampleOffset, int width, int batch) =>
        new(Layout.ActivationBase + perSampleOffset * BatchCapacity, width * batch);

    /// <summary>
    /// Step <paramref name="step"/> of a time-major view (steps of <paramref name="batch"/> rows of <paramref name="width"/>
    /// floats each): the contiguous (B, width) rows of that step, as the recurrent layers' loops address them.
    /// </summary>
    protected static Buf Step(Buf steps, int step, int batch, int width) => steps.Slice(step * batch * width, batch * width);

    /// <summary>A fixed region of the arena (a parameter, its gradient, or scratch).</summary>
    protected static Buf Fixed(int offset, int length) => new(offset, length);

    /// <summary>The seed of the dropout mask streams.</summary>
    protected ulong RandomSeed => (ulong)(uint)Seed;

    /// <summary>Reserves <paramref name="count"/> draws of the model's random stream and returns the first counter.</summary>
    protected ulong NextRandomStream(int count)
    {
        if (_shard is { } shard)
        {
            return ShardedStream(count, shard);
        }

        ulong start = _randomStream;
        _randomStream += (ulong)count;
        return start;
    }

    /// <summary>Runs the network on the first <paramref name="batch"/> rows of the input buffer into the output buffer.</summary>
    protected abstract void Forward(int batch, bool training);

    /// <summary>
    /// The step of a graph model's Forward after which it returns at once (-1, the default: none), set while
    /// <see cref="PredictTensor(string, IReadOnlyList{float[]})"/> reads an intermediate tensor; generated graph models
    /// test it after every step that <see cref="ModelLayout.Tensors"/> names.
    /// </summary>
    protected int StopAfterNode { get; private set; } = -1;

    /// <summary>
    /// Writes the batch's mean loss to the loss slot and, with <paramref name="withGradient"/>, the loss gradient
    /// (times <paramref name="gradScale"/>) with respect to the last layer's output or logits. With
    /// <paramref name="weighted"/>, each row's loss and gradient are scaled by its weight in the sample-weight slot
    /// (<see cref="ModelLayout.SampleWeightSlot"/>), Keras' sum_over_batch_size: sum(w l) / batch.
    /// </summary>
    protected abstract void ComputeLoss(int batch, float gradScale, bool withGradient, bool weighted = false);

    /// <summary>Back-propagates the loss gradient, accumulating every trainable parameter's gradient.</summary>
    protected abstract void Backward(int batch);

    /// <summary>Releases the back end and its arena; any later use but the layout's properties throws <see cref="ObjectDisposedException"/>. Disposing twice does nothing.</summary>
    public void Dispose()
    {
        IBackend? backend = _backend;
        _backend = null;
        backend?.Dispose();
        GC.SuppressFinalize(this);
    }

    // Names the model (its class), not the back end the user never chose by name.
    private ObjectDisposedException Disposed() =>
        new(Layout.Name, $"This {Layout.Name} has been disposed: its weights and buffers are released. Create a new {Layout.Name} to train, predict, save or load.");
}
