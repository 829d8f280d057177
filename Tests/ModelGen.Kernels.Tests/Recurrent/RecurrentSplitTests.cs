using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// The step kernels split by rows over two threads give the same bits as one thread at every width, and a warm call of
/// every recurrent operation allocates nothing.
/// </summary>
public sealed class RecurrentSplitTests
{
    /// <summary>A batch that splits unevenly, units with every column step (29 = 16 + 8 + 4 + 1), a masked sample in three.</summary>
    private const int Batch = 37, Units = 29;

    public static TheoryData<int> AllWidths() => Widths.Data();

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void StepKernels_TwoThreads_SameBitsAsOne(int width)
    {
        float[][] one = Run(1, width), two = Run(2, width);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i].Length, two[i].Length);
            for (int k = 0; k < one[i].Length; k++)
            {
                if (BitConverter.SingleToInt32Bits(one[i][k]) != BitConverter.SingleToInt32Bits(two[i][k]))
                {
                    Assert.Fail($"output {i}[{k}]: one thread gave {one[i][k]:R}, two gave {two[i][k]:R}.");
                }
            }
        }
    }

    [Fact]
    public void WarmCalls_AllocateNothing()
    {
        using var arena = new TestArena(threads: 2);
        Views v = Views.Make(arena);
        long bytes = 0;
        Widths.RunSplit(0, () => bytes = TestData.SteadyStateBytes(() => v.All(arena.Backend)));
        Assert.Equal(0, bytes);
    }

    private static float[][] Run(int threads, int width)
    {
        using var arena = new TestArena(threads: threads);
        Views v = Views.Make(arena);
        Widths.RunSplit(width, () => v.All(arena.Backend));
        return [.. v.Outputs.Select(arena.Get)];
    }

    /// <summary>Inputs for every step kernel and the outputs each writes (dh and dc are read and overwritten).</summary>
    private sealed record Views(Buf Xp, Buf Hp, Buf BiasIh, Buf BiasHh, Buf PreviousH, Buf PreviousC, Buf Mask, Buf DSequence,
        Buf Gates, Buf H, Buf C, Buf Dh, Buf Dc, Buf DGates, Buf DRecurrent, Buf Ids, Buf Table, Buf Embedded, Buf TokenMask, Buf Transposed)
    {
        public Buf[] Outputs => [Gates, H, C, Dh, Dc, DGates, DRecurrent, Embedded, TokenMask, Transposed];

        public static Views Make(TestArena arena)
        {
            var random = new Random(42);
            int n = Batch * Units, g = 4 * n;
            Buf Put(int length, float low = -2f, float high = 2f) => arena.Put(TestData.Uniform(random, length, low, high));
            float[] mask = [.. Enumerable.Range(0, Batch).Select(b => b % 3 == 1 ? 0f : 1f)];
            float[] ids = [.. Enumerable.Range(0, Batch * 3).Select(i => (float)(i * 7 % 11))];
            return new Views(Put(g), Put(g), Put(4 * Units), Put(4 * Units), Put(n), Put(n), arena.Put(mask), Put(n),
                arena.Zeros(g), arena.Zeros(n), arena.Zeros(n), Put(n), Put(n), arena.Zeros(g), arena.Zeros(3 * n),
                arena.Put(ids), Put(11 * Units), arena.Zeros(ids.Length * Units), arena.Zeros(ids.Length), arena.Zeros(n));
        }

        /// <summary>Each cell forward then backward (the backward reading what the forward wrote), then the embedding and a transpose.</summary>
        public void All(Cpu.CpuBackend k)
        {
            k.RnnStepForward(Xp.Take(Batch * Units), Hp.Take(Batch * Units), BiasIh.Take(Units), BiasHh.Take(Units), PreviousH, Mask, H, Batch, Units,
                ActivationKind.Tanh);
            k.RnnStepBackward(H, Mask, DSequence, Dh, DGates.Take(Batch * Units), Batch, Units, ActivationKind.Tanh);
            k.LstmStepForward(Xp, Hp, BiasIh, BiasHh, PreviousH, PreviousC, Mask, Gates, H, C, Batch, Units);
            k.LstmStepBackward(Gates, PreviousC, C, Mask, DSequence, Dh, Dc, DGates, Batch, Units);
            k.GruStepForward(Xp, Hp, BiasIh, BiasHh, PreviousH, Mask, Gates, H, Batch, Units);
            k.GruStepBackward(Gates, PreviousH, Mask, DSequence, Dh, DGates.Take(3 * Batch * Units), DRecurrent, Batch, Units);
            k.EmbeddingForward(Ids, Table, Embedded, TokenMask, Batch, 3, 11, Units);
            k.EmbeddingBackward(Ids, Embedded, Table, Batch, 3, 11, Units);
            k.SequenceTranspose(H, Transposed, Batch, 1, Units);
        }
    }
}
