namespace ModelGen.Data.Text;

/// <summary>Sequences of ids padded or truncated to one length, row-major: row r is <c>Ids[r * Length ..]</c>.</summary>
public sealed class PaddedSequences
{
    internal PaddedSequences(int[] ids, int rows, int length)
    {
        Ids = ids;
        Rows = rows;
        Length = length;
    }

    /// <summary>The ids, row after row.</summary>
    public int[] Ids { get; }

    /// <summary>The number of sequences.</summary>
    public int Rows { get; }

    /// <summary>The ids per sequence.</summary>
    public int Length { get; }

    /// <summary>The ids of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return Ids.AsSpan(row * Length, Length);
    }

    /// <summary>The ids as floats, as a network's <c>[Input(Length)]</c> before an embedding takes them (exact below 2^24).</summary>
    public float[] ToSingles()
    {
        var values = new float[Ids.Length];
        for (var i = 0; i < Ids.Length; i++) values[i] = Ids[i];
        return values;
    }
}
