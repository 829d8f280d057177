using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>AttentionSoftmax and its backward pass against the reference at every width: masks, fully masked rows, in place.</summary>
public sealed class AttentionSoftmaxTests
{
    public static IEnumerable<object[]> Shapes() => Widths.Times(new[]
    {
        new object[] { 1, 1, 1, 1 }, new object[] { 2, 3, 4, 7 }, new object[] { 2, 2, 3, 15 }, new object[] { 1, 2, 5, 17 },
        new object[] { 2, 1, 3, 33 }, new object[] { 2, 4, 8, 64 }, new object[] { 1, 1, 2, 101 }, new object[] { 0, 2, 2, 3 },
    });

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_MatchesReference_WithAndWithoutMask(int batch, int heads, int queries, int keys, int width)
    {
        var random = new Random(42);
        float[] s = TestData.Uniform(random, batch * heads * queries * keys, -8f, 8f);
        float[] mask = Mask(random, batch, keys);
        using var arena = new TestArena();
        Buf vs = arena.Put(s), vm = arena.Put(mask), none = arena.Zeros(0), p = arena.Zeros(s.Length), pm = arena.Zeros(s.Length);

        Widths.Run(width, () =>
        {
            arena.Backend.AttentionSoftmax(vs, none, p, batch, heads, queries, keys, 0.3f);
            arena.Backend.AttentionSoftmax(vs, vm, pm, batch, heads, queries, keys, 0.3f);
        });

        double[] ds = TestData.ToDouble(s);
        TestData.Close(AttentionReference.Softmax(ds, null, batch, heads, queries, keys, 0.3f), arena.Get(p), Tolerance.Elementwise, "p");
        TestData.Close(AttentionReference.Softmax(ds, TestData.ToDouble(mask), batch, heads, queries, keys, 0.3f), arena.Get(pm), Tolerance.Elementwise, "p masked");
    }

    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void FullyMaskedRow_IsUniform_AndMaskedKeysGetZero(int width)
    {
        const int batch = 2, heads = 2, queries = 3, keys = 19;
        var random = new Random(42);
        float[] s = TestData.Uniform(random, batch * heads * queries * keys, -8f, 8f);
        float[] mask = new float[batch * keys];
        for (int j = 0; j < keys; j++)
        {
            mask[keys + j] = j % 3 == 0 ? 0f : 1f;
        }

        using var arena = new TestArena();
        Buf vs = arena.Put(s), vm = arena.Put(mask);

        Widths.Run(width, () => arena.Backend.AttentionSoftmax(vs, vm, vs, batch, heads, queries, keys, 1f));

        float[] p = arena.Get(vs);
        int perBatch = heads * queries * keys;
        Assert.All(p[..perBatch], v => Assert.Equal(1.0 / keys, v, 1e-6));
        for (int i = perBatch; i < p.Length; i++)
        {
            if (i % keys % 3 == 0)
            {
                Assert.Equal(0f, p[i]);
            }
        }

        TestData.Close(AttentionReference.Softmax(TestData.ToDouble(s), TestData.ToDouble(mask), batch, heads, queries, keys, 1), p, Tolerance.Elementwise, "p");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void InPlace_MatchesSeparateOutput(int batch, int heads, int queries, int keys, int width)
    {
        var random = new Random(42);
        float[] s = TestData.Uniform(random, batch * heads * queries * keys, -8f, 8f);
        float[] mask = Mask(random, batch, keys);
        using var arena = new TestArena();
        Buf vs = arena.Put(s), vm = arena.Put(mask), p = arena.Zeros(s.Length);

        Widths.Run(width, () =>
        {
            arena.Backend.AttentionSoftmax(vs, vm, p, batch, heads, queries, keys, 0.5f);
            arena.Backend.AttentionSoftmax(vs, vm, vs, batch, heads, queries, keys, 0.5f);
        });

        Assert.Equal(arena.Get(p), arena.Get(vs));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesReference_AndWorksInPlace(int batch, int heads, int queries, int keys, int width)
    {
        int rows = batch * heads * queries;
        var random = new Random(42);
        float[] s = TestData.Uniform(random, rows * keys, -3f, 3f), dp = TestData.Uniform(random, rows * keys);
        using var arena = new TestArena();
        Buf p = arena.Put(s), vdp = arena.Put(dp), ds = arena.Zeros(s.Length), none = arena.Zeros(0);

        Widths.Run(width, () =>
        {
            arena.Backend.AttentionSoftmax(p, none, p, batch, heads, queries, keys, 0.25f);
            arena.Backend.AttentionSoftmaxBackward(p, vdp, ds, rows, keys, 0.25f);
        });

        float[] probabilities = arena.Get(p);
        double[] expected = AttentionReference.SoftmaxBackward(TestData.ToDouble(probabilities), TestData.ToDouble(dp), rows, keys, 0.25);
        TestData.Close(expected, arena.Get(ds), Tolerance.Gradient, "dScores");

        Widths.Run(width, () => arena.Backend.AttentionSoftmaxBackward(p, vdp, vdp, rows, keys, 0.25f));
        Assert.Equal(arena.Get(ds), arena.Get(vdp));
    }

    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void SplitOverTwoThreads_IsBitwiseTheSame(int width)
    {
        const int batch = 3, heads = 2, queries = 5, keys = 37;
        float[] Run(int threads)
        {
            var random = new Random(42);
            float[] s = TestData.Uniform(random, batch * heads * queries * keys, -8f, 8f), dp = TestData.Uniform(random, s.Length);
            using var arena = new TestArena(1 << 16, threads);
            Buf vs = arena.Put(s), vm = arena.Put(Mask(random, batch, keys)), p = arena.Zeros(s.Length), vdp = arena.Put(dp), ds = arena.Zeros(s.Length);
            Widths.RunSplit(width, () =>
            {
                arena.Backend.AttentionSoftmax(vs, vm, p, batch, heads, queries, keys, 0.5f);
                arena.Backend.AttentionSoftmaxBackward(p, vdp, ds, batch * heads * queries, keys, 0.5f);
            });
            return [.. arena.Get(p), .. arena.Get(ds)];
        }

        Assert.Equal(Run(1), Run(2));
    }

    /// <summary>A (B, K) mask keeping about three keys in four, and always the first.</summary>
    private static float[] Mask(Random random, int batch, int keys)
    {
        float[] mask = new float[batch * keys];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = i % keys == 0 || random.Next(4) != 0 ? 1f : 0f;
        }

        return mask;
    }
}
