using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Tests;

/// <summary>The pipeline caches: an identical rerun re-emits nothing, a comment does not re-emit, a real change does.</summary>
public sealed class IncrementalityTests
{
    [Fact]
    public void IdenticalRerun_IsCached()
    {
        var compilation = GeneratorHarness.Compilation(Models.CancerNet);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Validate, TrackingNames.Emit })
        {
            Assert.All(Outputs(result, step), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        }
    }

    [Fact]
    public void CommentOnlyEdit_DoesNotReEmit()
    {
        var result = RunEdited(Models.CancerNet, "// Breast-cancer classifier.\n" + Models.CancerNet);
        Assert.Contains(IncrementalStepRunReason.Modified, Outputs(result, TrackingNames.Parse));
        Assert.All(Outputs(result, TrackingNames.Validate), reason => Assert.Equal(IncrementalStepRunReason.Unchanged, reason));
        Assert.All(Outputs(result, TrackingNames.Emit), reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
    }

    [Fact]
    public void RealChange_ReEmits()
    {
        var result = RunEdited(Models.CancerNet, Models.CancerNet.Replace("Dense(64, Activation.ReLU)", "Dense(32, Activation.ReLU)", StringComparison.Ordinal));
        Assert.Equal([IncrementalStepRunReason.Modified], Outputs(result, TrackingNames.Emit));
        Assert.Matches(@"Dense0Out = 32; +// dense0 +\(B, 32\) after ReLU", Assert.Single(result.GeneratedSources).SourceText.ToString());
    }

    [Fact]
    public void UnrelatedFileEdit_DoesNotReEmit()
    {
        var compilation = GeneratorHarness.Compilation(Models.CancerNet);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions, path: "Other.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.All(Outputs(result, TrackingNames.Emit), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void LayersWithoutModel_IdenticalRerun_IsCached()
    {
        const string source = "using ModelGen;\nnamespace Demo;\n[Input(3)][Dense(1)]\ninternal partial class Forgotten;\n";
        var compilation = GeneratorHarness.Compilation(source);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        Assert.Equal("MG0010", Assert.Single(driver.GetRunResult().Diagnostics).Id);

        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.All(Outputs(result, TrackingNames.MissingModel), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        Assert.Equal("MG0010", Assert.Single(result.Diagnostics).Id);
    }

    private static GeneratorRunResult RunEdited(string before, string after)
    {
        var compilation = GeneratorHarness.Compilation(before);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var oldTree = compilation.SyntaxTrees.Single(tree => tree.FilePath == "Model.cs");
        var edited = compilation.ReplaceSyntaxTree(oldTree, CSharpSyntaxTree.ParseText(after, GeneratorHarness.ParseOptions, path: "Model.cs"));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    private static List<IncrementalStepRunReason> Outputs(GeneratorRunResult result, string step)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"Step {step} was not tracked.");
        var reasons = runs.SelectMany(run => run.Outputs).Select(output => output.Reason).ToList();
        Assert.NotEmpty(reasons);
        return reasons;
    }
}
