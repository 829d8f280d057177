namespace ModelGen.Runtime.Tests;

public sealed class AllocationProbeTests
{
    [Fact]
    public void AnAllocationOnEveryCallIsReported()
    {
        object? sink = null;
        long bytes = AllocationProbe.SteadyStateBytes(() => sink = new byte[100]);
        Assert.True(bytes >= 100, $"Expected at least 100 bytes, measured {bytes}.");
        Assert.NotNull(sink);
    }
}
