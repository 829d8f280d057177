using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Keras' BackupAndRestore: a run killed after an epoch, started again in a fresh model with the same callbacks, restores
/// the backup and ends bitwise where a run that never stopped ends; a finished run deletes its backup (and only it). And
/// Keras' LambdaCallback.
/// </summary>
public sealed class BackupAndRestoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-backup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AKilledRunRestartedWithTheSameCallbacksEndsAsOneThatNeverStopped()
    {
        // CancerNet shuffles, draws dropout masks and keeps BatchNorm statistics; EarlyStopping keeps its wait and best.
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var straight = new CancerNet(batchCapacity: 32, seed: 5, device: Device.Cpu(1));
        var straightStopping = new EarlyStopping(patience: 20);
        History all = straight.Fit(train, validation, batchSize: 32, epochs: 7, new Adam(),
            [straightStopping, new Kill(-1), new BackupAndRestore(Path.Combine(_folder, "straight"))], verbose: 0);
        Assert.False(Directory.Exists(Path.Combine(_folder, "straight")));

        string directory = Path.Combine(_folder, "run");
        using (var killed = new CancerNet(batchCapacity: 32, seed: 5, device: Device.Cpu(1)))
        {
            var kill = new Kill(3);
            Assert.Throws<OperationCanceledException>(() => killed.Fit(train, validation, batchSize: 32, epochs: 7, new Adam(),
                [new EarlyStopping(patience: 20), kill, new BackupAndRestore(directory)], verbose: 0));
        }

        Assert.True(File.Exists(Path.Combine(directory, "backup.mgckpt")));
        using var restarted = new CancerNet(batchCapacity: 32, seed: 5, device: Device.Cpu(1));
        var stopping = new EarlyStopping(patience: 20);
        History rest = restarted.Fit(train, validation, batchSize: 32, epochs: 7, new Adam(),
            [stopping, new Kill(-1), new BackupAndRestore(directory)], verbose: 0);

        // Epochs 0 to 2 finished before the kill at epoch 3's start: the restart runs 3 to 6, as Keras' does.
        Assert.Equal(4, rest.Epochs);
        Assert.Equal(all["val_loss"].Skip(3), rest["val_loss"]);
        Assert.Equal((straightStopping.Wait, straightStopping.BestValue), (stopping.Wait, stopping.BestValue));
        Assert.Equal(Weights(straight), Weights(restarted));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void AFinishedRunDeletesOnlyItsBackupOrKeepsItWhenAsked()
    {
        (Dataset train, _) = TestData.CancerSplit();
        string shared = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(shared);
        File.WriteAllText(Path.Combine(shared, "notes.txt"), "kept");
        using var model = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1));
        model.Fit(train, null, batchSize: 32, epochs: 2, new Adam(), [new BackupAndRestore(shared)], verbose: 0);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(shared).Select(Path.GetFileName));

        string kept = Path.Combine(_folder, "kept");
        var optimizer = new Adam();
        using var other = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1));
        other.Fit(train, null, batchSize: 32, epochs: 2, optimizer, [new BackupAndRestore(kept, deleteCheckpoint: false)], verbose: 0);
        Assert.True(File.Exists(Path.Combine(kept, "backup.mgckpt")));

        // A run that already finished its epochs: restored, nothing more to train, the kept backup stays.
        using var again = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1));
        History none = again.Fit(train, null, batchSize: 32, epochs: 2, new Adam(), [new BackupAndRestore(kept, deleteCheckpoint: false)], verbose: 0);
        Assert.Equal(0, none.Epochs);
        Assert.Equal(Weights(other), Weights(again));
    }

    [Fact]
    public void ABackupOfAnotherOptimizerIsRefusedBeforeAnythingChanges()
    {
        (Dataset train, _) = TestData.CancerSplit();
        string directory = Path.Combine(_folder, "sgd");
        using (var model = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1)))
        {
            model.Fit(train, null, batchSize: 32, epochs: 1, new Sgd(), [new BackupAndRestore(directory, deleteCheckpoint: false)], verbose: 0);
        }

        using var fresh = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1));
        float[] before = Weights(fresh);
        var refused = Assert.Throws<InvalidDataException>(() =>
            fresh.Fit(train, null, batchSize: 32, epochs: 3, new Adam(), [new BackupAndRestore(directory)], verbose: 0));
        Assert.Contains("continue with the same optimizer", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Weights(fresh));
        Assert.Throws<ArgumentException>(() => new BackupAndRestore(" "));
    }

    [Fact]
    public void ALambdaCallbackCallsItsDelegatesInKerasOrder()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        var calls = new List<string>();
        int batches = 0;
        var lambda = new LambdaCallback(
            onTrainBegin: () => calls.Add("train begin"),
            onEpochBegin: epoch => calls.Add($"epoch {epoch} begin"),
            onTrainBatchEnd: (batch, loss) => batches++,
            onEpochEnd: (epoch, logs) => calls.Add($"epoch {epoch} end, val_loss {logs.ContainsKey("val_loss")}"),
            onTrainEnd: logs => calls.Add("train end"));
        using var model = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1));
        model.Fit(train, validation, batchSize: 32, epochs: 2, new Adam(), [lambda, new LambdaCallback()], verbose: 0);

        Assert.Equal(["train begin", "epoch 0 begin", "epoch 0 end, val_loss True", "epoch 1 begin", "epoch 1 end, val_loss True", "train end"], calls);
        Assert.Equal(2 * ((train.Count + 31) / 32), batches);
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    /// <summary>Throws at the start of epoch <paramref name="epoch"/> (never when -1), as a killed process stops there.</summary>
    private sealed class Kill(int epoch) : Callback
    {
        public override void OnEpochBegin(int e)
        {
            if (e == epoch)
            {
                throw new OperationCanceledException($"killed at epoch {e}");
            }
        }
    }
}
