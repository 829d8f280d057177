using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ModelGen.Kernels.Cpu.Gemm;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The CPU SIMD back end: one pinned, zeroed arena of floats, kernels on Vector512/Vector256 and
/// TensorPrimitives, and a GEMM split over a persistent worker pool. This class only validates views and
/// dispatches; the kernels live in the *Cpu classes beside it.
/// </summary>
public sealed unsafe partial class CpuBackend : IBackend
{
    private const int CacheLineFloats = 16;
    private readonly float[] _arena;
    private readonly int _start;
    private readonly int _length;
    private readonly float* _base;
    private readonly GemmCpu _gemm;
    private readonly DropoutCpu.ForwardJob _dropoutForward;
    private readonly DropoutCpu.BackwardJob _dropoutBackward;
    private readonly BatchNormCpu.TrainingJob _batchNormTraining;
    private readonly BatchNormCpu.InferenceJob _batchNormInference;
    private readonly BatchNormCpu.BackwardJob _batchNormBackward;
    private readonly OptimizerCpu.StepJob _optimizerStep;
    private readonly ActivationCpu.BiasActivationJob _biasActivation;
    private readonly ActivationCpu.BackwardJob _activationBackward;
    private readonly DenseCpu.BiasBackwardJob _biasBackward;
    private bool _disposed;

    /// <summary>Creates a back end with an arena of <paramref name="length"/> zeroed floats on <paramref name="threads"/> threads.</summary>
    /// <param name="length">The arena's length in floats.</param>
    /// <param name="threads">Threads for large products (at least 1).</param>
    public CpuBackend(int length, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        // The arena starts on a cache line, so every offset lands on the same place in a line in every process:
        // where a managed array happens to start would otherwise change the kernels' alignment (and their speed)
        // from run to run.
        _arena = GC.AllocateArray<float>(length + CacheLineFloats, pinned: true);
        float* data = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_arena));
        _start = (int)((CacheLineFloats - (nuint)data / sizeof(float) % CacheLineFloats) % CacheLineFloats);
        _length = length;
        _base = data + _start;
        _gemm = new GemmCpu(threads);
        _dropoutForward = new DropoutCpu.ForwardJob(_gemm);
        _dropoutBackward = new DropoutCpu.BackwardJob(_gemm);
        _batchNormTraining = new BatchNormCpu.TrainingJob(_gemm);
        _batchNormInference = new BatchNormCpu.InferenceJob(_gemm);
        _batchNormBackward = new BatchNormCpu.BackwardJob(_gemm);
        _optimizerStep = new OptimizerCpu.StepJob(_gemm);
        _biasActivation = new ActivationCpu.BiasActivationJob(_gemm);
        _activationBackward = new ActivationCpu.BackwardJob(_gemm);
        _biasBackward = new DenseCpu.BiasBackwardJob(_gemm);
        Threads = threads;
        Name = $"CPU, {_gemm.KernelName}, {threads} thread{(threads == 1 ? "" : "s")}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Length => _length;

    /// <summary>The number of threads large products use.</summary>
    public int Threads { get; }

    /// <summary>The whole arena, for tests and diagnostics on the host.</summary>
    internal Span<float> Arena => _arena.AsSpan(_start, _length);

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> source, Buf destination)
    {
        Span<float> d = View(destination, nameof(destination));
        if (source.Length != d.Length)
        {
            throw new ArgumentException($"Upload expects {d.Length} floats for {destination} but got {source.Length}.", nameof(source));
        }

        source.CopyTo(d);
    }

    /// <inheritdoc/>
    public void Download(Buf source, Span<float> destination)
    {
        Span<float> s = View(source, nameof(source));
        if (destination.Length != s.Length)
        {
            throw new ArgumentException($"Download expects room for {s.Length} floats from {source} but got {destination.Length}.", nameof(destination));
        }

        s.CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Fill(Buf x, float value) => View(x, nameof(x)).Fill(value);

    /// <inheritdoc/>
    public void Copy(Buf source, Buf destination)
    {
        Span<float> s = View(source, nameof(source));
        Span<float> d = Sized(destination, s.Length, nameof(destination));
        s.CopyTo(d);
    }

    /// <inheritdoc/>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Buf a, Buf b, float beta, Buf c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        Sized(a, (long)m * k, nameof(a));
        Sized(b, (long)k * n, nameof(b));
        Sized(c, (long)m * n, nameof(c));
        _gemm.Run(transA, transB, m, n, k, alpha, _base + a.Offset, _base + b.Offset, beta, _base + c.Offset);
    }

    /// <inheritdoc/>
    public void BiasActivation(Buf y, Buf bias, int batch, int features, ActivationKind activation)
    {
        long count = Count(batch, features);
        Sized(y, count, nameof(y));
        Sized(bias, features, nameof(bias));
        _biasActivation.Run(_base + y.Offset, _base + bias.Offset, batch, features, activation);
    }

    /// <inheritdoc/>
    public void Activation(Buf x, Buf y, int batch, int features, ActivationKind activation)
    {
        long count = Count(batch, features);
        ActivationCpu.Activation(Sized(x, count, nameof(x)), Sized(y, count, nameof(y)), batch, features, activation);
    }

    /// <inheritdoc/>
    public void ActivationBackward(Buf y, Buf dy, Buf dx, int batch, int features, ActivationKind activation)
    {
        long count = Count(batch, features);
        Sized(y, count, nameof(y));
        Sized(dy, count, nameof(dy));
        Sized(dx, count, nameof(dx));
        _activationBackward.Run(_base + y.Offset, _base + dy.Offset, _base + dx.Offset, batch, features, activation);
    }

    /// <inheritdoc/>
    public void BiasBackward(Buf dy, Buf dBias, int batch, int features)
    {
        long count = Count(batch, features);
        Sized(dy, count, nameof(dy));
        Sized(dBias, features, nameof(dBias));
        _biasBackward.Run(_base + dy.Offset, _base + dBias.Offset, batch, features);
    }

    /// <inheritdoc/>
    public void BatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon)
    {
        CheckBatchNormTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features);
        _batchNormTraining.Run(_base + x.Offset, _base + y.Offset, _base + gamma.Offset, _base + beta.Offset, _base + runningMean.Offset,
            _base + runningVar.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset, batch, features, momentum, epsilon);
    }

    /// <inheritdoc/>
    public void BatchNormInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar,
        int batch, int features, float epsilon)
    {
        long count = Count(batch, features);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Sized(gamma, features, nameof(gamma));
        Sized(beta, features, nameof(beta));
        Sized(runningMean, features, nameof(runningMean));
        Sized(runningVar, features, nameof(runningVar));
        _batchNormInference.Run(_base + x.Offset, _base + y.Offset, _base + gamma.Offset, _base + beta.Offset, _base + runningMean.Offset,
            _base + runningVar.Offset, batch, features, epsilon);
    }

    /// <inheritdoc/>
    public void BatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta,
        Buf savedMean, Buf savedInvStd, int batch, int features)
    {
        CheckBatchNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features);
        _batchNormBackward.Run(_base + x.Offset, _base + dy.Offset, _base + dx.Offset, _base + gamma.Offset, _base + dGamma.Offset,
            _base + dBeta.Offset, _base + savedMean.Offset, _base + savedInvStd.Offset, batch, features);
    }

    /// <inheritdoc/>
    public void DropoutForward(Buf x, Buf y, Buf mask, float rate, ulong seed, ulong stream)
    {
        DropoutRate.Require(rate);

        int n = View(x, nameof(x)).Length;
        Sized(y, n, nameof(y));
        Sized(mask, n, nameof(mask));
        _dropoutForward.Run(_base + x.Offset, _base + y.Offset, _base + mask.Offset, n, rate, seed, stream);
    }

    /// <inheritdoc/>
    public void DropoutBackward(Buf dy, Buf mask, Buf dx)
    {
        int n = View(dy, nameof(dy)).Length;
        Sized(mask, n, nameof(mask));
        Sized(dx, n, nameof(dx));
        _dropoutBackward.Run(_base + dy.Offset, _base + mask.Offset, _base + dx.Offset, n);
    }

    /// <inheritdoc/>
    public void Loss(LossKind kind, bool fromLogits, Buf prediction, Buf target, Buf dPrediction, Buf loss,
        int batch, int features, float gradScale, Buf weights = default)
    {
        long count = Count(batch, features);
        long targets = kind == LossKind.SparseCategoricalCrossEntropy ? batch : count;
        Span<float> gradient = dPrediction.Length == 0 ? default : Sized(dPrediction, count, nameof(dPrediction));
        ReadOnlySpan<float> rowWeights = weights.Length == 0 ? default : Sized(weights, batch, nameof(weights));
        LossCpu.Run(kind, fromLogits, Sized(prediction, count, nameof(prediction)), Sized(target, targets, nameof(target)),
            gradient, Sized(loss, 1, nameof(loss)), batch, features, gradScale, rowWeights);
    }

    /// <inheritdoc/>
    public void Metric(MetricKind kind, Buf prediction, Buf target, Buf result, int batch, int features)
    {
        long count = Count(batch, features);
        long targets = kind == MetricKind.SparseCategoricalAccuracy ? batch : count;
        MetricCpu.Run(kind, Sized(prediction, count, nameof(prediction)), Sized(target, targets, nameof(target)),
            Sized(result, 1, nameof(result)), batch, features);
    }

    /// <inheritdoc/>
    public void AllFinite(Buf x, Buf result)
    {
        Span<float> r = Sized(result, 1, nameof(result));
        r[0] = ClipCpu.AllFinite(View(x, nameof(x))) ? 1f : 0f;
    }

    /// <inheritdoc/>
    public void ClipByValue(Buf gradients, float limit) => ClipCpu.ByValue(View(gradients, nameof(gradients)), limit);

    /// <inheritdoc/>
    public void ClipByNorm(Buf gradients, float maxNorm) => ClipCpu.ByNorm(View(gradients, nameof(gradients)), maxNorm);

    /// <inheritdoc/>
    public void SgdStep(Buf parameters, Buf gradients, Buf velocity, float learningRate, float momentum, bool nesterov)
    {
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        float* v = null;
        if (momentum != 0f)
        {
            Sized(velocity, n, nameof(velocity));
            v = _base + velocity.Offset;
        }

        _optimizerStep.Sgd(_base + parameters.Offset, _base + gradients.Offset, v, n, learningRate, momentum, nesterov);
    }

    /// <inheritdoc/>
    public void AdamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2,
        float epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(m, n, nameof(m));
        Sized(v, n, nameof(v));
        _optimizerStep.Adam(_base + parameters.Offset, _base + gradients.Offset, _base + m.Offset, _base + v.Offset, n,
            OptimizerCpu.AdamAlpha(learningRate, beta1, beta2, step), beta1, beta2, epsilon);
    }

    /// <inheritdoc/>
    public void RmsPropStep(Buf parameters, Buf gradients, Buf meanSquare, float learningRate, float rho, float epsilon)
    {
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(meanSquare, n, nameof(meanSquare));
        _optimizerStep.RmsProp(_base + parameters.Offset, _base + gradients.Offset, _base + meanSquare.Offset, n, learningRate, rho, epsilon);
    }

    /// <inheritdoc/>
    public void AdagradStep(Buf parameters, Buf gradients, Buf accumulator, float learningRate, float epsilon)
    {
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(accumulator, n, nameof(accumulator));
        _optimizerStep.Adagrad(_base + parameters.Offset, _base + gradients.Offset, _base + accumulator.Offset, n, learningRate, epsilon);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _gemm.Dispose();
        }
    }

    /// <summary>Checks the views of a batch-norm training pass (plain or fused with its dropout) over (batch, features).</summary>
    private void CheckBatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, Buf savedMean, Buf savedInvStd,
        int batch, int features)
    {
        long count = Count(batch, features);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Sized(gamma, features, nameof(gamma));
        Sized(beta, features, nameof(beta));
        Sized(runningMean, features, nameof(runningMean));
        Sized(runningVar, features, nameof(runningVar));
        Sized(savedMean, features, nameof(savedMean));
        Sized(savedInvStd, features, nameof(savedInvStd));
    }

    /// <summary>Checks the views of a batch-norm backward pass (plain or fused) over (batch, features).</summary>
    private void CheckBatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd,
        int batch, int features)
    {
        long count = Count(batch, features);
        Sized(x, count, nameof(x));
        Sized(dy, count, nameof(dy));
        Sized(dx, count, nameof(dx));
        Sized(gamma, features, nameof(gamma));
        Sized(dGamma, features, nameof(dGamma));
        Sized(dBeta, features, nameof(dBeta));
        Sized(savedMean, features, nameof(savedMean));
        Sized(savedInvStd, features, nameof(savedInvStd));
    }

    /// <inheritdoc/>
    public bool TryGetHostSpan(Buf view, out Span<float> span)
    {
        span = View(view, nameof(view));
        return true;
    }

    /// <summary>The arena span of a view, checked to lie inside the arena.</summary>
    private Span<float> View(Buf view, string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (view.Offset < 0 || view.Length < 0 || (long)view.Offset + view.Length > _length)
        {
            throw new ArgumentException($"The view {view} does not fit the arena of {_length} floats.", name);
        }

        return new Span<float>(_arena, _start + view.Offset, view.Length);
    }

    /// <summary>The first <paramref name="needed"/> floats of a view that must hold at least that many.</summary>
    private Span<float> Sized(Buf view, long needed, string name)
    {
        Span<float> span = View(view, name);
        if (span.Length < needed)
        {
            throw new ArgumentException($"'{name}' needs {needed} floats but the view {view} has {view.Length}.", name);
        }

        return span[..(int)needed];
    }

    private static long Count(int batch, int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        return (long)batch * features;
    }
}
