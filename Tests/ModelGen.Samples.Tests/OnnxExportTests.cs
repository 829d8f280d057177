using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelGen.Kernels;
using ModelGen.Samples.BreastCancer;
using ModelGen.Samples.FashionMnist;
using ModelGen.Samples.FashionVqa;
using ModelGen.Samples.HotelCancellations;
using ModelGen.Samples.SmsSpam;
using ModelGen.Samples.Sunspots;

namespace ModelGen.Samples.Tests;

/// <summary>
/// Each sample model's <see cref="CompiledModel.ExportOnnx"/> file, run in ONNX Runtime, gives what ModelGen's Predict
/// gives on the same inputs (1e-5 relative), from random non-default weights (BatchNorm's running statistics included)
/// and a batch of random inputs (token ids with padding anywhere); the graph keeps the layer names and has a symbolic
/// batch.
/// </summary>
public sealed class OnnxExportTests : IDisposable
{
    private const double RelativeTolerance = 1e-5;

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> SequentialModels =>
        ["CancerNet", "HotelNet", "FashionNet", "DigitsNet", "SimpleRnnForecaster", "LstmForecaster", "GruForecaster", "StackedLstmForecaster"];

    public static TheoryData<string> GraphModels =>
        ["MaskedAttentionNet", "MaskedRecurrentNet", "SpamNet", "SpamTransformer", "SpamEncoderBlock", "QuestionOnlyNet", "McanIdGa", "McanSaGa", "McanSaSga", "McanQuestionQueries"];

    [Theory]
    [MemberData(nameof(SequentialModels))]
    [MemberData(nameof(GraphModels))]
    public void OnnxRuntimeGivesWhatPredictGives(string name)
    {
        using CompiledModel model = Create(name);
        Randomize(model, seed: name.Length);
        const int Batch = 5;

        // Token inputs take ids of their vocabulary with about a third 0 (padding, masked), anywhere; others floats in [-1, 1).
        var random = new Random(7);
        var inputs = new List<float[]>();
        foreach (InputInfo input in model.Layout.Inputs)
        {
            int width = input.Shape.Aggregate(1, (a, b) => a * b);
            inputs.Add([.. Enumerable.Range(0, Batch * width).Select(_ => input.TokenVocabulary > 0
                ? (random.NextDouble() < 0.35 ? 0f : random.Next(1, input.TokenVocabulary))
                : (float)((random.NextDouble() * 2) - 1))]);
        }

        if (name == "MaskedAttentionNet")
        {
            // Steps 1 and 4 of every row padded (all features 0), and the whole of row 2 but its first step.
            foreach (int row in Enumerable.Range(0, Batch))
            {
                foreach (int step in row == 2 ? [1, 2, 3, 4, 5] : new[] { 1, 4 })
                {
                    Array.Clear(inputs[0], ((row * 6) + step) * 4, 4);
                }
            }
        }

        float[] expected = model.Predict(inputs);

        string path = Path.Combine(_folder, name + ".onnx");
        model.ExportOnnx(path);
        float[] actual = RunOnnx(path, [.. model.Layout.Inputs.Select((input, i) => (input.Name, inputs[i], (int[])[Batch, .. input.Shape]))]);

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

    private static CompiledModel Create(string name) => name switch
    {
        "CancerNet" => new CancerNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "HotelNet" => new HotelNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "FashionNet" => new FashionNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "DigitsNet" => new DigitsNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "MaskedAttentionNet" => new MaskedAttentionNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "MaskedRecurrentNet" => new MaskedRecurrentNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "SpamNet" => new SpamNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "SpamTransformer" => new SpamTransformer(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "SpamEncoderBlock" => new SpamEncoderBlock(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "QuestionOnlyNet" => new QuestionOnlyNet(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "McanIdGa" => new McanIdGa(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "McanSaGa" => new McanSaGa(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "McanSaSga" => new McanSaSga(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
        "McanQuestionQueries" => new McanQuestionQueries(batchCapacity: 8, seed: 1, device: Device.Cpu(1)),
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

    private static float[] RunOnnx(string path, string inputName, float[] data, int[] shape) => RunOnnx(path, [(inputName, data, shape)]);

    private static float[] RunOnnx(string path, (string Name, float[] Data, int[] Shape)[] inputs)
    {
        using var session = new InferenceSession(path);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(
            [.. inputs.Select(input => NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(input.Data, input.Shape)))]);
        return [.. results.Single().AsEnumerable<float>()];
    }
}
