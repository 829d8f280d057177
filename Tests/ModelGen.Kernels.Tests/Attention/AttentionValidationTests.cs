using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>
/// The attention-family calls check every view before writing anything: each view one float short, in turn, throws
/// naming the view and both lengths, and leaves the whole arena as it was. With every view sized, each call writes only
/// its outputs (guard floats between the views stay untouched at every width, sizes all in a vector tail).
/// </summary>
public sealed class AttentionValidationTests
{
    private const int Rows = 3, Features = 5, Batch = 2, Heads = 2, Queries = 3, Keys = 5;
    private const int Guard = 16;
    private const float GuardValue = -12345f;

    /// <summary>A call: its views (name, floats needed) and how to make it.</summary>
    private sealed record Call((string Name, int Size)[] Views, Action<CpuBackend, Buf[]> Invoke);

    private static readonly Dictionary<string, Call> Calls = new()
    {
        ["LayerNormForward"] = new([("x", 15), ("y", 15), ("gamma", 5), ("beta", 5), ("savedMean", 3), ("savedInvStd", 3)],
            (k, v) => k.LayerNormForward(v[0], v[1], v[2], v[3], v[4], v[5], Rows, Features, 1e-3f)),
        ["LayerNormBackward"] = new([("x", 15), ("dy", 15), ("dx", 15), ("gamma", 5), ("dGamma", 5), ("dBeta", 5), ("savedMean", 3), ("savedInvStd", 3)],
            (k, v) => k.LayerNormBackward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], Rows, Features)),
        ["BatchedGemm"] = new([("a", 2 * 6 + 15), ("b", 2 * 7 + 15), ("c", 2 * 11 + 9)],
            (k, v) => k.BatchedGemm(false, true, 3, 3, 3, 5, 1f, v[0], 6, v[1], 7, 0.5f, v[2], 11)),
        ["AttentionSoftmax"] = new([("scores", 60), ("mask", 10), ("probabilities", 60)],
            (k, v) => k.AttentionSoftmax(v[0], v[1], v[2], Batch, Heads, Queries, Keys, 0.5f)),
        ["AttentionSoftmaxBackward"] = new([("probabilities", 15), ("dProbabilities", 15), ("dScores", 15)],
            (k, v) => k.AttentionSoftmaxBackward(v[0], v[1], v[2], Rows, Keys, 0.5f)),
        ["Gelu"] = new([("x", 7), ("y", 7)], (k, v) => k.Gelu(v[0], v[1], 7)),
        ["GeluBackward"] = new([("x", 7), ("dy", 7), ("dx", 7)], (k, v) => k.GeluBackward(v[0], v[1], v[2], 7)),
        ["Axpby"] = new([("a", 7), ("b", 7), ("y", 7)], (k, v) => k.Axpby(1f, v[0], 2f, v[1], v[2], 7)),
        ["Multiply"] = new([("a", 7), ("b", 7), ("y", 7)], (k, v) => k.Multiply(v[0], v[1], v[2], 7, true)),
        ["SwapAxes"] = new([("x", 60), ("y", 60)], (k, v) => k.SwapAxes(v[0], v[1], 2, 3, 1, 2, 5, true)),
        ["CopyRows"] = new([("source", 2 * 9 + 7), ("destination", 2 * 8 + 7)], (k, v) => k.CopyRows(v[0], 9, v[1], 8, 3, 7, true)),
        ["MeanAxis"] = new([("x", 42), ("mask", 6), ("y", 14)], (k, v) => k.MeanAxis(v[0], v[1], v[2], 2, 3, 7)),
        ["MeanAxisBackward"] = new([("dy", 14), ("mask", 6), ("dx", 42)], (k, v) => k.MeanAxisBackward(v[0], v[1], v[2], 2, 3, 7, true)),
    };

    public static IEnumerable<object[]> ShortViews() =>
        Calls.SelectMany(call => call.Value.Views.Select((_, i) => new object[] { call.Key, i }));

    public static IEnumerable<object[]> CallsAtWidths() => Widths.Times(Calls.Keys.Select(name => new object[] { name }));

    [Theory]
    [MemberData(nameof(ShortViews))]
    public void ShortView_ThrowsNamingIt_AndWritesNothing(string method, int shortView)
    {
        Call call = Calls[method];
        using var arena = new TestArena(4096);
        Buf[] views = Lay(arena, call, shortView);
        float[] before = arena.Get(new Buf(0, 4096));
        (string name, int size) = call.Views[shortView];

        var error = Assert.Throws<ArgumentException>(() => call.Invoke(arena.Backend, views));

        Assert.Equal(name, error.ParamName);
        Assert.Contains($"'{name}' needs {size} floats", error.Message);
        Assert.Contains($"has {size - 1}", error.Message);
        Assert.Equal(before, arena.Get(new Buf(0, 4096)));
    }

    [Theory]
    [MemberData(nameof(CallsAtWidths))]
    public void SizedViews_WriteOnlyTheirOutputs(string method, int width)
    {
        Call call = Calls[method];
        using var arena = new TestArena(4096);
        Buf[] views = Lay(arena, call, shortView: -1);

        Widths.Run(width, () => call.Invoke(arena.Backend, views));

        foreach (Buf view in views)
        {
            Assert.All(arena.Get(new Buf(view.End, Guard)), value => Assert.Equal(GuardValue, value));
        }

        Assert.All(arena.Get(new Buf(0, Guard)), value => Assert.Equal(GuardValue, value));
    }

    [Fact]
    public void EmptyMasks_AndAxpbyWithBetaZero_NeedNoView()
    {
        using var arena = new TestArena(4096);
        Buf x = arena.Put(Enumerable.Repeat(1f, 60).ToArray()), y = arena.Zeros(60), none = arena.Zeros(0);

        arena.Backend.AttentionSoftmax(x, none, y, Batch, Heads, Queries, Keys, 1f);
        arena.Backend.MeanAxis(x, none, y, 2, 3, 7);
        arena.Backend.MeanAxisBackward(x, none, y, 2, 3, 7, false);
        arena.Backend.Axpby(2f, x, 0f, none, y, 60);

        Assert.All(arena.Get(y), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Overlaps_AndBadStrides_Throw_AndWriteNothing()
    {
        using var arena = new TestArena(1024);
        Buf v = arena.Put(TestData.Uniform(new Random(42), 200));
        float[] before = arena.Get(v);

        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => arena.Backend.SwapAxes(v.Take(60), v.Slice(59, 60), 2, 3, 1, 2, 5, false)).Message);
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => arena.Backend.CopyRows(v.Take(30), 10, v.Slice(24, 30), 10, 3, 5, false)).Message);
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.CopyRows(v.Take(30), 10, v.Slice(100, 30), 4, 3, 5, false));
        Assert.Equal("destinationStride", stride.ParamName);
        var strideC = Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.BatchedGemm(false, false, 2, 2, 2, 2, 1f, v, 4, v, 4, 0f, v.Slice(100, 8), 3));
        Assert.Equal("strideC", strideC.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.BatchedGemm(false, false, 2, 2, 2, 2, 1f, v, -4, v, 4, 0f, v.Slice(100, 8), 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.Gelu(v, v, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.LayerNormForward(v, v, v, v, v, v, -1, 2, 1e-3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.SwapAxes(v.Take(60), v.Slice(100, 60), 2, -3, 1, 2, 5, false));

        Assert.Equal(before, arena.Get(v));
    }

    [Fact]
    public void WarmCalls_AllocateNothing()
    {
        using var arena = new TestArena(1 << 20, threads: 2);
        Buf x = arena.Put(TestData.Uniform(new Random(42), 32 * 64)), y = arena.Zeros(32 * 64), g = arena.Put(Enumerable.Repeat(1f, 64).ToArray());
        Buf b = arena.Zeros(64), mean = arena.Zeros(32), inv = arena.Zeros(32), dg = arena.Zeros(64), db = arena.Zeros(64), c = arena.Zeros(8 * 64 * 64);
        Buf none = arena.Zeros(0);

        long bytes = TestData.SteadyStateBytes(() =>
        {
            arena.Backend.LayerNormForward(x, y, g, b, mean, inv, 32, 64, 1e-3f);
            arena.Backend.LayerNormBackward(x, x, y, g, dg, db, mean, inv, 32, 64);
            arena.Backend.BatchedGemm(false, true, 8, 64, 64, 32, 1f, x, 0, x, 0, 0f, c, 64 * 64);
            arena.Backend.AttentionSoftmax(c, none, c, 2, 4, 64, 64, 0.125f);
            arena.Backend.AttentionSoftmaxBackward(c, c, c, 8 * 64, 64, 0.125f);
            arena.Backend.Gelu(x, y, 32 * 64);
            arena.Backend.GeluBackward(x, y, y, 32 * 64);
            arena.Backend.Axpby(1f, x, 1f, y, y, 32 * 64);
            arena.Backend.Multiply(x, x, y, 32 * 64, true);
            arena.Backend.SwapAxes(x, y, 2, 16, 1, 4, 16, false);
            arena.Backend.CopyRows(x, 64, y, 64, 32, 32, true);
            arena.Backend.MeanAxis(x, none, y, 2, 16, 64);
            arena.Backend.MeanAxisBackward(y, none, c, 2, 16, 64, false);
        });

        Assert.Equal(0, bytes);
    }

    /// <summary>The call's views one after another, each after a run of guard floats; the view at <paramref name="shortView"/> one float short.</summary>
    private static Buf[] Lay(TestArena arena, Call call, int shortView)
    {
        var views = new Buf[call.Views.Length];
        for (int i = 0; i < views.Length; i++)
        {
            arena.Put(Enumerable.Repeat(GuardValue, Guard).ToArray());
            int size = call.Views[i].Size - (i == shortView ? 1 : 0);
            views[i] = arena.Put(Enumerable.Repeat(1f, size).ToArray());
        }

        arena.Put(Enumerable.Repeat(GuardValue, Guard).ToArray());
        return views;
    }
}
