namespace ModelGen.Kernels;

/// <summary>
/// A counter-based random generator: every draw is a pure function of (seed, counter), so CPU threads
/// and GPU lanes draw the same stream in any order. The mixer is SplitMix64's finaliser.
/// </summary>
public static class CounterRandom
{
    /// <summary>A uniform float in [0, 1) with 24 random bits, from (seed, counter).</summary>
    public static float Uniform(ulong seed, ulong counter)
    {
        ulong z = seed * 0x9E3779B97F4A7C15UL + counter + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 40) * (1.0f / 16777216.0f);
    }
}
