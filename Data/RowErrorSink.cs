namespace ModelGen.Data;

/// <summary>
/// Collects per-row problems during a row-by-row transform. Steps that meet a bad value write a neutral value and
/// report here instead of throwing; a null sink means "throw".
/// </summary>
internal sealed class RowErrorSink(int rows)
{
    private readonly bool[] bad = new bool[rows];

    public List<RowError> Errors { get; } = [];

    public bool IsBad(int row) => bad[row];

    public void Add(int row, string column, string value, string message)
    {
        bad[row] = true;
        Errors.Add(new RowError(row, column, value, message));
    }

    /// <summary>Throws <paramref name="message"/> when there is no sink, otherwise records it against the row.</summary>
    public static void Report(RowErrorSink? sink, int row, string column, string value, string message)
    {
        if (sink is null) throw new ArgumentException(message);
        sink.Add(row, column, value, message);
    }
}
