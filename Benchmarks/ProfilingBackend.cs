using System.Diagnostics;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// Wraps a back end and times every call of a training step by its position in the step (the generated passes
/// make the same calls in the same order every step), so the real step, with its real data and caches, is profiled.
/// </summary>
internal sealed partial class ProfilingBackend(IBackend inner) : IBackend
{
    private readonly List<string> _labels = [];
    private readonly List<List<double>> _times = [];
    private int _position;

    public string Name => inner.Name;

    public int Length => inner.Length;

    /// <summary>Whether calls are being recorded.</summary>
    public bool Recording { get; set; }

    /// <summary>Starts a new step: the next call is position 0 again.</summary>
    public void BeginStep() => _position = 0;

    /// <summary>Per position: the call's label and its median time in microseconds.</summary>
    public IEnumerable<(string Label, double Microseconds)> Medians() =>
        _labels.Select((label, i) => (label, Stats.Of(_times[i]).Median));

    private T Time<T>(string label, Func<T> call)
    {
        if (!Recording)
        {
            return call();
        }

        long start = Stopwatch.GetTimestamp();
        T result = call();
        double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        if (_position == _labels.Count)
        {
            _labels.Add(label);
            _times.Add([]);
        }

        _times[_position++].Add(us);
        return result;
    }

    private void Time(string label, Action call) => Time(label, () =>
    {
        call();
        return 0;
    });

    public void Upload(ReadOnlySpan<float> source, Buf destination)
    {
        float[] copy = source.ToArray();
        Time($"Upload {destination.Length}", () => inner.Upload(copy, destination));
    }

    public void Download(Buf source, Span<float> destination)
    {
        var host = new float[destination.Length];
        Time($"Download {source.Length}", () => inner.Download(source, host));
        host.CopyTo(destination);
    }

    public void Fill(Buf x, float value) => Time($"Fill {x.Length}", () => inner.Fill(x, value));

    public void Copy(Buf source, Buf destination) => Time($"Copy {source.Length}", () => inner.Copy(source, destination));

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Buf a, Buf b, float beta, Buf c) =>
        Time($"Gemm {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {m}x{n}x{k}", () => inner.Gemm(transA, transB, m, n, k, alpha, a, b, beta, c));

    public void BiasActivation(Buf y, Buf bias, int batch, int features, ActivationKind activation) =>
        Time($"BiasActivation {activation} ({batch}, {features})", () => inner.BiasActivation(y, bias, batch, features, activation));

    public void Activation(Buf x, Buf y, int batch, int features, ActivationKind activation) =>
        Time($"Activation {activation} ({batch}, {features})", () => inner.Activation(x, y, batch, features, activation));

    public void ActivationBackward(Buf y, Buf dy, Buf dx, int batch, int features, ActivationKind activation) =>
        Time($"ActivationBackward {activation} ({batch}, {features})", () => inner.ActivationBackward(y, dy, dx, batch, features, activation));

    public void BiasBackward(Buf dy, Buf dBias, int batch, int features) =>
        Time($"BiasBackward ({batch}, {features})", () => inner.BiasBackward(dy, dBias, batch, features));

    public void BatchNormTraining(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, Buf savedMean, Buf savedInvStd, int batch, int features, float momentum, float epsilon) =>
        Time($"BatchNormTraining ({batch}, {features})", () => inner.BatchNormTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, momentum, epsilon));

    public void BatchNormInference(Buf x, Buf y, Buf gamma, Buf beta, Buf runningMean, Buf runningVar, int batch, int features, float epsilon) =>
        Time($"BatchNormInference ({batch}, {features})", () => inner.BatchNormInference(x, y, gamma, beta, runningMean, runningVar, batch, features, epsilon));

    public void BatchNormBackward(Buf x, Buf dy, Buf dx, Buf gamma, Buf dGamma, Buf dBeta, Buf savedMean, Buf savedInvStd, int batch, int features) =>
        Time($"BatchNormBackward ({batch}, {features})", () => inner.BatchNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features));

    public void DropoutForward(Buf x, Buf y, Buf mask, float rate, ulong seed, ulong stream) =>
        Time($"DropoutForward {x.Length}", () => inner.DropoutForward(x, y, mask, rate, seed, stream));

    public void DropoutBackward(Buf dy, Buf mask, Buf dx) => Time($"DropoutBackward {dy.Length}", () => inner.DropoutBackward(dy, mask, dx));

    public void Loss(LossKind kind, bool fromLogits, Buf prediction, Buf target, Buf dPrediction, Buf loss, int batch, int features, float gradScale, Buf weights = default) =>
        Time($"Loss {kind} ({batch}, {features})", () => inner.Loss(kind, fromLogits, prediction, target, dPrediction, loss, batch, features, gradScale, weights));

    public void Metric(MetricKind kind, Buf prediction, Buf target, Buf result, int batch, int features) =>
        Time($"Metric {kind}", () => inner.Metric(kind, prediction, target, result, batch, features));

    public void AllFinite(Buf x, Buf result) => Time($"AllFinite {x.Length}", () => inner.AllFinite(x, result));

    public void ClipByValue(Buf gradients, float limit) => Time("ClipByValue", () => inner.ClipByValue(gradients, limit));

    public void ClipByNorm(Buf gradients, float maxNorm) => Time("ClipByNorm", () => inner.ClipByNorm(gradients, maxNorm));

    public void SgdStep(Buf parameters, Buf gradients, Buf velocity, float learningRate, float momentum, bool nesterov) =>
        Time($"SgdStep {parameters.Length}", () => inner.SgdStep(parameters, gradients, velocity, learningRate, momentum, nesterov));

    public void AdamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step) =>
        Time($"AdamStep {parameters.Length}", () => inner.AdamStep(parameters, gradients, m, v, learningRate, beta1, beta2, epsilon, step));

    public void RmsPropStep(Buf parameters, Buf gradients, Buf meanSquare, float learningRate, float rho, float epsilon) =>
        Time($"RmsPropStep {parameters.Length}", () => inner.RmsPropStep(parameters, gradients, meanSquare, learningRate, rho, epsilon));

    public void AmsGradStep(Buf parameters, Buf gradients, Buf m, Buf v, Buf vHat, float learningRate, float beta1, float beta2, float epsilon, int step) =>
        Time($"AmsGradStep {parameters.Length}", () => inner.AmsGradStep(parameters, gradients, m, v, vHat, learningRate, beta1, beta2, epsilon, step));

    public void RmsPropStep(Buf parameters, Buf gradients, Buf velocity, Buf momentum, Buf averageGradient, float learningRate, float rho, float momentumFactor, float epsilon) =>
        Time($"RmsPropStep {parameters.Length}", () => inner.RmsPropStep(parameters, gradients, velocity, momentum, averageGradient, learningRate, rho, momentumFactor, epsilon));

    public void AdagradStep(Buf parameters, Buf gradients, Buf accumulator, float learningRate, float epsilon) =>
        Time($"AdagradStep {parameters.Length}", () => inner.AdagradStep(parameters, gradients, accumulator, learningRate, epsilon));

    public void Dispose() => inner.Dispose();
}
