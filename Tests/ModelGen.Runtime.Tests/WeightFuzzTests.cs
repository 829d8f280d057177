using ModelGen.Fuzzing;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// A bounded fuzz run of the weight loader (the long one is Tools/Fuzz, --target weights): a few thousand mutated
/// copies of a valid file, each either loaded with usable values or refused with an <see cref="InvalidDataException"/>
/// naming the file, in a short message free of control characters, leaving the model as it was, and allocating no
/// more than the file and the model's weights need.
/// </summary>
public sealed class WeightFuzzTests : IDisposable
{
    private const int Seed = 13;
    private const int Count = 3000;

    // Beyond the file (the header is read into one buffer) and the model's weights: the parse and the message.
    private const long AllocationSlack = 128 << 10;

    // The longest message a refusal may give: untrusted text is cut to 200 characters, the tensor list to 20 names.
    private const int MessageLimit = 2000;

    // Enough dimensions to see a huge shape summarised, few enough for a run of seconds.
    private const int MaxDimensions = 20_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void MutatedFilesLoadOrAreRefusedWholeWithinBoundedMemory()
    {
        using var source = new MapNet(batchCapacity: 1, seed: 1);
        var mutator = new WeightFileMutator(SafeTensors.Encode(source.Layout, Weights(source)), VarianceRanges(source.Layout), MaxDimensions);
        using var model = new MapNet(batchCapacity: 1, seed: 2);
        float[] baseline = Weights(model);
        var random = new Random(Seed);
        string path = Path.Combine(_folder, "fuzzed.safetensors");
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (int i = 0; i < Count; i++)
        {
            (string kind, byte[] file) = mutator.Next(random);
            File.WriteAllBytes(path, file);
            string input = $"input {i} ({kind}, {file.Length} bytes)";

            long start = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = Record.Exception(() => model.Load(path));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - start;

            long limit = file.Length + (model.WeightCount * sizeof(float)) + AllocationSlack;
            Assert.True(allocated <= limit, $"{input}: the load allocated {allocated} bytes, more than {limit}");
            if (error is null)
            {
                AssertUsable(model, input);
                model.WriteWeights(baseline);
                Tally(outcomes, "loaded");
                continue;
            }

            Assert.True(error.GetType() == typeof(InvalidDataException), $"{input}: {error}");
            Assert.Contains(path, error.Message);
            Assert.True(error.Message.Length <= MessageLimit, $"{input}: a message of {error.Message.Length} characters");
            Assert.False(error.Message.Any(char.IsControl), $"{input}: a control character in {error.Message}");
            Assert.True(baseline.AsSpan().SequenceEqual(Weights(model)), $"{input}: refused, but the weights changed");
            Tally(outcomes, "refused");
        }

        Assert.True(outcomes.GetValueOrDefault("loaded") > 0 && outcomes.GetValueOrDefault("refused") > 0, string.Join(", ", outcomes));
    }

    [Fact]
    public void EveryMutationKindIsRefusedOrLoadedTheSameWayTwice()
    {
        // The loader keeps no state between loads: the same file gets the same answer.
        using var source = new MapNet(batchCapacity: 1, seed: 1);
        var mutator = new WeightFileMutator(SafeTensors.Encode(source.Layout, Weights(source)), VarianceRanges(source.Layout), MaxDimensions);
        using var model = new MapNet(batchCapacity: 1, seed: 2);
        var random = new Random(Seed + 1);
        foreach (string kind in WeightFileMutator.Kinds)
        {
            byte[] file = mutator.Mutate(kind, random);
            string path = Path.Combine(_folder, kind + ".safetensors");
            File.WriteAllBytes(path, file);

            string? first = Record.Exception(() => model.Load(path))?.Message;
            string? second = Record.Exception(() => model.Load(path))?.Message;

            Assert.Equal(first, second);
        }
    }

    /// <summary>Loaded weights are ones a model can run with: finite, running variances not negative.</summary>
    private static void AssertUsable(CompiledModel model, string input)
    {
        float[] weights = Weights(model);
        Assert.True(Array.TrueForAll(weights, float.IsFinite), $"{input}: loaded a value that is not finite");
        foreach (ParameterInfo parameter in model.Layout.Parameters.Where(p => p.Name.EndsWith(".running_var", StringComparison.Ordinal)))
        {
            Assert.True(weights.AsSpan(parameter.Offset, parameter.Length).IndexOfAnyInRange(float.NegativeInfinity, -float.Epsilon) < 0, $"{input}: loaded a negative running variance");
        }
    }

    /// <summary>Where the running variances lie in the data of a file Encode wrote: tensors in layout order, back to back.</summary>
    private static (long Begin, long End)[] VarianceRanges(ModelLayout layout)
    {
        var ranges = new List<(long, long)>();
        long position = 0;
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            long end = position + (parameter.Length * sizeof(float));
            if (parameter.Name.EndsWith(".running_var", StringComparison.Ordinal))
            {
                ranges.Add((position, end));
            }

            position = end;
        }

        return [.. ranges];
    }

    private static void Tally(Dictionary<string, int> outcomes, string outcome) =>
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
