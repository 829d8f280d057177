using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// EmbeddingForward looks rows up and marks padding (id 0) in the mask; EmbeddingBackward accumulates repeated ids into
/// their rows; an id that is not an integer in [0, V) throws naming its sample and position before anything is written.
/// </summary>
public sealed class EmbeddingTests
{
    private const int Batch = 3, Steps = 4, Vocabulary = 6;

    /// <summary>Ids with padding and repeats (id 2 five times, in different samples).</summary>
    private static readonly float[] Ids = [2, 5, 0, 0, 1, 2, 2, 3, 2, 0, 5, 2];

    public static IEnumerable<object[]> WidthsAndRowWidths() => Widths.Times([[1], [7], [16], [37]]);

    [Theory]
    [MemberData(nameof(WidthsAndRowWidths))]
    public void Forward_LooksUpRows_AndMasksPadding(int rowWidth, int width)
    {
        float[] table = TestData.Uniform(new Random(42), Vocabulary * rowWidth);
        using var arena = new TestArena();
        Buf ids = arena.Put(Ids), tv = arena.Put(table), y = arena.Zeros(Ids.Length * rowWidth), mask = arena.Put(Enumerable.Repeat(7f, Ids.Length).ToArray());

        Widths.Run(width, () => arena.Backend.EmbeddingForward(ids, tv, y, mask, Batch, Steps, Vocabulary, rowWidth));

        (double[] expectedY, double[] expectedMask) = RecurrentReference.EmbeddingForward(Ids, TestData.ToDouble(table), Ids.Length, rowWidth);
        Assert.Equal(RecurrentData.ToFloat(expectedY), arena.Get(y));
        Assert.Equal(RecurrentData.ToFloat(expectedMask), arena.Get(mask));
        Assert.Equal([1f, 1f, 0f, 0f, 1f, 1f, 1f, 1f, 1f, 0f, 1f, 1f], arena.Get(mask));
    }

    [Fact]
    public void Forward_WithoutMask_WritesOnlyY()
    {
        float[] table = TestData.Uniform(new Random(42), Vocabulary * 3);
        using var arena = new TestArena(256);
        Buf ids = arena.Put(Ids), tv = arena.Put(table), y = arena.Zeros(Ids.Length * 3);
        float[] before = arena.Get(new Buf(0, 256));

        arena.Backend.EmbeddingForward(ids, tv, y, default, Batch, Steps, Vocabulary, 3);

        float[] after = arena.Get(new Buf(0, 256));
        Assert.Equal(before[..y.Offset], after[..y.Offset]);
        Assert.Equal(before[y.End..], after[y.End..]);
        Assert.Equal(RecurrentData.ToFloat(RecurrentReference.EmbeddingForward(Ids, TestData.ToDouble(table), Ids.Length, 3).Y), arena.Get(y));
    }

    [Theory]
    [MemberData(nameof(WidthsAndRowWidths))]
    public void Backward_AccumulatesRepeatedIds(int rowWidth, int width)
    {
        var random = new Random(42);
        float[] dy = TestData.Uniform(random, Ids.Length * rowWidth), start = TestData.Uniform(random, Vocabulary * rowWidth);
        using var arena = new TestArena();
        Buf ids = arena.Put(Ids), dyv = arena.Put(dy), dTable = arena.Put(start);

        Widths.Run(width, () => arena.Backend.EmbeddingBackward(ids, dyv, dTable, Batch, Steps, Vocabulary, rowWidth));

        double[] expected = RecurrentReference.EmbeddingBackward(Ids, TestData.ToDouble(dy), TestData.ToDouble(start), Ids.Length, rowWidth);
        TestData.Close(expected, arena.Get(dTable), Tolerance.Elementwise, "dTable");
        // Row 4 has no token: untouched. Row 2 gathers five tokens.
        float[] result = arena.Get(dTable);
        Assert.Equal(start[(4 * rowWidth)..(5 * rowWidth)], result[(4 * rowWidth)..(5 * rowWidth)]);
        Assert.Equal(5, Ids.Count(id => id == 2));
    }

    public static TheoryData<float> BadIds() => new() { Vocabulary, -1f, 2.5f, float.NaN, float.PositiveInfinity, 1e9f, -0.5f };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void BadId_ThrowsNamingSampleAndPosition_BeforeWriting(float bad)
    {
        float[] ids = (float[])Ids.Clone();
        ids[(1 * Steps) + 2] = bad;
        using var arena = new TestArena(512);
        Buf iv = arena.Put(ids), table = arena.Put(TestData.Uniform(new Random(42), Vocabulary * 5));
        Buf y = arena.Put(Enumerable.Repeat(3f, ids.Length * 5).ToArray()), mask = arena.Put(Enumerable.Repeat(3f, ids.Length).ToArray());
        Buf dy = arena.Put(TestData.Uniform(new Random(7), ids.Length * 5)), dTable = arena.Put(TestData.Uniform(new Random(8), Vocabulary * 5));
        float[] before = arena.Get(new Buf(0, 512));

        var forward = Assert.Throws<ArgumentException>(() => arena.Backend.EmbeddingForward(iv, table, y, mask, Batch, Steps, Vocabulary, 5));
        var backward = Assert.Throws<ArgumentException>(() => arena.Backend.EmbeddingBackward(iv, dy, dTable, Batch, Steps, Vocabulary, 5));

        foreach (ArgumentException error in new[] { forward, backward })
        {
            Assert.Contains("sample 1, position 2", error.Message);
            Assert.Contains($"[0, {Vocabulary})", error.Message);
            Assert.Equal("ids", error.ParamName);
        }

        Assert.Equal(before, arena.Get(new Buf(0, 512)));
    }
}
