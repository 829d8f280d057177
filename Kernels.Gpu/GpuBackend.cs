using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The ILGPU back end: one accelerator and one device allocation (the arena) holding the whole static
/// memory plan, parameters, gradients, optimizer state and activations. Every <see cref="Buf"/> becomes a
/// sub-view of the arena; kernels run asynchronously on the accelerator's default stream, in order, and
/// only <see cref="Download"/> waits for them and brings data back. This class validates views exactly as
/// the CPU back end does and dispatches; the kernels live in the *Gpu classes beside it, one per layer family.
/// </summary>
public sealed partial class GpuBackend : IBackend
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _arena;
    private readonly int _length;
    private readonly ArenaGpu _arenaKernels;
    private readonly GemmGpu _gemm;
    private readonly ActivationGpu _activation;
    private readonly DenseGpu _dense;
    private readonly BatchNormGpu _batchNorm;
    private readonly DropoutGpu _dropout;
    private readonly LossGpu _loss;
    private readonly MetricGpu _metric;
    private readonly ClipGpu _clip;
    private readonly OptimizerGpu _optimizer;
    private bool _disposed;

    /// <summary>Creates a back end on <paramref name="device"/> with an arena of <paramref name="length"/> zeroed floats.</summary>
    /// <exception cref="GpuDeviceNotFoundException">The device is no longer present.</exception>
    public GpuBackend(GpuDevice device, int length)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        (Context context, ILGPU.Runtime.Device ilgpuDevice) = device.Resolve();
        _accelerator = ilgpuDevice.CreateAccelerator(context);
        try
        {
            // ILGPU refuses empty buffers; an empty arena still gets one float that no view can reach.
            _arena = _accelerator.Allocate1D<float>(Math.Max(1, length));
            _arena.MemSetToZero();
            _accelerator.Synchronize();
        }
        catch
        {
            _accelerator.Dispose();
            throw;
        }

        _length = length;
        Device = device;
        _arenaKernels = new ArenaGpu(_accelerator);
        _gemm = new GemmGpu(_accelerator);
        _activation = new ActivationGpu(_accelerator);
        _dense = new DenseGpu(_accelerator);
        _batchNorm = new BatchNormGpu(_accelerator);
        _dropout = new DropoutGpu(_accelerator);
        _loss = new LossGpu(_accelerator);
        _metric = new MetricGpu(_accelerator);
        _clip = new ClipGpu(_accelerator);
        _optimizer = new OptimizerGpu(_accelerator);
    }

    /// <inheritdoc/>
    public string Name => $"{Device.Name} ({(_gemm.Tiled ? $"tiled GEMM {_gemm.Tile}x{_gemm.Tile}" : "direct GEMM")})";

    /// <inheritdoc/>
    public int Length => _length;

    /// <summary>The device this back end runs on.</summary>
    public GpuDevice Device { get; }

    /// <summary>Whether GEMMs use the tiled shared-memory kernel (the default on GPUs) rather than the direct one (the default on the CPU accelerator).</summary>
    internal bool TiledGemm
    {
        get => _gemm.Tiled;
        set => _gemm.Tiled = value;
    }

    /// <summary>Waits for every queued kernel (timings; <see cref="Download"/> waits by itself).</summary>
    public void Synchronize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _accelerator.Synchronize();
    }

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> source, Buf destination)
    {
        ArrayView<float> d = View(destination, nameof(destination));
        if (source.Length != d.Length)
        {
            throw new ArgumentException($"Upload expects {d.Length} floats for {destination} but got {source.Length}.", nameof(source));
        }

        // Queued kernels finish first: ILGPU's CPU accelerator copies at once on the calling thread (its buffers' copies
        // are a plain memory move, not a stream operation), so the copy must not overtake a kernel still reading the view.
        _accelerator.Synchronize();
        if (source.Length > 0)
        {
            // Pinned for the copy: ILGPU turns the reference into a raw pointer, and a collection that moved an unpinned
            // array mid-copy made uploads read stale memory and downloads write elsewhere (the suite's old flaky failures).
            unsafe
            {
                fixed (float* pinned = source)
                {
                    d.CopyFromCPU(ref *pinned, source.Length);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Download(Buf source, Span<float> destination)
    {
        ArrayView<float> s = View(source, nameof(source));
        if (destination.Length != s.Length)
        {
            throw new ArgumentException($"Download expects room for {s.Length} floats from {source} but got {destination.Length}.", nameof(destination));
        }

        _accelerator.Synchronize();
        if (destination.Length > 0)
        {
            unsafe
            {
                fixed (float* pinned = destination)
                {
                    s.CopyToCPU(ref *pinned, destination.Length);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Fill(Buf x, float value) => _arenaKernels.Fill(View(x, nameof(x)), value);

    /// <inheritdoc/>
    public void Copy(Buf source, Buf destination)
    {
        ArrayView<float> s = View(source, nameof(source));
        _arenaKernels.Copy(s, Sized(destination, s.Length, nameof(destination)));
    }

    /// <inheritdoc/>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Buf a, Buf b, float beta, Buf c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArrayView<float> av = Sized(a, (long)m * k, nameof(a));
        ArrayView<float> bv = Sized(b, (long)k * n, nameof(b));
        ArrayView<float> cv = Sized(c, (long)m * n, nameof(c));
        _gemm.Run(transA, transB, m, n, k, alpha, av, bv, beta, cv);
    }

    /// <inheritdoc/>
    public void BiasActivation(Buf y, Buf bias, int batch, int features, ActivationKind activation)
    {
        long count = Count(batch, features);
        _activation.BiasActivation(Sized(y, count, nameof(y)), Sized(bias, features, nameof(bias)), batch, features, CheckKind(activation));
    }

    /// <inheritdoc/>
    public void Activation(Buf x, Buf y, int batch, int features, ActivationKind activation)
    {
        long count = Count(batch, features);
        _activation.Forward(Sized(x, count, nameof(x)), Sized(y, count, nameof(y)), batch, features, CheckKind(activation));
    }

    /// <inheritdoc/>
    public void ActivationBackward(Buf y, Buf dy, Buf dx, int batch, int features, ActivationKind activation)
    {
        long count = Count(batch, features);
        _activation.Backward(Sized(y, count, nameof(y)), Sized(dy, count, nameof(dy)), Sized(dx, count, nameof(dx)), batch, features, CheckKind(activation));
    }

    /// <inheritdoc/>
    public void BiasBackward(Buf dy, Buf dBias, int batch, int features)
    {
        long count = Count(batch, features);
        _dense.BiasBackward(Sized(dy, count, nameof(dy)), Sized(dBias, features, nameof(dBias)), batch, features);
    }

    /// <inheritdoc/>
    public void BatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon)
    {
        long count = Count(batch, features);
        var args = new BatchNormArgs(Sized(gamma, features, nameof(gamma)), Sized(beta, features, nameof(beta)),
            Sized(runningMean, features, nameof(runningMean)), Sized(runningVar, features, nameof(runningVar)),
            Sized(savedMean, features, nameof(savedMean)), Sized(savedInvStd, features, nameof(savedInvStd)), batch, features, momentum, epsilon);
        _batchNorm.Training(Sized(x, count, nameof(x)), Sized(y, count, nameof(y)), args);
    }

    /// <inheritdoc/>
    public void BatchNormInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int features, float epsilon)
    {
        long count = Count(batch, features);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        ArrayView<float> gammaView = Sized(gamma, features, nameof(gamma));
        var args = new BatchNormArgs(gammaView, Sized(beta, features, nameof(beta)),
            Sized(runningMean, features, nameof(runningMean)), Sized(runningVar, features, nameof(runningVar)),
            gammaView, gammaView, batch, features, 0f, epsilon);
        _batchNorm.Inference(xv, yv, args);
    }

    /// <inheritdoc/>
    public void BatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int features)
    {
        long count = Count(batch, features);
        ArrayView<float> xv = Sized(x, count, nameof(x)), dyv = Sized(dy, count, nameof(dy)), dxv = Sized(dx, count, nameof(dx));
        ArrayView<float> gammaView = Sized(gamma, features, nameof(gamma));
        ArrayView<float> dGammaView = Sized(dGamma, features, nameof(dGamma)), dBetaView = Sized(dBeta, features, nameof(dBeta));
        var args = new BatchNormArgs(gammaView, gammaView, gammaView, gammaView,
            Sized(savedMean, features, nameof(savedMean)), Sized(savedInvStd, features, nameof(savedInvStd)), batch, features, 0f, 0f);
        _batchNorm.Backward(xv, dyv, dxv, dGammaView, dBetaView, args);
    }

    /// <inheritdoc/>
    public void DropoutForward(Buf x, Buf y, Buf mask, float rate, ulong seed, ulong stream)
    {
        DropoutRate.Require(rate);

        ArrayView<float> xs = View(x, nameof(x));
        _dropout.Forward(xs, Sized(y, xs.Length, nameof(y)), Sized(mask, xs.Length, nameof(mask)), rate, seed, stream);
    }

    /// <inheritdoc/>
    public void DropoutBackward(Buf dy, Buf mask, Buf dx)
    {
        ArrayView<float> dys = View(dy, nameof(dy));
        _dropout.Backward(dys, Sized(mask, dys.Length, nameof(mask)), Sized(dx, dys.Length, nameof(dx)));
    }

    /// <inheritdoc/>
    /// <remarks>A sparse target that is not a class index gives a NaN loss here (a kernel cannot throw); the CPU back end throws.</remarks>
    public void Loss(LossKind kind, bool fromLogits, Buf prediction, Buf target, Buf dPrediction, Buf loss,
        int batch, int features, float gradScale, Buf weights = default)
    {
        long count = Count(batch, features);
        long targets = kind == LossKind.SparseCategoricalCrossEntropy ? batch : count;
        if (kind is < LossKind.MeanSquaredError or > LossKind.Hinge)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss.");
        }

        ArrayView<float> p = Sized(prediction, count, nameof(prediction));
        ArrayView<float> t = Sized(target, targets, nameof(target));
        bool withGradient = dPrediction.Length != 0;
        ArrayView<float> gradient = withGradient ? Sized(dPrediction, count, nameof(dPrediction)) : p;
        bool weighted = weights.Length != 0;
        ArrayView<float> rowWeights = weighted ? Sized(weights, batch, nameof(weights)) : p;
        _loss.Run(p, t, gradient, Sized(loss, 1, nameof(loss)), rowWeights,
            new LossArgs((int)kind, fromLogits ? 1 : 0, withGradient ? 1 : 0, batch, features, gradScale, weighted ? 1 : 0));
    }

    /// <inheritdoc/>
    /// <remarks>A sparse target that is not a class index makes the result NaN here (a kernel cannot throw); the CPU back end throws.</remarks>
    public void Metric(MetricKind kind, Buf prediction, Buf target, Buf result, int batch, int features)
    {
        long count = Count(batch, features);
        long targets = kind == MetricKind.SparseCategoricalAccuracy ? batch : count;
        if (kind is < MetricKind.BinaryAccuracy or > MetricKind.MeanAbsoluteError)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown metric.");
        }

        _metric.Run(kind, Sized(prediction, count, nameof(prediction)), Sized(target, targets, nameof(target)),
            Sized(result, 1, nameof(result)), batch, features);
    }

    /// <inheritdoc/>
    public void AllFinite(Buf x, Buf result)
    {
        ArrayView<float> r = Sized(result, 1, nameof(result));
        _clip.AllFinite(View(x, nameof(x)), r);
    }

    /// <inheritdoc/>
    public void ClipByValue(Buf gradients, float limit) => _clip.ByValue(View(gradients, nameof(gradients)), limit);

    /// <inheritdoc/>
    public void ClipByNorm(Buf gradients, float maxNorm) => _clip.ByNorm(View(gradients, nameof(gradients)), maxNorm);

    /// <inheritdoc/>
    public void SgdStep(Buf parameters, Buf gradients, Buf velocity, float learningRate, float momentum, bool nesterov)
    {
        ArrayView<float> p = View(parameters, nameof(parameters));
        ArrayView<float> v = momentum == 0f ? p : Sized(velocity, p.Length, nameof(velocity));
        _optimizer.Sgd(p, Sized(gradients, p.Length, nameof(gradients)), v, learningRate, momentum, nesterov);
    }

    /// <inheritdoc/>
    public void AdamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2,
        float epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArrayView<float> p = View(parameters, nameof(parameters));
        _optimizer.Adam(p, Sized(gradients, p.Length, nameof(gradients)), Sized(m, p.Length, nameof(m)), Sized(v, p.Length, nameof(v)),
            learningRate, beta1, beta2, epsilon, step);
    }

    /// <inheritdoc/>
    public void RmsPropStep(Buf parameters, Buf gradients, Buf meanSquare, float learningRate, float rho, float epsilon)
    {
        ArrayView<float> p = View(parameters, nameof(parameters));
        _optimizer.RmsProp(p, Sized(gradients, p.Length, nameof(gradients)), Sized(meanSquare, p.Length, nameof(meanSquare)),
            learningRate, rho, epsilon);
    }

    /// <inheritdoc/>
    public void AdagradStep(Buf parameters, Buf gradients, Buf accumulator, float learningRate, float epsilon)
    {
        ArrayView<float> p = View(parameters, nameof(parameters));
        _optimizer.Adagrad(p, Sized(gradients, p.Length, nameof(gradients)), Sized(accumulator, p.Length, nameof(accumulator)),
            learningRate, epsilon);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _accelerator.Synchronize();
            _arena.Dispose();
            _accelerator.Dispose();
        }
    }

    /// <summary>The arena sub-view of a view, checked to lie inside the arena.</summary>
    private ArrayView<float> View(Buf view, string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (view.Offset < 0 || view.Length < 0 || (long)view.Offset + view.Length > _length)
        {
            throw new ArgumentException($"The view {view} does not fit the arena of {_length} floats.", name);
        }

        return _arena.View.SubView(view.Offset, view.Length);
    }

    /// <summary>The first <paramref name="needed"/> floats of a view that must hold at least that many.</summary>
    private ArrayView<float> Sized(Buf view, long needed, string name)
    {
        ArrayView<float> whole = View(view, name);
        if (whole.Length < needed)
        {
            throw new ArgumentException($"'{name}' needs {needed} floats but the view {view} has {view.Length}.", name);
        }

        return whole.SubView(0, needed);
    }

    private static long Count(int batch, int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        return (long)batch * features;
    }

    private static ActivationKind CheckKind(ActivationKind kind) =>
        kind is >= ActivationKind.Linear and <= ActivationKind.Softmax ? kind : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
}
