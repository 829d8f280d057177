using System.Text.RegularExpressions;

namespace ModelGen.Aot.Tests;

/// <summary>
/// Publishes the breast-cancer sample (PublishAot=true in its project file) for linux-x64, asserts the publish shows no trimming or AOT
/// warning, and runs the native binary for a short training. Run it alone with
/// <c>dotnet test Tests/ModelGen.Aot.Tests</c> or filter it with <c>--filter Category=Aot</c>.
/// </summary>
public sealed partial class AotPublishTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait("Category", "Aot")]
    public void Sample_PublishesWithoutWarnings_AndTheNativeBinaryTrains()
    {
        string root = ProcessRunner.RepositoryRoot();
        string project = Path.Combine(root, "Samples", "BreastCancer", "BreastCancer.csproj");
        string publishDir = Path.Combine(Path.GetTempPath(), "modelgen-aot-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Warnings are errors in every project, so a trimming or AOT warning would also fail the publish; both are checked.
            var publish = ProcessRunner.Run("dotnet", $"publish \"{project}\" -c Release -r linux-x64 -o \"{publishDir}\" -nologo -clp:NoSummary", root, PublishTimeout);
            Assert.True(publish.ExitCode == 0, $"dotnet publish failed ({publish.ExitCode}):\n{publish.Output}");
            string[] warnings = WarningPattern().Matches(publish.Output).Select(m => m.Value).Distinct().ToArray();
            Assert.True(warnings.Length == 0, "The AOT publish shows warnings:\n" + string.Join("\n", warnings));

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
            if (Directory.Exists(publishDir))
            {
                Directory.Delete(publishDir, recursive: true);
            }
        }
    }

    // MSBuild's warning lines: "path(line,col): warning IL2026: ..." or "warning IL3050: ...".
    [GeneratedRegex(@"warning (IL\d{4}|CS\d{4}|NU\d{4}|NETSDK\d{4})[^\r\n]*")]
    private static partial Regex WarningPattern();
}
