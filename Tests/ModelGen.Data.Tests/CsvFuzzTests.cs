using ModelGen.Fuzzing;

namespace ModelGen.Data.Tests;

/// <summary>
/// A bounded fuzz run of the CSV reader (the long one is Tools/Fuzz, --target csv): random CSV files damaged in bytes
/// and in CSV terms, plain and gzipped (<see cref="CsvFileMutator"/>), each either read as a table or refused with an
/// <see cref="InvalidDataException"/> naming the file in a short message without control characters, never another
/// exception type, the same answer twice, within memory linear in the text (gzip bombs stop at the byte limit).
/// </summary>
public sealed class CsvFuzzTests : IDisposable
{
    private const int Seed = 23;
    private const int Count = 3000;
    private const int MaxBytes = 1 << 20;

    private readonly string folder = Directory.CreateTempSubdirectory("modelgen-fuzz-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void MutatedCsvFiles_ReadAsTables_OrAreRefusedAsInvalidData()
    {
        var mutator = new CsvFileMutator(maxHugeField: 300_000, bombBytes: 2 * MaxBytes);
        var options = new CsvReadOptions { MaxBytes = MaxBytes };
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            var (kind, bytes, gzip) = mutator.Next(random);
            var path = Path.Combine(folder, gzip ? "bookings.csv.gz" : "bookings.csv");
            File.WriteAllBytes(path, bytes);
            var textLength = DataFuzzChecks.TextLength(bytes, gzip, MaxBytes);
            var input = $"input {i} ({kind}, {bytes.Length} bytes)";

            Table? table = null;
            var start = GC.GetAllocatedBytesForCurrentThread();
            var error = Record.Exception(() => table = Table.ReadCsv(path, options));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - start;

            var limit = DataFuzzChecks.CsvAllocationLimit(Math.Max(bytes.Length, textLength));
            Assert.True(allocated <= limit, $"{input}: reading allocated {allocated:N0} bytes, more than {limit:N0}");
            if (error is null)
            {
                DataFuzzChecks.CheckTable(table!, textLength);
                outcomes["read"] = outcomes.GetValueOrDefault("read") + 1;
            }
            else
            {
                Assert.True(error.GetType() == typeof(InvalidDataException), $"{input}: {error}");
                DataFuzzChecks.CheckRefusal(error, path);
                outcomes["refused"] = outcomes.GetValueOrDefault("refused") + 1;
            }

            if (i % 16 == 0) Assert.Equal(error?.Message, Record.Exception(() => Table.ReadCsv(path, options))?.Message);
        }

        Assert.True(outcomes.GetValueOrDefault("read") > 500 && outcomes.GetValueOrDefault("refused") > 500, string.Join(", ", outcomes));
    }
}
