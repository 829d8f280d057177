using System.Buffers.Binary;
using System.Text;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>Safetensors files: the round trip, the format itself, and every refusal leaving the model unchanged.</summary>
public sealed class WeightFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoadRestoresEveryWeightAndTheOutputs()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var trained = new CancerNet(batchCapacity: 32, seed: 1);
        trained.Fit(TestData.Head(train, 64), null, 32, 2, new Adam(), verbose: 0);
        string path = Path.Combine(_folder, "cancer.safetensors");
        trained.Save(path);

        using var fresh = new CancerNet(batchCapacity: 32, seed: 2);
        Assert.NotEqual(Weights(trained), Weights(fresh));
        fresh.Load(path);

        Assert.Equal(Weights(trained), Weights(fresh));
        Assert.Equal(trained.Predict(validation.Features), fresh.Predict(validation.Features));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void TheFileIsSafetensorsWithPyTorchNamesAndShapes()
    {
        using var model = new CancerNet(batchCapacity: 1, seed: 1);
        string path = Path.Combine(_folder, "cancer.safetensors");
        model.Save(path);
        byte[] file = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.Contains("\"dense0.weight\":{\"dtype\":\"F32\",\"shape\":[64,30],\"data_offsets\":[0,7680]}", header);
        Assert.Contains("\"norm0.running_var\":{\"dtype\":\"F32\",\"shape\":[64]", header);
        Assert.Contains("\"__metadata__\":{\"format\":\"pt\",\"model\":\"CancerNet\"}", header);
        Assert.Contains("\"norm0.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]", header);
        Assert.Equal(8 + (long)headerLength + model.WeightCount * 4L + sizeof(long), file.Length); // the floats, then PyTorch's batch count

        // The running variance starts at ones; its bytes sit where the header says.
        int start = 8 + (int)headerLength + 2241 * 4;
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(start)));
    }

    [Fact]
    public void SavingOverAnExistingFileReplacesIt()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        File.WriteAllText(path, "old contents");
        using var model = new LinearNet(1);
        model.Save(path);
        using var other = new LinearNet(1, seed: 9);
        other.Load(path);
        Assert.Equal(Weights(model), Weights(other));
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "renamed", "'dense0.b' that LinearNet does not have" },
        { "shape", "shape (2, 1), expected (1, 2)" },
        { "truncated", "truncated" },
        { "extra", "'dense1.weight'" },
        { "missing", "lacks the tensor 'dense0.bias'" },
        { "dtype", "dtype F16" },
        { "json", "not valid JSON" },
        { "short", "shorter than the 8-byte header length" },
        { "nan", "NaN" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void ACorruptOrMismatchedFileIsRefusedWholeAndChangesNothing(string corruption, string expectedMessage)
    {
        using var model = new LinearNet(1, seed: 4);
        float[] before = Weights(model);
        byte[] file = corruption switch
        {
            "renamed" => Encode(Rename("dense0.bias", "dense0.b"), [1, 2, 3]),
            "shape" => Encode(Reshape("dense0.weight", [2, 1]), [1, 2, 3]),
            "truncated" => Encode(Linear(), [1, 2, 3])[..^4],
            "extra" => Encode(WithExtra(), [1, 2, 3, 4]),
            "missing" => Encode(WithoutBias(), [1, 2]),
            "dtype" => Replace(Encode(Linear(), [1, 2, 3]), "\"F32\"", "\"F16\""),
            "json" => Replace(Encode(Linear(), [1, 2, 3]), "{\"dense0.weight\"", "[\"dense0.weight\""),
            "short" => [1, 2, 3],
            "nan" => Encode(Linear(), [1, float.NaN, 3]),
            _ => throw new ArgumentException(corruption),
        };
        string path = Path.Combine(_folder, corruption + ".safetensors");
        File.WriteAllBytes(path, file);

        var error = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains(expectedMessage, error.Message);
        Assert.Contains("Nothing was loaded", error.Message);
        Assert.Equal(before, Weights(model));
    }

    private static ModelLayout Linear()
    {
        using var model = new LinearNet(1);
        return model.Layout;
    }

    private static ModelLayout Rename(string name, string newName) =>
        With(Linear(), [.. Linear().Parameters.Select(p => p.Name == name ? p with { Name = newName } : p)]);

    private static ModelLayout Reshape(string name, int[] shape) =>
        With(Linear(), [.. Linear().Parameters.Select(p => p.Name == name ? p with { Shape = shape } : p)]);

    private static ModelLayout WithExtra() =>
        With(Linear(), [.. Linear().Parameters, new ParameterInfo("dense1.weight", 3, [1], true, ParameterInit.Zeros)]);

    private static ModelLayout WithoutBias() =>
        With(Linear(), [.. Linear().Parameters.Where(p => p.Name != "dense0.bias")]);

    private static ModelLayout With(ModelLayout layout, ParameterInfo[] parameters) => layout with { Parameters = parameters };

    private static byte[] Encode(ModelLayout layout, float[] weights) => SafeTensors.Encode(layout, weights);

    private static byte[] Replace(byte[] file, string from, string to)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.Contains(from, header);
        byte[] replaced = Encoding.UTF8.GetBytes(header.Replace(from, to, StringComparison.Ordinal));
        Assert.Equal((int)headerLength, replaced.Length);
        replaced.CopyTo(file, 8);
        return file;
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
