using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelGen.Kernels;
using ModelGen.Samples.BreastCancer;
using ModelGen.Samples.FashionMnist;
using ModelGen.Samples.HotelCancellations;
using ModelGen.Samples.SmsSpam;
using ModelGen.Samples.Sunspots;

namespace ModelGen.Samples.Tests;

/// <summary>
/// Each sample model's <see cref="CompiledModel.ExportOnnx"/> file, run in ONNX Runtime, gives what ModelGen's Predict
/// gives on the same inputs (1e-5 relative), from random non-default weights (BatchNorm's running statistics included)
/// and a batch of random inputs; the graph keeps the layer names and has a symbolic batch.
/// </summary>
public sealed class OnnxExportTests : IDisposable
{
    private const double RelativeTolerance = 1e-5;

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> SequentialModels =>
        ["CancerNet", "HotelNet", "FashionNet", "DigitsNet", "SimpleRnnForecaster", "LstmForecaster", "GruForecaster", "StackedLstmForecaster"];

    [Theory]
    [MemberData(nameof(SequentialModels))]
    public void OnnxRuntimeGivesWhatPredictGives(string name)
    {
        using CompiledModel model = Create(name);
        Randomize(model, seed: name.Length);
        const int Batch = 5;
        int width = model.Layout.InputShape.Aggregate(1, (a, b) => a * b);
        var random = new Random(7);
        float[] inputs = [.. Enumerable.Range(0, Batch * width).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] expected = model.Predict(inputs);

        string path = Path.Combine(_folder, name + ".onnx");
        model.ExportOnnx(path);
        float[] actual = RunOnnx(path, "input", inputs, [Batch, .. model.Layout.InputShape]);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= RelativeTolerance * (1 + Math.Abs(expected[i])),
                $"{name} output {i}: Predict {expected[i]:R}, ONNX Runtime {actual[i]:R}");
        }
    }

    [Fact]
    public void TheGraphKeepsLayerNamesAndABatchOfAnySize()
    {
        using var model = new CancerNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1));
        string path = Path.Combine(_folder, "cancer.onnx");
        model.ExportOnnx(path);
        using var session = new InferenceSession(path);
        Assert.Equal(["input"], session.InputMetadata.Keys);
        Assert.Equal(["output"], session.OutputMetadata.Keys);
        Assert.Equal([-1, 30], session.InputMetadata["input"].Dimensions);
        Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);

        // One row and 13 rows (more than the model's batch capacity) both run.
        Assert.Single(RunOnnx(path, "input", new float[30], [1, 30]));
        Assert.Equal(13, RunOnnx(path, "input", new float[13 * 30], [13, 30]).Length);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void AModelWithAKindNotYetExportedIsRefusedNamingTheLayer()
    {
        // SpamNet's LSTM skips the padding ids that MaskZero masks, anywhere in the sequence: ONNX's sequence_lens cannot say that.
        using var model = new SpamNet(batchCapacity: 2, seed: 1, device: Device.Cpu(1));
        string path = Path.Combine(_folder, "spam.onnx");
        var refused = Assert.Throws<NotSupportedException>(() => model.ExportOnnx(path));
        Assert.Contains("'lstm0' (LSTM)", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    private static CompiledModel Create(string name) => name switch
    {
        "CancerNet" => new CancerNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "HotelNet" => new HotelNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "FashionNet" => new FashionNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "DigitsNet" => new DigitsNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "SimpleRnnForecaster" => new SimpleRnnForecaster(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "LstmForecaster" => new LstmForecaster(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "GruForecaster" => new GruForecaster(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        _ => new StackedLstmForecaster(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
    };

    /// <summary>Weights in [-0.5, 0.5), running variances in [0.5, 1.5): every tensor away from its initial value.</summary>
    private static void Randomize(CompiledModel model, int seed)
    {
        var random = new Random(seed);
        var weights = new float[model.WeightCount];
        foreach (ParameterInfo parameter in model.Layout.Parameters)
        {
            bool variance = parameter.Name.EndsWith(".running_var", StringComparison.Ordinal);
            for (int i = parameter.Offset; i < parameter.Offset + parameter.Length; i++)
            {
                weights[i] = (float)(variance ? 0.5 + random.NextDouble() : random.NextDouble() - 0.5);
            }
        }

        model.WriteWeights(weights);
    }

    private static float[] RunOnnx(string path, string inputName, float[] data, int[] shape)
    {
        using var session = new InferenceSession(path);
        var tensor = new DenseTensor<float>(data, shape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        return [.. results.Single().AsEnumerable<float>()];
    }
}
