using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>ModelCheckpoint (issue 14, section 4): Keras' file names, save_best_only, and checkpoints a run continues from exactly.</summary>
public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-modelcheckpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void PathsAreFormattedAsKerasFormatsThem()
    {
        var logs = new Dictionary<string, double> { ["val_loss"] = 0.123456, ["loss"] = 2 };
        Assert.Equal("ckpt-03-0.1235.ckpt", ModelCheckpoint.Format("ckpt-{epoch:02d}-{val_loss:.4f}.ckpt", 3, logs));
        Assert.Equal("e12/2", ModelCheckpoint.Format("e{epoch}/{loss}", 12, logs));
        Assert.Throws<FormatException>(() => ModelCheckpoint.Format("{accuracy}.ckpt", 1, logs));
        Assert.Throws<FormatException>(() => ModelCheckpoint.Format("{epoch:x}.ckpt", 1, logs));
    }

    [Fact]
    public void SaveBestOnlyWritesOnlyImprovementsAndTheLastIsTheBestEpochsWeights()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 32, seed: 5, device: Device.Cpu(1));
        var checkpoint = new ModelCheckpoint(Path.Combine(_folder, "best-{epoch:02d}.safetensors"), saveBestOnly: true, saveWeightsOnly: true);
        var stopping = new EarlyStopping(patience: 50, restoreBestWeights: true);
        History history = model.Fit(train, validation, batchSize: 32, epochs: 8, new Adam(0.05f), [checkpoint, stopping], verbose: 0);

        // One file per new best val_loss, named by its 1-based epoch.
        var improvements = new List<int>();
        double best = double.PositiveInfinity;
        for (int epoch = 0; epoch < history.Epochs; epoch++)
        {
            if (history["val_loss"][epoch] < best)
            {
                best = history["val_loss"][epoch];
                improvements.Add(epoch + 1);
            }
        }

        Assert.Equal(improvements.Select(e => Path.Combine(_folder, $"best-{e:00}.safetensors")), checkpoint.Saved);
        Assert.Equal(best, checkpoint.Best);
        using var reloaded = new CancerNet(batchCapacity: 32, seed: 6, device: Device.Cpu(1));
        reloaded.Load(checkpoint.Saved[^1]);
        Assert.Equal(Weights(model), Weights(reloaded)); // EarlyStopping restored the same best epoch's weights
        Assert.Empty(Directory.GetFiles(_folder, ".*"));
    }

    [Fact]
    public void ATrainingCheckpointOfEpochTwoContinuesToTheWeightsOfThreeEpochs()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var straight = new CancerNet(batchCapacity: 32, seed: 7, device: Device.Cpu(1));
        var checkpoint = new ModelCheckpoint(Path.Combine(_folder, "e{epoch}.ckpt"));
        straight.Fit(train, validation, batchSize: 32, epochs: 3, new Adam(), [checkpoint], verbose: 0);
        Assert.Equal(3, checkpoint.Saved.Count);

        using var resumed = new CancerNet(batchCapacity: 32, seed: 7, device: Device.Cpu(1));
        var adam = new Adam();
        int done = resumed.LoadCheckpoint(Path.Combine(_folder, "e2.ckpt"), adam);
        Assert.Equal(2, done);
        resumed.Fit(train, validation, batchSize: 32, epochs: 3, adam, verbose: 0, initialEpoch: done);
        Assert.Equal(Weights(straight), Weights(resumed));
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
