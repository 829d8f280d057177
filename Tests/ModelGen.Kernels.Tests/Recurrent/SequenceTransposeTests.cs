using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>SequenceTranspose: batch-first to time-major and back, against the reference, and the round trip exact.</summary>
public sealed class SequenceTransposeTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 3, 4, 1 }, { 3, 4, 5 }, { 2, 7, 37 }, { 1, 5, 3 }, { 5, 1, 3 }, { 0, 3, 2 }, { 64, 32, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BatchFirstToTimeMajor_AndBack(int batch, int steps, int width)
    {
        float[] source = TestData.Uniform(new Random(42), batch * steps * width);
        using var arena = new TestArena();
        Buf x = arena.Put(source), timeMajor = arena.Zeros(source.Length), back = arena.Zeros(source.Length);

        arena.Backend.SequenceTranspose(x, timeMajor, batch, steps, width);
        arena.Backend.SequenceTranspose(timeMajor, back, steps, batch, width);

        double[] expected = RecurrentReference.SequenceTranspose(TestData.ToDouble(source), batch, steps, width);
        Assert.Equal(RecurrentData.ToFloat(expected), arena.Get(timeMajor));
        Assert.Equal(source, arena.Get(back));
        if (batch > 1 && steps > 1)
        {
            // Sample 1, step 0 lands in time-major row 1 (step 0, sample 1); sample 0, step 1 in row `batch`.
            Assert.Equal(source[(steps * width)..((steps + 1) * width)], arena.Get(timeMajor)[width..(2 * width)]);
            Assert.Equal(source[width..(2 * width)], arena.Get(timeMajor)[(batch * width)..((batch + 1) * width)]);
        }
    }
}
