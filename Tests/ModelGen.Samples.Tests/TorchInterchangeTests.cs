using System.IO.Compression;
using System.Text.Json;
using ModelGen.Kernels;
using Xunit.Abstractions;
using ModelGen.Samples.BreastCancer;
using ModelGen.Samples.FashionMnist;
using ModelGen.Samples.FashionVqa;
using ModelGen.Samples.HotelCancellations;
using ModelGen.Samples.SmsSpam;
using ModelGen.Samples.Sunspots;

namespace ModelGen.Samples.Tests;

/// <summary>
/// Every sample model's weights move to and from PyTorch (issue 15, section 2). Tools/TorchInterchange/torch_interchange.py
/// (Debian's python3-torch; CI needs no Python) defines each model's PyTorch twin and wrote the fixtures in
/// Fixtures/TorchInterchange: the twin's state_dict with random non-default values (BatchNorm running statistics and
/// num_batches_tracked included), the inputs and the twin's outputs in eval mode; and, from the files these tests
/// write when asked (<see cref="WritesModelGenFilesWhenAsked"/>), whether load_state_dict(strict=True) took them and
/// what the twin then predicted. The weight files are gzipped (the tests unpack them to a temporary file first).
/// </summary>
public sealed class TorchInterchangeTests(ITestOutputHelper output)
{
    private const double TorchRelativeTolerance = 1e-5;

    // Relative error is measured against at least this magnitude, so outputs near zero are compared absolutely.
    private const double MagnitudeFloor = 1e-3;

    private const int Batch = 3;

    // The pool the ModelGen-written weights are drawn from, as the script's: a prime count of seeded normal floats.
    private const int PoolSize = 1021;
    private const int WriterSeed = 15;

    // Each sample model under the script's key.
    private static readonly Dictionary<string, Func<CompiledModel>> Models = new(StringComparer.Ordinal)
    {
        ["hotel_net"] = () => new HotelNet(Batch, 1, Device.Cpu(1)),
        ["cancer_net"] = () => new CancerNet(Batch, 1, Device.Cpu(1)),
        ["fashion_net"] = () => new FashionNet(Batch, 1, Device.Cpu(1)),
        ["simple_rnn_forecaster"] = () => new SimpleRnnForecaster(Batch, 1, Device.Cpu(1)),
        ["lstm_forecaster"] = () => new LstmForecaster(Batch, 1, Device.Cpu(1)),
        ["gru_forecaster"] = () => new GruForecaster(Batch, 1, Device.Cpu(1)),
        ["stacked_lstm_forecaster"] = () => new StackedLstmForecaster(Batch, 1, Device.Cpu(1)),
        ["spam_net"] = () => new SpamNet(Batch, 1, Device.Cpu(1)),
        ["spam_transformer"] = () => new SpamTransformer(Batch, 1, Device.Cpu(1)),
        ["mcan_sa_sga"] = () => new McanSaSga(Batch, 1, Device.Cpu(1)),
        ["mcan_sa_ga"] = () => new McanSaGa(Batch, 1, Device.Cpu(1)),
        ["mcan_id_ga"] = () => new McanIdGa(Batch, 1, Device.Cpu(1)),
        ["mcan_question_queries"] = () => new McanQuestionQueries(Batch, 1, Device.Cpu(1)),
        ["question_only_net"] = () => new QuestionOnlyNet(Batch, 1, Device.Cpu(1)),
    };

    public static TheoryData<string> Keys => [.. Models.Keys];

    [Theory]
    [MemberData(nameof(Keys))]
    public void PyTorchStateDictLoadsAndPredictsWhatPyTorchPredicts(string key)
    {
        using var folder = new TempFolder();
        using CompiledModel model = Models[key]();
        Sample torch = ReadSample(key + ".torch.json");
        Assert.Equal(model.Layout.OutputShape, torch.OutputShape[1..]);

        model.Load(Unpack(key + ".torch.safetensors.gz", folder));

        double error = AssertClose(key, torch.Outputs, Predict(model, torch.Inputs));
        output.WriteLine($"{key}: PyTorch's file in ModelGen, largest relative error {error:G3}");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ModelGenFileLoadsStrictlyIntoTheTwinAndPredictsTheSame(string key)
    {
        using var folder = new TempFolder();
        using var result = JsonDocument.Parse(File.ReadAllText(Fixture("interchange_result.json")));
        Assert.True(result.RootElement.GetProperty("models").TryGetProperty(key, out JsonElement entry), $"interchange_result.json has no {key}: run the script's check");
        Assert.True(entry.GetProperty("strict").GetBoolean(), $"{key}: load_state_dict(strict=True) refused ModelGen's file: {entry.GetProperty("error").GetString()}");
        Assert.True(entry.GetProperty("ok").GetBoolean());
        Assert.True(entry.GetProperty("max_relative_error").GetDouble() <= TorchRelativeTolerance);
        string[] strictKeys = Strings(entry.GetProperty("keys"));
        Assert.Equal(Strings(entry.GetProperty("twin_keys")), strictKeys);

        // Today's Save writes exactly the keys, dtypes and shapes that PyTorch loaded strictly, and the weights it
        // loaded predict in ModelGen what they predicted in PyTorch.
        using CompiledModel model = Models[key]();
        model.Load(Unpack(key + ".modelgen.safetensors.gz", folder));
        string saved = folder.File("saved.safetensors");
        model.Save(saved);
        Assert.Equal(strictKeys, Signature(saved));
        float[] torchOutputs = [.. entry.GetProperty("outputs").EnumerateArray().Select(v => v.GetSingle())];
        double error = AssertClose(key, torchOutputs, Predict(model, ReadSample(key + ".torch.json").Inputs));
        output.WriteLine($"{key}: ModelGen's file in PyTorch, largest relative error {entry.GetProperty("max_relative_error").GetDouble():G3} there, {error:G3} here");
    }

    [Fact]
    public void AnotherModelsFileIsRefusedNamingTheTensorAndBothShapes()
    {
        // CancerNet's state_dict has only names HotelNet has too (dense0, norm0, dense1), with other shapes.
        using var folder = new TempFolder();
        using CompiledModel model = Models["hotel_net"]();

        var error = Assert.Throws<InvalidDataException>(() => model.Load(Unpack("cancer_net.torch.safetensors.gz", folder)));

        Assert.Contains("tensor 'norm0.weight' has shape (64), expected (63)", error.Message);
    }

    /// <summary>
    /// With MODELGEN_WRITE_TORCH_FIXTURES=1, writes each model's ModelGen file (seeded weights, every tensor non-default)
    /// and its outputs on the PyTorch fixture's inputs, for the script's check; otherwise does nothing.
    /// </summary>
    [Fact]
    public void WritesModelGenFilesWhenAsked()
    {
        if (Environment.GetEnvironmentVariable("MODELGEN_WRITE_TORCH_FIXTURES") != "1")
        {
            return;
        }

        using var folder = new TempFolder();
        foreach ((string key, Func<CompiledModel> create) in Models)
        {
            using CompiledModel model = create();
            model.WriteWeights(SeededWeights(model.Layout, model.WeightCount));
            string path = folder.File(key + ".safetensors");
            model.Save(path);
            using (FileStream source = File.OpenRead(path))
            using (FileStream target = File.Create(Fixture(key + ".modelgen.safetensors.gz")))
            using (var gzip = new GZipStream(target, CompressionLevel.SmallestSize))
            {
                source.CopyTo(gzip);
            }

            float[] outputs = Predict(model, ReadSample(key + ".torch.json").Inputs);
            File.WriteAllText(Fixture(key + ".modelgen.json"), JsonSerializer.Serialize(new { model = key, outputs }));
        }
    }

    // Every tensor from one pool of seeded normal floats walked on across the layout, scaled as the script scales
    // PyTorch's: running variances 0.5 + |v|, other ones-initialised vectors (gammas) 1 + 0.3 v, other vectors 0.3 v,
    // matrices v * 1.5 / sqrt(fan-in).
    private static float[] SeededWeights(ModelLayout layout, int count)
    {
        var random = new Random(WriterSeed);
        double[] pool = new double[PoolSize];
        for (int i = 0; i < PoolSize; i++)
        {
            pool[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        var weights = new float[count];
        int position = 0;
        foreach (ParameterInfo parameter in layout.Parameters)
        {
            for (int i = 0; i < parameter.Length; i++)
            {
                double v = pool[(position + i) % PoolSize];
                weights[parameter.Offset + i] = (float)(parameter.Shape.Length > 1
                    ? v * 1.5 / Math.Sqrt(parameter.Length / parameter.Shape[0])
                    : parameter.Name.EndsWith(".running_var", StringComparison.Ordinal) ? 0.5 + Math.Abs(v)
                    : parameter.Init == ParameterInit.Ones ? 1 + 0.3 * v
                    : 0.3 * v);
            }

            position += parameter.Length;
        }

        return weights;
    }

    private static float[] Predict(CompiledModel model, float[][] inputs) =>
        inputs.Length == 1 ? model.Predict(inputs[0]) : model.Predict(inputs);

    // ModelGen's outputs against PyTorch's; returns the largest relative error.
    private static double AssertClose(string key, float[] torch, float[] modelGen)
    {
        Assert.Equal(torch.Length, modelGen.Length);
        double largest = 0;
        for (int i = 0; i < torch.Length; i++)
        {
            double error = Math.Abs(modelGen[i] - torch[i]) / Math.Max(Math.Abs(torch[i]), MagnitudeFloor);
            Assert.True(error <= TorchRelativeTolerance,
                $"{key} output {i}: ModelGen {modelGen[i]:R}, PyTorch {torch[i]:R} (relative error {error:G3})");
            largest = Math.Max(largest, error);
        }

        return largest;
    }

    // A file's tensors as the script writes them: "name DTYPE (shape)" in Python's tuple notation, sorted.
    private static string[] Signature(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int length = checked((int)BitConverter.ToUInt64(file, 0));
        using var header = JsonDocument.Parse(file.AsMemory(8, length));
        return [.. header.RootElement.EnumerateObject()
            .Where(tensor => tensor.Name != "__metadata__")
            .Select(tensor =>
            {
                int[] shape = [.. tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];
                string dimensions = string.Join(", ", shape) + (shape.Length == 1 ? "," : "");
                return $"{tensor.Name} {tensor.Value.GetProperty("dtype").GetString()} ({dimensions})";
            })
            .Order(StringComparer.Ordinal)];
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(s => s.GetString()!)];

    private static Sample ReadSample(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Fixture(name)));
        JsonElement root = document.RootElement;
        float[][] inputs = [.. root.GetProperty("inputs").EnumerateArray().Select(input => input.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        int[] outputShape = [.. root.GetProperty("output_shape").EnumerateArray().Select(d => d.GetInt32())];
        float[] outputs = [.. root.GetProperty("outputs").EnumerateArray().Select(v => v.GetSingle())];
        return new Sample(inputs, outputShape, outputs);
    }

    // The gzipped weight file unpacked into the folder: Load reads a plain safetensors file.
    private static string Unpack(string name, TempFolder folder)
    {
        string path = folder.File(name[..^".gz".Length]);
        using FileStream source = File.OpenRead(Fixture(name));
        using var gzip = new GZipStream(source, CompressionMode.Decompress);
        using FileStream target = File.Create(path);
        gzip.CopyTo(target);
        return path;
    }

    // The fixtures live in the source tree (the folder holding ModelGen.sln, above the test's output).
    private static string Fixture(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelGen.sln")))
            {
                return Path.Combine(folder.FullName, "Tests", "ModelGen.Samples.Tests", "Fixtures", "TorchInterchange", name);
            }
        }

        throw new DirectoryNotFoundException($"No ModelGen.sln above {AppContext.BaseDirectory}: the PyTorch fixtures are read from the source tree.");
    }

    private sealed record Sample(float[][] Inputs, int[] OutputShape, float[] Outputs);
}
