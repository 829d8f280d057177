using ModelGen.Data;
using ModelGen.Fuzzing;

namespace ModelGen.Tools.Fuzz;

/// <summary>
/// <see cref="ColumnTransformer.Load(string)"/>: mutated copies of saved preparations (<see cref="JsonFileMutator"/>
/// over <see cref="DataFuzzSeeds.Preparations"/>). A refusal must be an <see cref="InvalidDataException"/> naming the
/// file in a short message without control characters (else it counts as a crash); a load must give a preparation
/// that saves and loads back the same and gives no NaN for values without a missing one. Load returns a new object,
/// so a refusal cannot leave state behind.
/// </summary>
internal sealed class PreparationTarget : IFuzzTarget
{
    private readonly JsonFileMutator _mutator = new(DataFuzzSeeds.Preparations());

    public IReadOnlyCollection<Type> Refusals { get; } = [typeof(InvalidDataException)];

    public string Extension => ".preparation.json";

    public (string Kind, byte[] Bytes) NextInput(Random random) => _mutator.Next(random);

    public void Load(string path)
    {
        ColumnTransformer loaded;
        try
        {
            loaded = ColumnTransformer.Load(path);
        }
        catch (InvalidDataException e)
        {
            DataFuzzChecks.CheckRefusal(e, path);
            throw;
        }

        DataFuzzChecks.CheckPreparation(loaded, File.ReadAllBytes(path));
    }

    public bool ChangedByRefusal() => false;

    public long AllocationLimit(long inputLength) => DataFuzzChecks.JsonAllocationLimit(inputLength);
}
