using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// PyTorch's BatchNorm keeps <c>&lt;layer&gt;.num_batches_tracked</c> (an I64 scalar) in its state_dict beside the running
/// statistics: Save writes it (0) so that <c>load_state_dict(strict=True)</c> finds every key, and Load accepts a file
/// with it or without it, whatever its value, and refuses one of another dtype or shape naming the tensor.
/// </summary>
public sealed class BatchCountTests : IDisposable
{
    private const string BatchCount = "norm0.num_batches_tracked";

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-batch-count-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveWritesAZeroI64ScalarPerBatchNormLayerAfterTheFloats()
    {
        using var model = new CancerNet(batchCapacity: 1, seed: 1);
        string path = Path.Combine(_folder, "saved.safetensors");

        model.Save(path);

        byte[] file = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        using var header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        JsonElement count = header.RootElement.GetProperty(BatchCount);
        Assert.Equal("I64", count.GetProperty("dtype").GetString());
        Assert.Equal(0, count.GetProperty("shape").GetArrayLength());
        long[] offsets = [.. count.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64())];
        long floats = model.Layout.Parameters.Sum(p => (long)p.Length) * sizeof(float);
        Assert.Equal([floats, floats + sizeof(long)], offsets);
        Assert.Equal(8 + headerLength + floats + sizeof(long), file.Length);
        Assert.Equal(0L, BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(8 + headerLength + (int)floats)));
        Assert.Single(header.RootElement.EnumerateObject(), p => p.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
    }

    [Fact]
    public void AModelWithoutBatchNormWritesNoBatchCount()
    {
        using var model = new LinearNet(1);
        string path = Path.Combine(_folder, "linear.safetensors");

        model.Save(path);

        Assert.DoesNotContain("num_batches_tracked", Encoding.UTF8.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void AFileThatModelGenSavedLoadsBackWithItsBatchCount()
    {
        using var source = new CancerNet(batchCapacity: 1, seed: 1);
        string path = Path.Combine(_folder, "round-trip.safetensors");
        source.Save(path);
        using var model = new CancerNet(batchCapacity: 1, seed: 2);

        model.Load(path);

        Assert.Equal(Weights(source), Weights(model));
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(12345L, true)]
    [InlineData(12345L, false)]
    public void APyTorchBatchCountIsAcceptedWhereverItLiesAndNotRead(long value, bool first)
    {
        using var source = new CancerNet(batchCapacity: 1, seed: 1);
        float[] weights = Weights(source);
        string path = Write("pytorch", source.Layout, weights, BatchCount, "I64", [], BitConverter.GetBytes(value), first);
        using var model = new CancerNet(batchCapacity: 1, seed: 2);

        model.Load(path);

        Assert.Equal(weights, Weights(model));
    }

    [Fact]
    public void ABatchCountOfAnotherDtypeIsRefusedNamingTheTensorAndI64()
    {
        string path = WriteCancer("f32", BatchCount, "F32", [], BitConverter.GetBytes(7f).Concat(new byte[4]).ToArray());

        InvalidDataException error = AssertRefused(path);

        Assert.Contains($"tensor '{BatchCount}' has dtype F32, expected I64", error.Message);
    }

    [Fact]
    public void ABatchCountOfAnotherShapeIsRefusedNamingTheTensorAndBothShapes()
    {
        string path = WriteCancer("shape", BatchCount, "I64", [1], BitConverter.GetBytes(7L));

        InvalidDataException error = AssertRefused(path);

        Assert.Contains($"tensor '{BatchCount}' has shape (1), expected ()", error.Message);
    }

    [Fact]
    public void ABatchCountOfTheWrongSizeIsRefused()
    {
        string path = WriteCancer("short", BatchCount, "I64", [], new byte[4]);

        InvalidDataException error = AssertRefused(path);

        Assert.Contains($"tensor '{BatchCount}' has byte range", error.Message);
    }

    [Fact]
    public void ABatchCountOfALayerTheModelDoesNotHaveIsRefused()
    {
        string path = WriteCancer("other-layer", "norm1.num_batches_tracked", "I64", [], new byte[8]);

        InvalidDataException error = AssertRefused(path);

        Assert.Contains("norm1.num_batches_tracked", error.Message);
    }

    [Fact]
    public void ABatchCountTwiceIsRefused()
    {
        using var source = new CancerNet(batchCapacity: 1, seed: 1);
        string path = Write("twice", source.Layout, Weights(source), BatchCount, "I64", [], new byte[8], first: false, twice: true);

        InvalidDataException error = AssertRefused(path);

        Assert.Contains($"names tensor '{BatchCount}' twice", error.Message);
    }

    private string WriteCancer(string name, string extraName, string dtype, int[] shape, byte[] data)
    {
        using var source = new CancerNet(batchCapacity: 1, seed: 1);
        return Write(name, source.Layout, Weights(source), extraName, dtype, shape, data, first: false);
    }

    private static InvalidDataException AssertRefused(string path)
    {
        using var model = new CancerNet(batchCapacity: 1, seed: 2);
        float[] before = Weights(model);
        var error = Assert.Throws<InvalidDataException>(() => model.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(before, Weights(model));
        return error;
    }

    // A safetensors file as PyTorch writes one: the layout's float tensors and one extra tensor, first or last in the
    // data (twice: the extra's name a second time, pointing at the same bytes).
    private string Write(string name, ModelLayout layout, float[] weights, string extraName, string dtype, int[] shape,
        byte[] extra, bool first, bool twice = false)
    {
        var tensors = new List<(string Name, string DType, int[] Shape, byte[] Data)>();
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            byte[] bytes = new byte[parameter.Length * sizeof(float)];
            Buffer.BlockCopy(weights, parameter.Offset * sizeof(float), bytes, 0, bytes.Length);
            tensors.Add((parameter.Name, "F32", parameter.Shape, bytes));
        }

        tensors.Insert(first ? 0 : tensors.Count, (extraName, dtype, shape, extra));
        var header = new StringBuilder("{");
        var data = new MemoryStream();
        foreach (var tensor in tensors)
        {
            long begin = data.Length;
            data.Write(tensor.Data);
            header.Append($"\"{tensor.Name}\":{{\"dtype\":\"{tensor.DType}\",\"shape\":[{string.Join(",", tensor.Shape)}],\"data_offsets\":[{begin},{data.Length}]}},");
        }

        if (twice)
        {
            header.Append($"\"{extraName}\":{{\"dtype\":\"{dtype}\",\"shape\":[],\"data_offsets\":[0,8]}},");
        }

        header.Append("\"__metadata__\":{\"format\":\"pt\"}}");
        while (header.Length % 8 != 0)
        {
            header.Append(' ');
        }

        string path = Path.Combine(_folder, name + ".safetensors");
        using var file = File.Create(path);
        byte[] length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(Encoding.UTF8.GetBytes(header.ToString()));
        file.Write(data.ToArray());
        return path;
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
