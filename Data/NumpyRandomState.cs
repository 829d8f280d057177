namespace ModelGen.Data;

/// <summary>
/// numpy's legacy RandomState for an integer seed: the MT19937 generator seeded with init_genrand, and
/// permutations by numpy's Fisher-Yates with masked rejection sampling (random_interval). With it a seeded
/// split picks the same rows as scikit-learn's train_test_split with random_state=seed.
/// </summary>
internal sealed class NumpyRandomState
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    private readonly uint[] state = new uint[StateLength];
    private int position;

    public NumpyRandomState(uint seed)
    {
        state[0] = seed;
        for (var i = 1; i < StateLength; i++)
        {
            state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i;
        }
        position = StateLength;
    }

    /// <summary>MT19937's next tempered 32-bit output (genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (position == StateLength) Regenerate();
        var y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A uniform integer in [0, max]: draws under the smallest covering bit mask until one fits.</summary>
    public int Interval(int max)
    {
        if (max == 0) return 0;
        var mask = (uint)max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > (uint)max)
        {
        }
        return (int)value;
    }

    /// <summary>Shuffles in place as numpy's RandomState.shuffle does for a 1-d array.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (var i = items.Length - 1; i >= 1; i--)
        {
            var j = Interval(i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A shuffled 0..count-1 (numpy's permutation(count)).</summary>
    public int[] Permutation(int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        Shuffle(order);
        return order;
    }

    private void Regenerate()
    {
        for (var i = 0; i < StateLength; i++)
        {
            var y = (state[i] & UpperMask) | (state[(i + 1) % StateLength] & LowerMask);
            state[i] = state[(i + Shift) % StateLength] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }
        position = 0;
    }
}
