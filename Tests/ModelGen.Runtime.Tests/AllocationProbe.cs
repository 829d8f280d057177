namespace ModelGen.Runtime.Tests;

/// <summary>
/// Measures the bytes a piece of work allocates on the calling thread in its steady state. The runtime itself
/// may allocate once while it tiers a hot method up (call counting, on-stack replacement), so the work is
/// measured over a few attempts and the smallest figure is returned: an allocation of ours happens on every
/// call and shows in every attempt.
/// </summary>
internal static class AllocationProbe
{
    private const int Attempts = 5;

    public static long SteadyStateBytes(Action work)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < Attempts && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
