using System.Runtime.CompilerServices;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The generated file compared byte for byte with a baseline under Snapshots/. To accept a new output, run the
/// tests with MODELGEN_UPDATE_SNAPSHOTS=1 and review the diff.
/// </summary>
public sealed class SnapshotTests
{
    private const string UpdateVariable = "MODELGEN_UPDATE_SNAPSHOTS";

    [Fact]
    public void CancerNet_MatchesSnapshot() => AssertSnapshot(Models.CancerNet, "Demo.CancerNet.g.cs");

    [Fact]
    public void DigitNet_MatchesSnapshot() => AssertSnapshot(Models.Classifier, "Demo.Vision.DigitNet.g.cs");

    [Fact]
    public void IrisNet_MatchesSnapshot() => AssertSnapshot(Models.Standalone, "Demo.IrisNet.g.cs");

    [Fact]
    public void Squash_MatchesSnapshot() => AssertSnapshot(Models.Unfused, "Demo.Squash.g.cs");

    [Fact]
    public void Margin_MatchesSnapshot() => AssertSnapshot(Models.TrailingDropout, "Demo.Margin.g.cs");

    [Fact]
    public void GlobalNamespace_IsNamedAfterTheClassAlone()
    {
        var result = GeneratorHarness.Run(Models.Regression).Result;
        Assert.Equal("HousePrice.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }

    private static void AssertSnapshot(string source, string hintName, [CallerFilePath] string testFile = "")
    {
        var result = GeneratorHarness.Run(source).Result;
        Assert.Empty(result.Diagnostics);
        var generated = Assert.Single(result.GeneratedSources);
        Assert.Equal(hintName, generated.HintName);
        string actual = generated.SourceText.ToString();
        string path = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots", hintName + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"No baseline at {path}; run with {UpdateVariable}=1 to write it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
