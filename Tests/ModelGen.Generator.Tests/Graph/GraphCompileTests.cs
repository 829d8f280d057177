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

        // One weight, two calls: both read SharedWeight and both backward steps accumulate into its gradient.
        Assert.Single(code.Split('\n'), line => line.Contains("private const int SharedWeight ", StringComparison.Ordinal));
        Assert.Equal(2, code.Split('\n').Count(line => line.Contains("Fixed(GradientBase + SharedWeight, 64)", StringComparison.Ordinal)));
        Assert.Contains("SharedOut_2", code, StringComparison.Ordinal);
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
}
