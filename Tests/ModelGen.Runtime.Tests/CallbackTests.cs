using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>EarlyStopping's start_from_epoch, against Keras 3's rules worked out by hand.</summary>
public sealed class CallbackTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("modelgen-callbacks-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Feeds <paramref name="values"/> under <paramref name="key"/> epoch by epoch, as Fit would, until training stops.</summary>
    private static int Run(Callback callback, CompiledModel model, double[] values, string key = "val_loss", Action<int>? afterEpochEnd = null)
    {
        callback.Model = model;
        model.StopTraining = false;
        callback.OnTrainBegin();
        int epochs = 0;
        IReadOnlyDictionary<string, double> logs = new Dictionary<string, double>();
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            callback.OnEpochBegin(epoch);
            logs = new Dictionary<string, double> { ["loss"] = 1.0, [key] = values[epoch] };
            callback.OnEpochEnd(epoch, logs);
            afterEpochEnd?.Invoke(epoch);
            epochs++;
            if (model.StopTraining)
            {
                break;
            }
        }

        callback.OnTrainEnd(logs);
        return epochs;
    }

    // ---- EarlyStopping(startFromEpoch) ----

    [Fact]
    public void EarlyStoppingIgnoresTheEpochsBeforeStartFromEpoch()
    {
        using var model = new LinearNet(1);
        // Epochs 0 and 1 are not monitored; 2 sets the best (1.0), 3 improves (0.9), 4 does not: patience 0 stops there.
        var callback = new EarlyStopping(startFromEpoch: 2);
        Assert.Equal(2, callback.StartFromEpoch);
        Assert.Equal(5, Run(callback, model, [0.1, 0.2, 1.0, 0.9, 0.95, 0.1]));
        Assert.Equal(4, callback.StoppedEpoch);
        Assert.Equal(3, callback.BestEpoch);
        Assert.Equal(0.9, callback.BestValue);

        // Without the warm-up, epoch 1 (0.2 after 0.1) already stops it.
        var plain = new EarlyStopping();
        Assert.Equal(2, Run(plain, model, [0.1, 0.2, 1.0, 0.9, 0.95, 0.1]));
        Assert.Equal(0, plain.StartFromEpoch);
    }

    [Fact]
    public void EarlyStoppingWarmUpEpochsDoNotCountTowardsPatienceNorSnapshotWeights()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping(patience: 1, restoreBestWeights: true, startFromEpoch: 3);
        // 0-2 ignored (wait stays 0); 3 best; 4 wait 1 >= 1 -> stop at 4; the best epoch is 3, not 0.
        Assert.Equal(5, Run(callback, model, [0.01, 0.02, 0.03, 0.5, 0.6]));
        Assert.Equal(3, callback.BestEpoch);
        Assert.Equal(0.5, callback.BestValue);
        Assert.Equal(4, callback.StoppedEpoch);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(startFromEpoch: -1));
    }

    [Fact]
    public void EarlyStoppingStartFromEpochInFitRunsAtLeastThatManyEpochs()
    {
        using var model = new LinearNet(batchCapacity: 4);
        // A learning rate far too large makes val_loss grow from the start: patience 0 would stop at epoch 1.
        History history = model.Fit(TestData.Linear(8), TestData.Linear(4, seed: 2), 4, 10, new Sgd(3f),
            [new EarlyStopping(startFromEpoch: 4)], verbose: 0);
        Assert.Equal(6, history.Epochs);
    }
}
