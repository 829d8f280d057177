using System.Diagnostics;

namespace ModelGen.Aot.Tests;

/// <summary>Runs the dotnet CLI and built programs for the packaging tests.</summary>
internal static class ProcessRunner
{
    /// <summary>The folder holding ModelGen.sln, found upwards from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ModelGen.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"No ModelGen.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs a program to its end (or kills it at the timeout) and returns its exit code and its output.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var (exitCode, output, error) = Run(fileName, arguments, workingDirectory, timeout, standardInput: null);
        return (exitCode, output + error);
    }

    /// <summary>
    /// Runs a program to its end (or kills it at the timeout) with <paramref name="standardInput"/> written to its standard
    /// input (closed at once when null), and returns its exit code and its standard output and error apart.
    /// </summary>
    public static (int ExitCode, string Output, string Error) Run(string fileName, string arguments, string workingDirectory, TimeSpan timeout, string? standardInput)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdin = Task.Run(() =>
        {
            using var writer = process.StandardInput;
            writer.Write(standardInput ?? "");
        });
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {arguments} ran past {timeout}.");
        }

        stdin.Wait(timeout);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
