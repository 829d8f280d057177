namespace ModelGen.Kernels.Tests.Backend;

public sealed unsafe class ArenaLayoutTests
{
    private const int CacheLineBytes = 64;

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(100_003)]
    public void TheArenaStartsOnACacheLine_AndHoldsExactlyItsLength(int length)
    {
        // Several back ends, so that some of their managed arrays start off a line.
        for (int i = 0; i < 8; i++)
        {
            using var backend = new Cpu.CpuBackend(length, 1);
            Span<float> arena = backend.Arena;
            Assert.Equal(length, backend.Length);
            Assert.Equal(length, arena.Length);
            fixed (float* start = arena)
            {
                Assert.Equal(0u, (nuint)start % CacheLineBytes);
            }

            backend.Fill(new Buf(length - 1, 1), 3f);
            Assert.Equal(3f, arena[length - 1]);
            Assert.Throws<ArgumentException>(() => backend.Fill(new Buf(length, 1), 1f));
        }
    }
}
