namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// The graph and attention operations refuse bad arguments before any kernel runs: on the GPU back end with the
/// parameter named, and with the CPU back end's exception and message.
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class AttentionValidationTests(CpuAcceleratorFixture fixture)
{
    public static TheoryData<string, string> Calls() => new()
    {
        { "negative layer norm rows", "batch" },
        { "short layer norm gamma", "gamma" },
        { "short saved statistics", "savedInvStd" },
        { "short layer norm dx", "dx" },
        { "negative batched gemm count", "count" },
        { "negative batched gemm stride", "strideB" },
        { "short batched gemm operand", "a" },
        { "short batched gemm output", "c" },
        { "short softmax mask", "mask" },
        { "short softmax output", "probabilities" },
        { "short softmax gradient", "dScores" },
        { "gelu view outside the arena", "x" },
        { "short gelu gradient", "dx" },
        { "short axpby b", "b" },
        { "negative axpby count", "count" },
        { "short multiply accumulator", "y" },
        { "short swap output", "y" },
        { "swap in place", "y" },
        { "negative swap axis", "batch" },
        { "short copy destination", "destination" },
        { "copy rows onto their source", "destination" },
        { "negative copy stride", "sourceStride" },
        { "copy runs overlapping in the destination", "destinationStride" },
        { "overlapping batched gemm products", "strideC" },
        { "short mean mask", "mask" },
        { "short mean output", "y" },
        { "short mean gradient", "dx" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void GpuBackendRefusesNamingTheParameter(string call, string parameter)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => Invoke(fixture.Gpu, call));

        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public void GpuBackendRefusesLikeCpuBackend(string call, string parameter)
    {
        _ = parameter;
        Exception cpu = Assert.ThrowsAny<ArgumentException>(() => Invoke(fixture.Cpu, call));
        Exception gpu = Assert.ThrowsAny<ArgumentException>(() => Invoke(fixture.Gpu, call));

        Assert.Equal(cpu.GetType(), gpu.GetType());
        Assert.Equal(cpu.Message, gpu.Message);
    }

    /// <summary>A refused call writes nothing: the output view keeps its contents on the GPU back end.</summary>
    [Fact]
    public void RefusedCallLeavesOutputAlone()
    {
        float[] before = [.. Enumerable.Range(0, 12).Select(i => i + 0.5f)];
        IBackend k = fixture.Gpu;
        k.Upload(before, new Buf(100, 12));
        k.Upload(new float[12], new Buf(0, 12));

        Assert.ThrowsAny<ArgumentException>(() => k.AttentionSoftmax(new Buf(0, 12), new Buf(50, 3), new Buf(100, 12), 2, 1, 2, 3, 1f));
        var after = new float[12];
        k.Download(new Buf(100, 12), after);
        Assert.Equal(before, after);
    }

    /// <summary>With beta = 0, b is not read: an empty view will do.</summary>
    [Fact]
    public void AxpbyWithBetaZeroTakesAnEmptyB()
    {
        IBackend k = fixture.Gpu;
        k.Upload([1f, 2f, 3f], new Buf(0, 3));
        k.Axpby(2f, new Buf(0, 3), 0f, default, new Buf(10, 3), 3);
        var y = new float[3];
        k.Download(new Buf(10, 3), y);

        Assert.Equal([2f, 4f, 6f], y);
    }

    private static void Invoke(IBackend k, string call)
    {
        Buf Free(int offset, int length) => new(offset, length);
        switch (call)
        {
            case "negative layer norm rows": k.LayerNormForward(Free(0, 6), Free(6, 6), Free(12, 3), Free(15, 3), Free(18, 2), Free(20, 2), -1, 3, 1e-3f); break;
            case "short layer norm gamma": k.LayerNormForward(Free(0, 6), Free(6, 6), Free(12, 2), Free(15, 3), Free(18, 2), Free(20, 2), 2, 3, 1e-3f); break;
            case "short saved statistics":
                k.LayerNormBackward(Free(0, 6), Free(6, 6), Free(12, 6), Free(18, 3), Free(21, 3), Free(24, 3), Free(27, 2), Free(29, 1), 2, 3);
                break;
            case "short layer norm dx":
                k.LayerNormBackward(Free(0, 6), Free(6, 6), Free(12, 5), Free(18, 3), Free(21, 3), Free(24, 3), Free(27, 2), Free(29, 2), 2, 3);
                break;
            case "negative batched gemm count": k.BatchedGemm(false, false, -1, 2, 2, 2, 1f, Free(0, 8), 4, Free(8, 8), 4, 0f, Free(16, 8), 4); break;
            case "negative batched gemm stride": k.BatchedGemm(false, false, 2, 2, 2, 2, 1f, Free(0, 8), 4, Free(8, 8), -4, 0f, Free(16, 8), 4); break;
            case "short batched gemm operand": k.BatchedGemm(false, true, 3, 2, 2, 2, 1f, Free(0, 11), 4, Free(12, 12), 4, 0f, Free(24, 12), 4); break;
            case "short batched gemm output": k.BatchedGemm(true, false, 3, 2, 2, 2, 1f, Free(0, 12), 4, Free(12, 4), 0, 0f, Free(24, 13), 5); break;
            case "short softmax mask": k.AttentionSoftmax(Free(0, 12), Free(12, 5), Free(20, 12), 2, 1, 2, 3, 1f); break;
            case "short softmax output": k.AttentionSoftmax(Free(0, 12), default, Free(20, 11), 2, 1, 2, 3, 1f); break;
            case "short softmax gradient": k.AttentionSoftmaxBackward(Free(0, 12), Free(12, 12), Free(24, 11), 4, 3, 1f); break;
            case "gelu view outside the arena": k.Gelu(Free(k.Length - 2, 4), Free(0, 4), 4); break;
            case "short gelu gradient": k.GeluBackward(Free(0, 4), Free(4, 4), Free(8, 3), 4); break;
            case "short axpby b": k.Axpby(1f, Free(0, 4), 0.5f, Free(4, 3), Free(8, 4), 4); break;
            case "negative axpby count": k.Axpby(1f, Free(0, 4), 0.5f, Free(4, 4), Free(8, 4), -1); break;
            case "short multiply accumulator": k.Multiply(Free(0, 4), Free(4, 4), Free(8, 3), 4, true); break;
            case "short swap output": k.SwapAxes(Free(0, 24), Free(24, 23), 1, 2, 3, 4, 1, false); break;
            case "swap in place": k.SwapAxes(Free(0, 24), Free(12, 24), 2, 3, 1, 4, 1, false); break;
            case "negative swap axis": k.SwapAxes(Free(0, 24), Free(24, 24), 2, 3, -1, 4, 1, false); break;
            case "short copy destination": k.CopyRows(Free(0, 6), 2, Free(10, 8), 4, 3, 2, false); break;
            case "copy rows onto their source": k.CopyRows(Free(0, 10), 4, Free(8, 12), 4, 3, 2, false); break;
            case "copy runs overlapping in the destination": k.CopyRows(Free(0, 6), 2, Free(10, 8), 1, 3, 2, false); break;
            case "overlapping batched gemm products": k.BatchedGemm(false, false, 2, 2, 2, 2, 1f, Free(0, 8), 4, Free(8, 8), 4, 0f, Free(16, 8), 3); break;
            case "negative copy stride": k.CopyRows(Free(0, 6), -2, Free(10, 12), 4, 3, 2, false); break;
            case "short mean mask": k.MeanAxis(Free(0, 12), Free(12, 5), Free(20, 4), 2, 3, 2); break;
            case "short mean output": k.MeanAxis(Free(0, 12), default, Free(20, 3), 2, 3, 2); break;
            case "short mean gradient": k.MeanAxisBackward(Free(0, 4), Free(4, 6), Free(10, 11), 2, 3, 2, true); break;
            default: throw new ArgumentOutOfRangeException(nameof(call), call, "Unknown call.");
        }
    }
}
