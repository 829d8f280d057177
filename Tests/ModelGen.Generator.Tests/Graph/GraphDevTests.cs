using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Graph;

public sealed class GraphDevTests
{
    [Theory]
    [InlineData(nameof(GraphModels.Residual))]
    [InlineData(nameof(GraphModels.Formula))]
    public void GraphModel_GeneratesCodeThatCompiles(string name)
    {
        string source = name == nameof(GraphModels.Residual) ? GraphModels.Residual : GraphModels.Formula;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        foreach (var file in result.GeneratedSources)
        {
            System.IO.File.WriteAllText("/tmp/graph-" + file.HintName + ".txt", file.SourceText.ToString());
        }

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }
}
