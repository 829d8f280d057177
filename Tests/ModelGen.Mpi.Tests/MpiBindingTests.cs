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
    internal static (int Code, string Output) Run(string file, string arguments)
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

/// <summary>
/// Data-parallel Fit over two ranks against one process on the breast-cancer data: the same global batches, shuffled
/// order and dropout masks, so the same weights but for the order of float sums (each rank sums its half of a batch's
/// gradient, then the halves are added); only rank 0 prints and writes.
/// </summary>
public sealed class DataParallelTrainingTests : IDisposable
{
    private static readonly string s_check = Path.Combine(AppContext.BaseDirectory, "MpiCheck.dll");

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-mpi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TwoRanksTrainTheWeightsOfOneProcessToFloatTolerance()
    {
        string alone = Path.Combine(_folder, "alone.safetensors"), two = Path.Combine(_folder, "two.safetensors");
        (int code, string output) = MpiBindingTests.Run("dotnet", $"{s_check} train {alone}");
        Assert.True(code == 0, output);
        (code, string distributed) = MpiBindingTests.Run("mpirun", $"-np 2 --oversubscribe --allow-run-as-root dotnet {s_check} train {two}");
        Assert.True(code == 0, distributed);

        // One set of epoch lines: rank 0's.
        Assert.Single(distributed.Split('\n'), line => line.StartsWith("Epoch 8/8", StringComparison.Ordinal));
        using var first = new ModelGen.Tools.MpiCheck.DropoutNet(batchCapacity: 1, seed: 0, device: Kernels.Device.Cpu(1));
        using var second = new ModelGen.Tools.MpiCheck.DropoutNet(batchCapacity: 1, seed: 0, device: Kernels.Device.Cpu(1));
        first.Load(alone);
        second.Load(two);
        float[] a = new float[first.WeightCount], b = new float[second.WeightCount];
        first.ReadWeights(a);
        second.ReadWeights(b);
        Assert.NotEqual(new float[a.Length], a);
        double largest = a.Zip(b, (x, y) => Math.Abs(x - y) / (1 + Math.Abs(x))).Max();
        Assert.True(largest <= 1e-4, $"largest relative difference {largest:R} after 8 epochs");

        // The epoch-wide metrics (precision, recall, AUC: counts summed over the ranks) are the single process's.
        double[] Final(string text) => [.. System.Text.RegularExpressions.Regex.Match(text, @"final val_loss (\S+) val_precision (\S+) val_recall (\S+) val_auc (\S+) auc (\S+)")
            .Groups.Values.Skip(1).Select(g => double.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture))];
        double[] one = Final(output), both = Final(distributed);
        Assert.Equal(5, one.Length);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(Math.Abs(one[i] - both[i]) <= 1e-5, $"figure {i}: one process {one[i]:R}, two ranks {both[i]:R}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheBreastCancerModelTrainsAsOneProcessOnlyWithSynchronisedBatchNorm(bool synchronised)
    {
        // CancerNet: Dense, BatchNorm with a fused Dropout, Dense. Synchronised, the two ranks normalise with the global
        // batch's moments and match one process; per rank (the default), each rank's half has its own moments.
        string alone = Path.Combine(_folder, "alone.safetensors"), two = Path.Combine(_folder, "two.safetensors");
        (int code, string output) = MpiBindingTests.Run("dotnet", $"{s_check} train {alone} cancer");
        Assert.True(code == 0, output);
        string sync = synchronised ? " --sync-batch-norm" : "";
        (code, string distributed) = MpiBindingTests.Run("mpirun", $"-np 2 --oversubscribe --allow-run-as-root dotnet {s_check} train {two} cancer{sync}");
        Assert.True(code == 0, distributed);

        using var first = new ModelGen.Samples.BreastCancer.CancerNet(batchCapacity: 1, seed: 0, device: Kernels.Device.Cpu(1));
        using var second = new ModelGen.Samples.BreastCancer.CancerNet(batchCapacity: 1, seed: 0, device: Kernels.Device.Cpu(1));
        first.Load(alone);
        second.Load(two);
        float[] a = new float[first.WeightCount], b = new float[second.WeightCount];
        first.ReadWeights(a);
        second.ReadWeights(b);
        double largest = a.Zip(b, (x, y) => Math.Abs(x - y) / (1 + Math.Abs(x))).Max();
        if (synchronised)
        {
            Assert.True(largest <= 1e-4, $"largest relative difference {largest:R} after 8 epochs, BatchNorm synchronised");
        }
        else
        {
            Assert.True(largest > 1e-3, $"per-rank BatchNorm came within {largest:R} of one process: the test would not tell the two apart");
        }
    }

    [Fact]
    public void ARankThatDiesMidEpochEndsTheJobWithAMessageNotAHang()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string weights = Path.Combine(_folder, "never.safetensors");
        (int code, string output) = MpiBindingTests.Run("mpirun", $"-np 2 --oversubscribe --allow-run-as-root dotnet {s_check} train {weights} --die-at 2");
        Assert.NotEqual(0, code);
        Assert.Contains("rank 1 dies at epoch 2, step 3", output, StringComparison.Ordinal);

        // mpirun names the process that ended the job.
        Assert.Matches(@"(?s)(exited|terminated|non-zero).*", output);
        Assert.False(File.Exists(weights));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void RankZeroAloneWritesWholeCheckpoints()
    {
        string weights = Path.Combine(_folder, "final.safetensors"), checkpoint = Path.Combine(_folder, "run-{epoch:02d}.ckpt");
        (int code, string output) = MpiBindingTests.Run("mpirun", $"-np 2 --oversubscribe --allow-run-as-root dotnet {s_check} train {weights} --checkpoint {checkpoint}");
        Assert.True(code == 0, output);

        // One checkpoint per epoch, each whole (a torn file would be refused by LoadCheckpoint), no temporary file left.
        string[] files = [.. Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["final.safetensors", .. Enumerable.Range(1, 8).Select(e => $"run-{e:00}.ckpt")], files);
        using var model = new ModelGen.Tools.MpiCheck.DropoutNet(batchCapacity: 1, seed: 0, device: Kernels.Device.Cpu(1));
        Assert.Equal(8, model.LoadCheckpoint(Path.Combine(_folder, "run-08.ckpt"), new Adam(0.01f)));
        using var final = new ModelGen.Tools.MpiCheck.DropoutNet(batchCapacity: 1, seed: 0, device: Kernels.Device.Cpu(1));
        final.Load(weights);
        float[] a = new float[model.WeightCount], b = new float[final.WeightCount];
        model.ReadWeights(a);
        final.ReadWeights(b);
        Assert.Equal(b, a);
    }
}
