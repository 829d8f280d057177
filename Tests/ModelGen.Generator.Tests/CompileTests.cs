using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests;

/// <summary>
/// Generated code compiled against the built runtime and kernels straight from a generator run, whatever the
/// baselines say: it must add no warning or error anywhere, so it fits the CompiledModel and ModelLayout contract.
/// </summary>
public sealed class CompileTests
{
    [Theory]
    [InlineData(nameof(Models.CancerNet))]
    [InlineData(nameof(Models.Classifier))]
    [InlineData(nameof(Models.Regression))]
    [InlineData(nameof(Models.Standalone))]
    [InlineData(nameof(Models.Unfused))]
    [InlineData(nameof(Models.TrailingDropout))]
    public void GeneratedCode_CompilesAgainstTheRuntime(string model)
    {
        string source = (string)typeof(Models).GetField(model)!.GetValue(null)!;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);

        var found = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
