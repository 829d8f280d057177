namespace ModelGen.Fuzzing;

/// <summary>Byte-level damage shared by the data loaders' mutators.</summary>
internal static class ByteMutations
{
    /// <summary>A copy with <paramref name="count"/> random bits flipped.</summary>
    public static byte[] FlipBits(byte[] bytes, Random random, int count)
    {
        byte[] copy = [.. bytes];
        for (int i = 0; i < count && copy.Length > 0; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    /// <summary><paramref name="prefix"/> and then <paramref name="length"/> random bytes.</summary>
    public static byte[] Random(Random random, ReadOnlySpan<byte> prefix, int length)
    {
        byte[] bytes = new byte[prefix.Length + length];
        prefix.CopyTo(bytes);
        random.NextBytes(bytes.AsSpan(prefix.Length));
        return bytes;
    }

    /// <summary>A copy with a random stretch (up to 64 bytes) overwritten by random bytes.</summary>
    public static byte[] Overwrite(byte[] bytes, Random random)
    {
        byte[] copy = [.. bytes];
        if (copy.Length == 0)
        {
            return copy;
        }

        int start = random.Next(copy.Length);
        random.NextBytes(copy.AsSpan(start, Math.Min(copy.Length - start, 1 + random.Next(64))));
        return copy;
    }

    /// <summary>A copy with <paramref name="inserted"/> at <paramref name="at"/>.</summary>
    public static byte[] Insert(byte[] bytes, int at, ReadOnlySpan<byte> inserted) => [.. bytes.AsSpan(0, at), .. inserted, .. bytes.AsSpan(at)];
}
