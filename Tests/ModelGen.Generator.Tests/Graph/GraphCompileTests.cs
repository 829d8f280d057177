using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Graph;

/// <summary>
/// Graph models whose bodies use every form the generator compiles (two inputs, a shared layer, Concat, Split, scaling,
/// a difference; the formula's MatMul, Softmax, Transpose, Reshape and Mean, a loop over a [Repeat] of [Block]s) give
/// code that compiles without a single diagnostic, and the backward pass adds the gradients of a tensor used twice.
/// </summary>
public sealed class GraphCompileTests
{
    [Theory]
    [InlineData(nameof(GraphModels.Residual))]
    [InlineData(nameof(GraphModels.Formula))]
    public void GraphModel_GeneratesCodeThatCompiles(string name)
    {
        string source = name == nameof(GraphModels.Residual) ? GraphModels.Residual : GraphModels.Formula;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

    [Fact]
    public void SharedLayer_SharesItsParametersAndAddsItsGradients()
    {
        var (result, _) = GeneratorHarness.Run(GraphModels.Residual);
        string code = result.GeneratedSources.Single(source => source.HintName == "Demo.TwoTowers.g.cs").SourceText.ToString();

        // One weight, two calls: the second reads it through an alias constant, and both backward steps accumulate into its gradient.
        Assert.Single(code.Split('\n'), line => line.Contains("private const int SharedWeight ", StringComparison.Ordinal));
        Assert.Single(code.Split('\n'), line => line.Contains("Fixed(GradientBase + SharedWeight, 64)", StringComparison.Ordinal));
        Assert.Single(code.Split('\n'), line => line.Contains("Fixed(GradientBase + SharedCall2Weight, 64)", StringComparison.Ordinal));
        Assert.Contains("SharedCall2Out", code, StringComparison.Ordinal);
        Assert.Contains("private const int SharedCall2Weight = SharedWeight;", code, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopOverRepeatedBlock_UnrollsWithOwnWeights()
    {
        var (result, _) = GeneratorHarness.Run(GraphModels.Formula);
        string code = result.GeneratedSources.Single(source => source.HintName == "Demo.Formula.g.cs").SourceText.ToString();
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains($"\"blocks.{i}.inner.weight\"", code, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\"blocks.3.", code, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ListsLayersOnceAndOperationsWithTheirFlops()
    {
        var (result, _) = GeneratorHarness.Run(GraphModels.Residual);
        string code = result.GeneratedSources.Single(source => source.HintName == "Demo.TwoTowers.g.cs").SourceText.ToString();

        // The shared layer is one row with both calls' FLOPs (2 x (2 x 8 x 8 + 8 for the bias + 8 for ReLU)).
        Assert.Single(code.Split('\n'), line => line.Contains("│ shared (Dense)", StringComparison.Ordinal));
        Assert.Contains("│ shared (Dense)         │ (None, 8)      │         72 │          288 │", code, StringComparison.Ordinal);

        var formula = GeneratorHarness.Run(GraphModels.Formula).Result.GeneratedSources.Single(source => source.HintName == "Demo.Formula.g.cs").SourceText.ToString();

        // Q K^T: (6, 4) x (4, 6), 2 x 36 x 4 FLOPs; the softmax, 3 per score.
        Assert.Contains("│ matmul3 (MatMul)        │ (None, 6, 6)    │          0 │          288 │", formula, StringComparison.Ordinal);
        Assert.Contains("│ softmax5 (Softmax)      │ (None, 6, 6)    │          0 │          108 │", formula, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockOverAnyLength_CompilesOnlyAsALayer()
    {
        const string source = """
            using ModelGen;

            namespace Demo;

            [Model]
            internal partial class Unit
            {
                [Input(-1, 4)] public partial Tensor X { get; }
                [Dense(4, Activation.Tanh)] public partial Layer Inner { get; }

                [Forward]
                Tensor Forward() => X + Inner(X);
            }

            [Model]
            internal partial class Net
            {
                [Input(5, 4)] public partial Tensor A { get; }
                [Input(3, 4)] public partial Tensor B { get; }
                [Block(typeof(Unit))] public partial Layer First { get; }
                [Block(typeof(Unit))] public partial Layer Second { get; }
                [Dense(1)] public partial Layer Head { get; }

                [Forward]
                Tensor Forward() => Head(Tensor.Mean(First(A), axis: 1) + Tensor.Mean(Second(B), axis: 1));
            }
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["Demo.Net.g.cs", "Demo.Net.Members.g.cs", "Demo.Unit.Members.g.cs"], result.GeneratedSources.Select(s => s.HintName).Order());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));

        var wrongRank = GeneratorHarness.Run(source.Replace("First(A)", "First(Tensor.Reshape(A, 20))")).Result.Diagnostics;
        var error = Assert.Single(wrongRank);
        Assert.Equal("MG3003", error.Id);
        Assert.Contains("is declared (B, any, 4) but the call passes (B, 20)", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
