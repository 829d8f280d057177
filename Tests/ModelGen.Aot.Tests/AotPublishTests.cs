namespace ModelGen.Aot.Tests;

/// <summary>
/// Publishes the breast-cancer sample (PublishAot=true in its project file) for linux-x64, asserts the publish shows no trimming or AOT
/// warning, and runs the native binary for a short training. Run it alone with
/// <c>dotnet test Tests/ModelGen.Aot.Tests</c> or filter it with <c>--filter Category=Aot</c>.
/// </summary>
public sealed class AotPublishTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait("Category", "Aot")]
    public void Sample_PublishesWithoutWarnings_AndTheNativeBinaryTrains()
    {
        string publishDir = NativePublish.NewFolder("modelgen-aot-");
        try
        {
            NativePublish.Publish(Path.Combine("Samples", "BreastCancer", "BreastCancer.csproj"), publishDir);

            string binary = Path.Combine(publishDir, "BreastCancer");
            Assert.True(File.Exists(binary), $"No native binary at {binary}.");
            string outDir = Path.Combine(publishDir, "out");
            var run = ProcessRunner.Run(binary, $"--epochs 5 --threads 1 --out \"{outDir}\"", publishDir, RunTimeout);
            Assert.True(run.ExitCode == 0, $"The native sample failed ({run.ExitCode}):\n{run.Output}");
            Assert.Contains("identical predictions", run.Output);
            Assert.True(File.Exists(Path.Combine(outDir, "cancer.safetensors")), "The native sample wrote no weights.");
        }
        finally
        {
            NativePublish.Delete(publishDir);
        }
    }
}
