using ModelGen.Data;
using ModelGen.Fuzzing;

namespace ModelGen.Tools.Fuzz;

/// <summary>
/// <see cref="Table.ReadCsv(string, CsvReadOptions?)"/>: random CSV files damaged in bytes and in CSV terms, plain and
/// gzipped (<see cref="CsvFileMutator"/>), read with an 8 MiB byte limit so that gzip bombs meet it. A refusal must be
/// an <see cref="InvalidDataException"/> naming the file in a short message without control characters; a table must
/// have named columns and no more rows than its text has bytes. ReadCsv returns a new table, so a refusal cannot leave
/// state behind.
/// </summary>
/// <remarks>
/// Whether an input is gzip is decided when it is drawn, and the reader goes by the path's extension: so
/// <see cref="Extension"/> answers for the input <see cref="NextInput"/> gave last (the runner asks after drawing).
/// </remarks>
internal sealed class CsvTarget : IFuzzTarget
{
    private const int MaxBytes = 8 << 20;

    // A field past Sep's 16 Mi-character row limit now and then.
    private readonly CsvFileMutator _mutator = new(maxHugeField: 17_000_000, bombBytes: 2 * MaxBytes);
    private readonly CsvReadOptions _options = new() { MaxBytes = MaxBytes };
    private bool _gzip;
    private long _textLength;

    public IReadOnlyCollection<Type> Refusals { get; } = [typeof(InvalidDataException)];

    public string Extension => _gzip ? ".csv.gz" : ".csv";

    public (string Kind, byte[] Bytes) NextInput(Random random)
    {
        (string kind, byte[] bytes, bool gzip) = _mutator.Next(random);
        _gzip = gzip;
        _textLength = DataFuzzChecks.TextLength(bytes, gzip, MaxBytes);
        return (kind, bytes);
    }

    public void Load(string path)
    {
        Table table;
        try
        {
            table = Table.ReadCsv(path, _options);
        }
        catch (InvalidDataException e)
        {
            DataFuzzChecks.CheckRefusal(e, path);
            throw;
        }

        DataFuzzChecks.CheckTable(table, _textLength);
    }

    public bool ChangedByRefusal() => false;

    public long AllocationLimit(long inputLength) => DataFuzzChecks.CsvAllocationLimit(Math.Max(inputLength, _textLength));
}
