using ModelGen.Data.Text;
using ModelGen.Fuzzing;

namespace ModelGen.Data.Tests;

/// <summary>
/// Bounded fuzz runs of the preparation and tokenizer loaders (the long ones are Tools/Fuzz, --target preparation and
/// --target tokenizer): mutated copies of saved files (<see cref="JsonFileMutator"/>), each either loaded as something
/// usable or refused with an <see cref="InvalidDataException"/> naming the file in a short message without control
/// characters, never another exception type, the same answer twice, within memory linear in the file.
/// </summary>
public sealed class PreparationFuzzTests : IDisposable
{
    private const int Seed = 17;
    private const int PreparationCount = 3000;
    private const int TokenizerCount = 1500;

    private readonly string folder = Directory.CreateTempSubdirectory("modelgen-fuzz-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void MutatedPreparations_LoadUsable_OrAreRefusedAsInvalidData()
    {
        var outcomes = Run(DataFuzzSeeds.Preparations(), PreparationCount, Seed, "model.preparation.json",
            path => ColumnTransformer.Load(path), (loaded, bytes) => DataFuzzChecks.CheckPreparation(loaded, bytes));

        Assert.True(outcomes.GetValueOrDefault("loaded") > 100 && outcomes.GetValueOrDefault("refused") > 1000, string.Join(", ", outcomes));
    }

    [Fact]
    public void MutatedTokenizers_LoadUsable_OrAreRefusedAsInvalidData()
    {
        var outcomes = Run(DataFuzzSeeds.Tokenizers(), TokenizerCount, Seed + 1, "model.tokenizer.json",
            path => Tokenizer.Load(path), (loaded, _) => DataFuzzChecks.CheckTokenizer(loaded));

        Assert.True(outcomes.GetValueOrDefault("loaded") > 50 && outcomes.GetValueOrDefault("refused") > 500, string.Join(", ", outcomes));
    }

    private Dictionary<string, int> Run<T>(IReadOnlyList<byte[]> seeds, int count, int seed, string name, Func<string, T> load, Action<T, byte[]> check)
        where T : class
    {
        var mutator = new JsonFileMutator(seeds, maxLength: 100_000);
        var random = new Random(seed);
        var path = Path.Combine(folder, name);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var (kind, bytes) = mutator.Next(random);
            File.WriteAllBytes(path, bytes);
            var input = $"input {i} ({kind}, {bytes.Length} bytes)";

            T? loaded = null;
            var start = GC.GetAllocatedBytesForCurrentThread();
            var error = Record.Exception(() => loaded = load(path));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - start;

            var limit = DataFuzzChecks.JsonAllocationLimit(bytes.Length);
            Assert.True(allocated <= limit, $"{input}: the load allocated {allocated:N0} bytes, more than {limit:N0}");
            if (error is null)
            {
                check(loaded!, bytes);
                outcomes["loaded"] = outcomes.GetValueOrDefault("loaded") + 1;
            }
            else
            {
                Assert.True(error.GetType() == typeof(InvalidDataException), $"{input}: {error}");
                DataFuzzChecks.CheckRefusal(error, path);
                outcomes["refused"] = outcomes.GetValueOrDefault("refused") + 1;
            }

            // The loaders keep no state between loads: the same file gets the same answer.
            if (i % 16 == 0) Assert.Equal(error?.Message, Record.Exception(() => load(path))?.Message);
        }
        return outcomes;
    }
}
