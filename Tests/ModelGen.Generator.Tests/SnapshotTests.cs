using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The generated file compared byte for byte with a baseline under Snapshots/, by Microsoft.CodeAnalysis.Testing: it
/// also compiles the model with the generated file against the built runtime and fails on any compiler diagnostic.
/// To accept a new output, run the tests with MODELGEN_UPDATE_SNAPSHOTS=1 and review the diff.
/// </summary>
public sealed class SnapshotTests
{
    private const string UpdateVariable = "MODELGEN_UPDATE_SNAPSHOTS";

    [Fact]
    public Task CancerNet_MatchesSnapshot() => VerifySnapshotAsync(Models.CancerNet, "Demo.CancerNet.g.cs");

    [Fact]
    public Task DigitNet_MatchesSnapshot() => VerifySnapshotAsync(Models.Classifier, "Demo.Vision.DigitNet.g.cs");

    [Fact]
    public Task IrisNet_MatchesSnapshot() => VerifySnapshotAsync(Models.Standalone, "Demo.IrisNet.g.cs");

    [Fact]
    public Task Squash_MatchesSnapshot() => VerifySnapshotAsync(Models.Unfused, "Demo.Squash.g.cs");

    [Fact]
    public Task Margin_MatchesSnapshot() => VerifySnapshotAsync(Models.TrailingDropout, "Demo.Margin.g.cs");

    [Fact]
    public Task Gate_DropoutsSkippedAtInferenceExceptTheLogits_MatchesSnapshot() => VerifySnapshotAsync(Models.DropoutLogits, "Demo.Gate.g.cs");

    [Fact]
    public Task FashionNet_Convolutional_MatchesSnapshot() => VerifySnapshotAsync(Models.Cnn, "Demo.FashionNet.g.cs");

    [Fact]
    public Task MapZoo_EveryMapKind_MatchesSnapshot() => VerifySnapshotAsync(Models.Maps, "Demo.MapZoo.g.cs");

    [Fact]
    public Task Spots_FlattenReadsThroughSkippedDropout_MatchesSnapshot() => VerifySnapshotAsync(Models.FlattenAfterDropout, "Demo.Spots.g.cs");

    [Fact]
    public Task Reviews_MaskedEmbeddingLstmGru_MatchesSnapshot() => VerifySnapshotAsync(Models.Recurrent, "Demo.Reviews.g.cs");

    /// <summary>A model in the global namespace: its file is named after the class alone.</summary>
    [Fact]
    public Task HousePrice_GlobalNamespace_MatchesSnapshot() => VerifySnapshotAsync(Models.Regression, "HousePrice.g.cs");

    private static async Task VerifySnapshotAsync(string source, string hintName, [CallerFilePath] string testFile = "")
    {
        string path = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots", hintName + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            // The Testing framework only compares, so the new baseline comes from running the generator directly.
            var result = GeneratorHarness.Run(source).Result;
            await File.WriteAllTextAsync(path, Assert.Single(result.GeneratedSources).SourceText.ToString());
        }

        Assert.True(File.Exists(path), $"No baseline at {path}; run with {UpdateVariable}=1 to write it.");
        var test = new ModelGenGeneratorTest(source);
        test.TestState.GeneratedSources.Add((typeof(ModelGenGenerator), hintName, SourceText.From(await File.ReadAllTextAsync(path), Encoding.UTF8)));
        await test.RunAsync();
    }
}
