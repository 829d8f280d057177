namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>Bad arguments get the CPU back end's exception, parameter and message, before any kernel runs.</summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class ValidationTests(CpuAcceleratorFixture fixture)
{
    public static TheoryData<string> Calls() =>
    [
        "view outside the arena",
        "negative offset",
        "short output",
        "upload length",
        "download length",
        "dropout rate 1",
        "dropout rate NaN",
        "fused batch norm, dropout rate 1",
        "adam step 0",
        "negative batch",
        "negative gemm size",
        "short gemm operand",
        "short sparse targets",
        "unknown activation",
    ];

    [Theory]
    [MemberData(nameof(Calls))]
    public void GpuBackendRefusesLikeCpuBackend(string call)
    {
        Exception cpu = Assert.ThrowsAny<ArgumentException>(() => Invoke(fixture.Cpu, call));
        Exception gpu = Assert.ThrowsAny<ArgumentException>(() => Invoke(fixture.Gpu, call));

        Assert.Equal(cpu.GetType(), gpu.GetType());
        Assert.Equal(cpu.Message, gpu.Message);
    }

    /// <summary>
    /// A refused dropout rate leaves the batch norm's running statistics as they were on either back end (the GPU runs
    /// IBackend's unfused default, the CPU its fused kernel).
    /// </summary>
    [Fact]
    public void FusedBatchNormDropoutRefusesBeforeTheRunningStatisticsMove()
    {
        foreach (IBackend k in new[] { fixture.Cpu, fixture.Gpu })
        {
            k.Upload([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], new Buf(0, 8));
            k.Upload([0.5f, 0.5f, 1f, 1f], new Buf(40, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => FusedBatchNorm(k, 1.5f));
            var running = new float[4];
            k.Download(new Buf(40, 4), running);
            Assert.Equal([0.5f, 0.5f, 1f, 1f], running);
        }
    }

    /// <summary>A (4, 2) batch norm fused with its dropout: x at 0, y at 8, mask at 16, gamma and beta at 32, running statistics at 40, saved at 48.</summary>
    private static void FusedBatchNorm(IBackend k, float rate) =>
        k.BatchNormDropoutTraining(new Buf(0, 8), new Buf(8, 8), new Buf(16, 8), new Buf(32, 2), new Buf(34, 2), new Buf(40, 2), new Buf(42, 2),
            new Buf(48, 2), new Buf(50, 2), 4, 2, 0.99f, 1e-3f, rate, 1, 0);

    [Fact]
    public void InvalidSparseTargetGivesNaNLossAndMetric()
    {
        IBackend k = fixture.Gpu;
        var prediction = new Buf(0, 6);
        var target = new Buf(6, 2);
        var loss = new Buf(8, 1);
        k.Upload([0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f], prediction);
        k.Upload([1f, 3f], target);
        k.Loss(LossKind.SparseCategoricalCrossEntropy, false, prediction, target, default, loss, 2, 3, 0.5f);
        var host = new float[1];
        k.Download(loss, host);
        Assert.True(float.IsNaN(host[0]));

        k.Upload([0f], loss);
        k.Metric(MetricKind.SparseCategoricalAccuracy, prediction, target, loss, 2, 3);
        k.Download(loss, host);
        Assert.True(float.IsNaN(host[0]));

        k.Upload([1f, 2f], target);
        k.Loss(LossKind.SparseCategoricalCrossEntropy, false, prediction, target, default, loss, 2, 3, 0.5f);
        k.Download(loss, host);
        Assert.Equal((-Math.Log(0.3) - Math.Log(0.8)) / 2, host[0], 1e-6);
    }

    [Fact]
    public void DisposedBackendIsRefused()
    {
        IBackend backend = GpuDevice.CpuAccelerator().CreateBackend(4);
        backend.Dispose();
        backend.Dispose();

        Assert.Throws<ObjectDisposedException>(() => backend.Fill(new Buf(0, 4), 1f));
    }

    private static void Invoke(IBackend k, string call)
    {
        int end = k.Length;
        switch (call)
        {
            case "view outside the arena": k.Fill(new Buf(end - 2, 4), 0f); break;
            case "negative offset": k.Copy(new Buf(-1, 2), new Buf(10, 2)); break;
            case "short output": k.Activation(new Buf(0, 12), new Buf(100, 11), 3, 4, ActivationKind.ReLU); break;
            case "upload length": k.Upload(new float[3], new Buf(0, 4)); break;
            case "download length": k.Download(new Buf(0, 4), new float[5]); break;
            case "dropout rate 1": k.DropoutForward(new Buf(0, 4), new Buf(4, 4), new Buf(8, 4), 1f, 1, 0); break;
            case "dropout rate NaN": k.DropoutForward(new Buf(0, 4), new Buf(4, 4), new Buf(8, 4), float.NaN, 1, 0); break;
            case "fused batch norm, dropout rate 1": FusedBatchNorm(k, 1f); break;
            case "adam step 0": k.AdamStep(new Buf(0, 4), new Buf(4, 4), new Buf(8, 4), new Buf(12, 4), 1e-3f, 0.9f, 0.999f, 1e-7f, 0); break;
            case "negative batch": k.BiasBackward(new Buf(0, 4), new Buf(4, 4), -1, 4); break;
            case "negative gemm size": k.Gemm(false, false, 2, -1, 2, 1f, new Buf(0, 4), new Buf(4, 4), 0f, new Buf(8, 4)); break;
            case "short gemm operand": k.Gemm(false, true, 3, 2, 5, 1f, new Buf(0, 14), new Buf(20, 10), 0f, new Buf(40, 6)); break;
            case "short sparse targets": k.Loss(LossKind.SparseCategoricalCrossEntropy, true, new Buf(0, 6), new Buf(6, 1), default, new Buf(7, 1), 2, 3, 1f); break;
            case "unknown activation": k.Activation(new Buf(0, 4), new Buf(4, 4), 1, 4, (ActivationKind)42); break;
            default: throw new ArgumentOutOfRangeException(nameof(call), call, "Unknown call.");
        }
    }
}
