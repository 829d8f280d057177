using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// The recurrent calls check every view before writing anything: each view one float short, in turn, throws naming
/// the view and both lengths, and leaves the whole arena as it was. With every view sized, each call writes only its
/// outputs (guard floats between the views stay untouched at every width, with H = 5 all in a vector tail).
/// </summary>
public sealed class RecurrentValidationTests
{
    private const int Batch = 3, Units = 5, Steps = 4, Vocabulary = 6, Width = 7;
    private const int Guard = 16;
    private const float GuardValue = -12345f;

    /// <summary>A call: its views (name, floats needed, whether it may be empty) and how to make it.</summary>
    private sealed record Call((string Name, int Size, bool Optional)[] Views, Action<CpuBackend, Buf[]> Invoke);

    private static readonly Dictionary<string, Call> Calls = new()
    {
        ["SequenceTranspose"] = new([("source", 84, false), ("destination", 84, false)],
            (k, v) => k.SequenceTranspose(v[0], v[1], Batch, Steps, Width)),
        ["RnnStepForward"] = new([("xp", 15, false), ("hp", 15, false), ("biasIh", 5, false), ("biasHh", 5, false), ("previous", 15, false),
            ("mask", 3, true), ("h", 15, false)],
            (k, v) => k.RnnStepForward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], Batch, Units, ActivationKind.Tanh)),
        ["RnnStepBackward"] = new([("h", 15, false), ("mask", 3, true), ("dSequence", 15, true), ("dh", 15, false), ("dGates", 15, false)],
            (k, v) => k.RnnStepBackward(v[0], v[1], v[2], v[3], v[4], Batch, Units, ActivationKind.ReLU)),
        ["LstmStepForward"] = new([("xp", 60, false), ("hp", 60, false), ("biasIh", 20, false), ("biasHh", 20, false), ("previousH", 15, false),
            ("previousC", 15, false), ("mask", 3, true), ("gates", 60, false), ("h", 15, false), ("c", 15, false)],
            (k, v) => k.LstmStepForward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], Batch, Units)),
        ["LstmStepBackward"] = new([("gates", 60, false), ("previousC", 15, false), ("c", 15, false), ("mask", 3, true), ("dSequence", 15, true),
            ("dh", 15, false), ("dc", 15, false), ("dGates", 60, false)],
            (k, v) => k.LstmStepBackward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], Batch, Units)),
        ["GruStepForward"] = new([("xp", 45, false), ("hp", 45, false), ("biasIh", 15, false), ("biasHh", 15, false), ("previous", 15, false),
            ("mask", 3, true), ("gates", 60, false), ("h", 15, false)],
            (k, v) => k.GruStepForward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], Batch, Units)),
        ["GruStepBackward"] = new([("gates", 60, false), ("previous", 15, false), ("mask", 3, true), ("dSequence", 15, true), ("dh", 15, false),
            ("dInputGates", 45, false), ("dRecurrentGates", 45, false)],
            (k, v) => k.GruStepBackward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], Batch, Units)),
        ["EmbeddingForward"] = new([("ids", 12, false), ("table", 42, false), ("y", 84, false), ("mask", 12, true)],
            (k, v) => k.EmbeddingForward(v[0], v[1], v[2], v[3], Batch, Steps, Vocabulary, Width)),
        ["EmbeddingBackward"] = new([("ids", 12, false), ("dy", 84, false), ("dTable", 42, false)],
            (k, v) => k.EmbeddingBackward(v[0], v[1], v[2], Batch, Steps, Vocabulary, Width)),
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
        (string name, int size, _) = call.Views[shortView];

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
            float[] guard = arena.Get(new Buf(view.End, Guard));
            Assert.All(guard, value => Assert.Equal(GuardValue, value));
        }

        Assert.All(arena.Get(new Buf(0, Guard)), value => Assert.Equal(GuardValue, value));
    }

    [Fact]
    public void RnnActivationOtherThanTanhOrRelu_Throws_AndWritesNothing()
    {
        Call call = Calls["RnnStepForward"];
        using var arena = new TestArena(4096);
        Buf[] v = Lay(arena, call, shortView: -1);
        float[] before = arena.Get(new Buf(0, 4096));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            arena.Backend.RnnStepForward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], Batch, Units, ActivationKind.Sigmoid));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.RnnStepBackward(v[6], v[5], default, v[0], v[1], Batch, Units, ActivationKind.Linear));

        Assert.Contains("Tanh or ReLU", error.Message);
        Assert.Equal(before, arena.Get(new Buf(0, 4096)));
    }

    [Fact]
    public void NegativeSizes_Throw()
    {
        using var arena = new TestArena(256);
        Buf v = arena.Zeros(100);

        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.LstmStepForward(v, v, v, v, v, v, default, v, v, v, -1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.GruStepBackward(v, v, default, default, v, v, v, 2, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.SequenceTranspose(v, v, 2, 2, -1));
    }

    [Fact]
    public void SequenceTranspose_InPlace_Throws()
    {
        using var arena = new TestArena(256);
        Buf v = arena.Put(TestData.Uniform(new Random(42), 24));

        var error = Assert.Throws<ArgumentException>(() => arena.Backend.SequenceTranspose(v, v.Slice(4, 20), 2, 2, 5));
        Assert.Contains("overlap", error.Message);
    }

    /// <summary>
    /// The call's views one after another, each after a run of guard floats; the view at <paramref name="shortView"/> one
    /// float short. Every view holds 1 (a valid token id, a mask that keeps every sample), the guards <see cref="GuardValue"/>.
    /// </summary>
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
