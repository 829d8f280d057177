using System.Text.RegularExpressions;

namespace ModelGen.Aot.Tests;

/// <summary>Publishes a project with NativeAOT for linux-x64 and fails on any warning.</summary>
internal static partial class NativePublish
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);

    /// <summary>
    /// Runs <c>dotnet publish</c> on <paramref name="project"/> (relative to the repository root) into
    /// <paramref name="publishDir"/>, and asserts that it succeeds and shows no trimming, AOT, compiler or NuGet warning.
    /// </summary>
    public static void Publish(string project, string publishDir)
    {
        string root = ProcessRunner.RepositoryRoot();
        // Warnings are errors in every project, so a trimming or AOT warning would also fail the publish; both are checked.
        var publish = ProcessRunner.Run("dotnet", $"publish \"{Path.Combine(root, project)}\" -c Release -r linux-x64 -o \"{publishDir}\" -nologo -clp:NoSummary", root, PublishTimeout);
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed ({publish.ExitCode}):\n{publish.Output}");
        string[] warnings = WarningPattern().Matches(publish.Output).Select(m => m.Value).Distinct().ToArray();
        Assert.True(warnings.Length == 0, "The AOT publish shows warnings:\n" + string.Join("\n", warnings));
    }

    /// <summary>A new folder name under the temporary folder (not yet created).</summary>
    public static string NewFolder(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    /// <summary>Deletes <paramref name="folder"/> and everything in it, if it exists.</summary>
    public static void Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // MSBuild's warning lines: "path(line,col): warning IL2026: ..." or "warning IL3050: ...".
    [GeneratedRegex(@"warning (IL\d{4}|CS\d{4}|NU\d{4}|NETSDK\d{4})[^\r\n]*")]
    private static partial Regex WarningPattern();
}
