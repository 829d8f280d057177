namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// The recurrent operations refuse bad arguments with the CPU back end's exception, parameter and message, and the
/// embedding refuses a bad token id before it writes anything, on both back ends.
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class RecurrentValidationTests(CpuAcceleratorFixture fixture)
{
    // Embedding views for (B2, T3, V4, W2): ids at 0, table at 8, y at 16, mask at 28, dy at 40, dTable at 60.
    private const int Batch = 2, Steps = 3, Vocabulary = 4, Width = 2;
    private static readonly Buf Ids = new(0, 6), Table = new(8, 8), Y = new(16, 12), Mask = new(28, 6), Dy = new(40, 12), DTable = new(60, 8);

    public static TheoryData<string> Calls() =>
    [
        "id equal to the vocabulary",
        "negative id",
        "fractional id",
        "NaN id",
        "bad id in the backward pass",
        "short embedding mask",
        "SimpleRNN with Sigmoid",
        "short step mask",
        "short dSequence",
        "short LSTM gates",
        "short GRU recurrent gradient",
        "transpose in place",
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

    [Fact]
    public void BadIdNamesSampleAndPosition()
    {
        foreach (IBackend k in new[] { fixture.Cpu, fixture.Gpu })
        {
            ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => Invoke(k, "id equal to the vocabulary"));

            Assert.Contains("sample 1", error.Message, StringComparison.Ordinal);
            Assert.Contains("position 2", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A refused id leaves y, the mask and dTable as they were; on the GPU the id comes from a kernel still queued.</summary>
    [Fact]
    public void BadIdIsRefusedBeforeAnythingIsWritten()
    {
        float[] before = [.. Enumerable.Range(0, 12).Select(i => i + 0.5f)];
        foreach (IBackend k in new[] { fixture.Cpu, fixture.Gpu })
        {
            Prepare(k, [1f, 2f, 3f, 0f, 1f, 2f]);
            k.Upload(before, Y);
            k.Upload(before.AsSpan(0, 6), Mask);
            k.Upload(before.AsSpan(0, 8), DTable);
            k.Fill(Ids.Slice(5, 1), Vocabulary);

            Assert.ThrowsAny<ArgumentException>(() => k.EmbeddingForward(Ids, Table, Y, Mask, Batch, Steps, Vocabulary, Width));
            Assert.ThrowsAny<ArgumentException>(() => k.EmbeddingBackward(Ids, Dy, DTable, Batch, Steps, Vocabulary, Width));
            Assert.Equal(before, Read(k, Y));
            Assert.Equal(before[..6], Read(k, Mask));
            Assert.Equal(before[..8], Read(k, DTable));
        }
    }

    private static float[] Read(IBackend k, Buf view)
    {
        var host = new float[view.Length];
        k.Download(view, host);
        return host;
    }

    /// <summary>Uploads the ids and fills the other embedding views.</summary>
    private static void Prepare(IBackend k, float[] ids)
    {
        k.Upload(ids, Ids);
        k.Fill(Table, 0.25f);
        k.Fill(Dy, 1f);
    }

    private static void Invoke(IBackend k, string call)
    {
        switch (call)
        {
            case "id equal to the vocabulary": Embed(k, [1f, 2f, 3f, 0f, 1f, 4f]); break;
            case "negative id": Embed(k, [1f, -1f, 3f, 0f, 1f, 2f]); break;
            case "fractional id": Embed(k, [1f, 2f, 3f, 0.5f, 1f, 2f]); break;
            case "NaN id": Embed(k, [1f, 2f, float.NaN, 0f, 1f, 2f]); break;
            case "bad id in the backward pass":
                Prepare(k, [1f, 2f, 3f, 0f, 7f, 2f]);
                k.EmbeddingBackward(Ids, Dy, DTable, Batch, Steps, Vocabulary, Width);
                break;
            case "short embedding mask":
                Prepare(k, [1f, 2f, 3f, 0f, 1f, 2f]);
                k.EmbeddingForward(Ids, Table, Y, Mask.Take(5), Batch, Steps, Vocabulary, Width);
                break;
            case "SimpleRNN with Sigmoid":
                k.RnnStepForward(new Buf(0, 6), new Buf(6, 6), new Buf(12, 3), new Buf(15, 3), new Buf(18, 6), default, new Buf(24, 6), 2, 3, ActivationKind.Sigmoid);
                break;
            case "short step mask":
                k.RnnStepForward(new Buf(0, 6), new Buf(6, 6), new Buf(12, 3), new Buf(15, 3), new Buf(18, 6), new Buf(30, 1), new Buf(24, 6), 2, 3, ActivationKind.Tanh);
                break;
            case "short dSequence": k.RnnStepBackward(new Buf(0, 6), default, new Buf(6, 5), new Buf(12, 6), new Buf(18, 6), 2, 3, ActivationKind.Tanh); break;
            case "short LSTM gates":
                k.LstmStepBackward(new Buf(0, 23), new Buf(24, 6), new Buf(30, 6), default, default, new Buf(36, 6), new Buf(42, 6), new Buf(48, 24), 2, 3);
                break;
            case "short GRU recurrent gradient":
                k.GruStepBackward(new Buf(0, 24), new Buf(24, 6), new Buf(30, 2), default, new Buf(32, 6), new Buf(38, 18), new Buf(56, 17), 2, 3);
                break;
            case "transpose in place": k.SequenceTranspose(new Buf(0, 12), new Buf(6, 12), 3, 2, 2); break;
            default: throw new ArgumentOutOfRangeException(nameof(call), call, "Unknown call.");
        }
    }

    private static void Embed(IBackend k, float[] ids)
    {
        Prepare(k, ids);
        k.EmbeddingForward(Ids, Table, Y, Mask, Batch, Steps, Vocabulary, Width);
    }
}
