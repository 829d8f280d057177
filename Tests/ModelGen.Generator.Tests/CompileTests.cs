using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Tests;

/// <summary>
/// Generated code compiled with the runtime's sources (embedded in this assembly) and the kernels assembly:
/// it must add no diagnostic anywhere, so it fits the CompiledModel and ModelLayout contract exactly.
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
        var references = new[] { MetadataReference.CreateFromFile(typeof(ModelGen.Kernels.IBackend).Assembly.Location) };

        // The runtime compiled alone is the baseline: its own state (complete or not) is not this test's concern.
        var baseline = GeneratorHarness.Compilation("", references, withAttributeSources: false).AddSyntaxTrees(RuntimeTrees());
        var baselineErrors = baseline.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToHashSet();

        var compilation = GeneratorHarness.Compilation(source, references, withAttributeSources: false).AddSyntaxTrees(RuntimeTrees());
        var driver = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        Assert.Single(driver.GetRunResult().GeneratedTrees);

        var added = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !baselineErrors.Contains(d.ToString())).ToList();
        Assert.True(added.Count == 0, string.Join("\n", added));
    }

    private static IEnumerable<SyntaxTree> RuntimeTrees()
    {
        var assembly = typeof(CompileTests).Assembly;
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Runtime.", StringComparison.Ordinal)).Order())
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return CSharpSyntaxTree.ParseText(reader.ReadToEnd(), GeneratorHarness.ParseOptions, path: name);
        }
    }
}
