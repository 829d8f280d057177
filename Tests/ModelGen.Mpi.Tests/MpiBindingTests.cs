using System.Diagnostics;

namespace ModelGen.Mpi.Tests;

/// <summary>
/// The Open MPI binding across real processes: <c>mpirun -np 2 --oversubscribe</c> runs Tools/MpiCheck, whose ranks sum
/// floats and doubles with MPI_Allreduce; a rank that dies makes mpirun end the job, within a bounded time, never hang;
/// alone, the same program loads no MPI library.
/// </summary>
public sealed class MpiBindingTests
{
    private static readonly string s_check = Path.Combine(AppContext.BaseDirectory, "MpiCheck.dll");

    [Fact]
    public void TwoRanksSumFloatsAndDoublesInPlace()
    {
        (int code, string output) = Run("mpirun", $"-np 2 --oversubscribe --allow-run-as-root dotnet {s_check} sum");
        Assert.True(code == 0, output);
        Assert.Contains("rank 0 of 2: float sum 3, double sum 0.5, ok", output, StringComparison.Ordinal);
        Assert.Contains("rank 1 of 2: float sum 3, double sum 0.5, ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ARankThatDiesEndsTheJobInsteadOfHangingTheOthers()
    {
        var clock = Stopwatch.StartNew();
        (int code, string output) = Run("mpirun", $"-np 2 --oversubscribe --allow-run-as-root dotnet {s_check} die");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("returned without rank 1", output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void AloneTheProgramLoadsNoMpiLibrary()
    {
        (int code, string output) = Run("dotnet", $"{s_check} sum");
        Assert.Equal(0, code);
        Assert.Contains("alone: no MPI library loaded, World is null", output, StringComparison.Ordinal);
    }

    /// <summary>Runs a command to its end (killed after 2 minutes), returning its exit code and its output and errors.</summary>
    private static (int Code, string Output) Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("OMPI_COMM_WORLD_SIZE");
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after 2 minutes: " + output.Result + errors.Result);
        }

        return (process.ExitCode, output.Result + errors.Result);
    }
}
