using ModelGen.Data.Text;
using ModelGen.Fuzzing;

namespace ModelGen.Tools.Fuzz;

/// <summary>
/// <see cref="Tokenizer.Load(string)"/>: mutated copies of saved tokenizers (<see cref="JsonFileMutator"/> over
/// <see cref="DataFuzzSeeds.Tokenizers"/>). A refusal must be an <see cref="InvalidDataException"/> naming the file in a
/// short message without control characters; a load must give a tokenizer that saves and loads back the same and
/// gives ids below its vocabulary size. Load returns a new object, so a refusal cannot leave state behind.
/// </summary>
internal sealed class TokenizerTarget : IFuzzTarget
{
    private readonly JsonFileMutator _mutator = new(DataFuzzSeeds.Tokenizers());

    public IReadOnlyCollection<Type> Refusals { get; } = [typeof(InvalidDataException)];

    public string Extension => ".tokenizer.json";

    public (string Kind, byte[] Bytes) NextInput(Random random) => _mutator.Next(random);

    public void Load(string path)
    {
        Tokenizer loaded;
        try
        {
            loaded = Tokenizer.Load(path);
        }
        catch (InvalidDataException e)
        {
            DataFuzzChecks.CheckRefusal(e, path);
            throw;
        }

        DataFuzzChecks.CheckTokenizer(loaded);
    }

    public bool ChangedByRefusal() => false;

    public long AllocationLimit(long inputLength) => DataFuzzChecks.JsonAllocationLimit(inputLength);
}
