using System.Text.Json;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// PyTorch's nn.LSTM, nn.GRU and nn.RNN state_dicts (written by Fixtures/make_torch_recurrent_fixture.py with its
/// outputs) load into the twin models under their own names and gate orders, and Predict gives PyTorch's outputs.
/// </summary>
public sealed class TorchRecurrentFixtureTests
{
    private const double TorchRelativeTolerance = 1e-5;

    // Relative error is measured against at least this magnitude, so outputs near zero are compared absolutely.
    private const double MagnitudeFloor = 1e-3;

    private const int Batch = 3;

    [Fact]
    public void LstmStateDictLoadsAndPredictsWhatPyTorchPredicts()
    {
        using var model = new TorchLstm(batchCapacity: Batch, seed: 1);
        AssertPredictsAsPyTorch(model, "torch_lstm", [Batch, 5, 3], [Batch, 2]);
    }

    [Fact]
    public void GruStateDictLoadsAndPredictsWhatPyTorchPredicts()
    {
        using var model = new TorchGru(batchCapacity: Batch, seed: 1);
        AssertPredictsAsPyTorch(model, "torch_gru", [Batch, 5, 3], [Batch, 2]);
    }

    [Fact]
    public void TanhRnnStateDictLoadsAndPredictsWhatPyTorchPredicts()
    {
        using var model = new TorchRnnTanh(batchCapacity: Batch, seed: 1);
        AssertPredictsAsPyTorch(model, "torch_rnn_tanh", [Batch, 5, 3], [Batch, 2]);
    }

    [Fact]
    public void ReluRnnStateDictLoadsAndPredictsWhatPyTorchPredicts()
    {
        using var model = new TorchRnnRelu(batchCapacity: Batch, seed: 1);
        AssertPredictsAsPyTorch(model, "torch_rnn_relu", [Batch, 5, 3], [Batch, 2]);
    }

    [Fact]
    public void StackedLstmIntoGruStateDictLoadsAndPredictsWhatPyTorchPredicts()
    {
        using var model = new TorchStacked(batchCapacity: Batch, seed: 1);
        AssertPredictsAsPyTorch(model, "torch_stacked", [Batch, 5, 3], [Batch, 2]);
    }

    [Fact]
    public void RnnSequenceWithDenseAtEveryStepPredictsWhatPyTorchPredicts()
    {
        using var model = new TorchRnnSequence(batchCapacity: Batch, seed: 1);
        AssertPredictsAsPyTorch(model, "torch_rnn_sequence", [Batch, 5, 3], [Batch, 5, 2]);
    }

    [Fact]
    public void LoadedStateDictSavesUnderTheSameNamesAndReloads()
    {
        // ModelGen's own file of the loaded weights names and shapes its tensors as the state_dict did, and loads into
        // a differently seeded model that then predicts the same.
        string folder = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        string fixture = Path.Combine(folder, "torch_stacked.safetensors");
        using var loaded = new TorchStacked(batchCapacity: Batch, seed: 1);
        loaded.Load(fixture);
        string path = Path.Combine(Path.GetTempPath(), $"modelgen-torch-stacked-{Guid.NewGuid():N}.safetensors");
        try
        {
            loaded.Save(path);
            Assert.Equal(TensorShapes(fixture), TensorShapes(path));
            using var reloaded = new TorchStacked(batchCapacity: Batch, seed: 2);
            reloaded.Load(path);
            float[] inputs = Read(folder, "torch_stacked").Inputs;
            Assert.Equal(loaded.Predict(inputs), reloaded.Predict(inputs));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertPredictsAsPyTorch(CompiledModel model, string fixture, int[] inputShape, int[] outputShape)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var (inputs, expected, readInputShape, readOutputShape) = Read(folder, fixture);
        Assert.Equal(inputShape, readInputShape);
        Assert.Equal(outputShape, readOutputShape);
        model.Load(Path.Combine(folder, fixture + ".safetensors"));

        float[] actual = model.Predict(inputs);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), MagnitudeFloor);
            Assert.True(error <= TorchRelativeTolerance, $"{fixture} output {i}: ModelGen {actual[i]:R}, PyTorch {expected[i]:R} (relative error {error:G3})");
        }
    }

    private static (float[] Inputs, float[] Outputs, int[] InputShape, int[] OutputShape) Read(string folder, string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, fixture + ".json")));
        var root = document.RootElement;
        float[] Floats(string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => v.GetSingle())];
        int[] Ints(string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => v.GetInt32())];
        return (Floats("inputs"), Floats("outputs"), Ints("input_shape"), Ints("output_shape"));
    }

    /// <summary>Every tensor's name and shape in a safetensors header (8-byte little-endian length, then JSON), sorted by name.</summary>
    /// <summary>A safetensors file's tensors as "name (shape)", sorted: what a state_dict's keys and shapes say.</summary>
    internal static string[] TensorShapes(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int length = checked((int)BitConverter.ToUInt64(file, 0));
        using var header = JsonDocument.Parse(file.AsMemory(8, length));
        return [.. header.RootElement.EnumerateObject()
            .Where(tensor => tensor.Name != "__metadata__")
            .Select(tensor => $"{tensor.Name} ({string.Join(", ", tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()))})")
            .Order(StringComparer.Ordinal)];
    }
}
