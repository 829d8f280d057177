namespace ModelGen.Data;

/// <summary>
/// One string per distinct short value of a column: category columns repeat a few values over many rows. Bounded,
/// like Sep's per-column pool: values longer than <see cref="MaxLength"/> and values met after
/// <see cref="MaxCount"/> distinct ones get strings of their own.
/// </summary>
internal sealed class StringPool
{
    private const int MaxLength = 32;
    private const int MaxCount = 4096;

    private readonly HashSet<string> strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public StringPool()
    {
        lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxLength) return value.ToString();
        if (lookup.TryGetValue(value, out var pooled)) return pooled;
        var text = value.ToString();
        if (strings.Count < MaxCount) strings.Add(text);
        return text;
    }
}
