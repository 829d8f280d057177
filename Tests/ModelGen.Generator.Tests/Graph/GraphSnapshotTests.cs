using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.Generator.Tests.Graph;

/// <summary>
/// The generated code of a Transformer encoder block (PyTorch's nn.TransformerEncoderLayer: post-norm, ReLU, dropout
/// 0.1) written as a graph model, and of the model that uses it as a [Block]: both files of each, compared with the
/// baselines in Snapshots/ (MODELGEN_UPDATE_SNAPSHOTS=1 rewrites them).
/// </summary>
public sealed class GraphSnapshotTests
{
    private const string UpdateVariable = "MODELGEN_UPDATE_SNAPSHOTS";

    public const string Encoder = """
        using ModelGen;

        namespace Demo;

        /// <summary>nn.TransformerEncoderLayer(128, 4, 512, batch_first=True).</summary>
        [Model]
        public partial class EncoderLayer
        {
            /// <summary>The sequence.</summary>
            [Input(64, 128)] public partial Tensor X { get; }
            /// <summary>Self-attention.</summary>
            [MultiHeadAttention(4, Dropout = 0.1)] public partial Layer SelfAttn { get; }
            /// <summary>After attention.</summary>
            [Dropout(0.1)] public partial Layer Dropout1 { get; }
            /// <summary>First norm.</summary>
            [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm1 { get; }
            /// <summary>FFN in.</summary>
            [Dense(512, Activation.ReLU)] public partial Layer Linear1 { get; }
            /// <summary>Inside the FFN.</summary>
            [Dropout(0.1)] public partial Layer Dropout { get; }
            /// <summary>FFN out.</summary>
            [Dense(128)] public partial Layer Linear2 { get; }
            /// <summary>After the FFN.</summary>
            [Dropout(0.1)] public partial Layer Dropout2 { get; }
            /// <summary>Second norm.</summary>
            [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm2 { get; }

            [Forward]
            Tensor Forward()
            {
                var x = Norm1(X + Dropout1(SelfAttn(X)));
                return Norm2(x + Dropout2(Linear2(Dropout(Linear1(x)))));
            }
        }

        /// <summary>The benchmark's regression head over one encoder layer.</summary>
        [Model(Loss = Loss.MeanSquaredError)]
        public partial class EncReg
        {
            /// <summary>The sequence.</summary>
            [Input(64, 128)] public partial Tensor X { get; }
            /// <summary>The encoder layer.</summary>
            [Block(typeof(EncoderLayer))] public partial Layer Enc { get; }
            /// <summary>The head.</summary>
            [Dense(1)] public partial Layer Head { get; }

            [Forward]
            Tensor Forward() => Head(Tensor.Mean(Enc(X), axis: 1));
        }
        """;

    [Fact]
    public Task EncoderBlock_MatchesSnapshot() => VerifyAsync();

    private static async Task VerifyAsync([CallerFilePath] string testFile = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(testFile)!, "..", "Snapshots");
        string[] hints = ["Demo.EncoderLayer.g.cs", "Demo.EncoderLayer.Members.g.cs", "Demo.EncReg.g.cs", "Demo.EncReg.Members.g.cs"];
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            var result = GeneratorHarness.Run(Encoder).Result;
            foreach (var source in result.GeneratedSources)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, source.HintName + ".txt"), source.SourceText.ToString());
            }
        }

        var test = new ModelGenGeneratorTest(Encoder);
        foreach (string hint in hints)
        {
            string path = Path.Combine(folder, hint + ".txt");
            Assert.True(File.Exists(path), $"No baseline at {path}; run with {UpdateVariable}=1 to write it.");
            test.TestState.GeneratedSources.Add((typeof(ModelGenGenerator), hint, SourceText.From(await File.ReadAllTextAsync(path), Encoding.UTF8)));
        }

        await test.RunAsync();
    }
}
