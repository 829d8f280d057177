using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>EarlyStopping on scripted monitor sequences, against Keras 3's semantics worked out by hand.</summary>
public sealed class EarlyStoppingTests
{
    /// <summary>Feeds <paramref name="values"/> as val_loss epoch by epoch, as Fit would, until the callback stops training.</summary>
    private static int Run(EarlyStopping callback, CompiledModel model, double[] values, Action<int>? beforeEpochEnd = null)
    {
        callback.Model = model;
        model.StopTraining = false;
        callback.OnTrainBegin();
        int epochs = 0;
        IReadOnlyDictionary<string, double> logs = new Dictionary<string, double>();
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            beforeEpochEnd?.Invoke(epoch);
            logs = new Dictionary<string, double> { ["loss"] = 1.0, ["val_loss"] = values[epoch] };
            callback.OnEpochEnd(epoch, logs);
            epochs++;
            if (model.StopTraining)
            {
                break;
            }
        }

        callback.OnTrainEnd(logs);
        return epochs;
    }

    [Fact]
    public void PatienceZeroStopsAtTheFirstEpochWithoutImprovement()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping();
        Assert.Equal(3, Run(callback, model, [1.0, 0.9, 0.95, 0.5]));
        Assert.Equal(2, callback.StoppedEpoch);
        Assert.Equal(1, callback.BestEpoch);
        Assert.Equal(0.9, callback.BestValue);
    }

    [Fact]
    public void PatienceCountsEpochsWithoutImprovementAndAnImprovementResetsIt()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping(patience: 2);
        // 0 best; 1 wait 1; 2 improves, wait 0; 3 wait 1; 4 wait 2 -> stop.
        Assert.Equal(5, Run(callback, model, [1.0, 1.1, 0.8, 0.9, 0.85, 0.1]));
        Assert.Equal(4, callback.StoppedEpoch);
        Assert.Equal(2, callback.BestEpoch);
    }

    [Fact]
    public void MinDeltaIsTheSmallestDecreaseThatCountsAndItsSignIsIgnored()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping(minDelta: -0.1, patience: 1);
        // 0.95 is not below 1.0 - 0.1, so with patience 1 the run stops at epoch 1 (0.89 would have counted).
        Assert.Equal(2, Run(callback, model, [1.0, 0.95, 0.89]));
        Assert.Equal(0.1, callback.MinDelta);
        Assert.Equal(1.0, callback.BestValue);

        var equal = new EarlyStopping(patience: 1);
        // With min_delta 0, an equal value is no improvement (strictly less is needed).
        Assert.Equal(2, Run(equal, model, [0.5, 0.5, 0.4]));
        Assert.Equal(0, equal.BestEpoch);
    }

    [Fact]
    public void AFirstEpochThatMissesTheBaselineDoesNotStopTraining()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping(baseline: 0.5);
        // Epoch 0 "improves" on no best but misses the baseline, so wait stays 1 without stopping at epoch 0.
        Assert.Equal(2, Run(callback, model, [1.0, 1.2, 0.1]));
        Assert.Equal(1, callback.StoppedEpoch);
    }

    [Fact]
    public void ImprovementsThatMissTheBaselineDoNotResetTheWait()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping(baseline: 0.5, patience: 1);
        // Keras 3: every improvement returns early (no stop), but only one beating the baseline resets wait.
        // 0: wait 1; 1: wait 2, improves (0.9); 2: wait 3, improves (0.8); 3: wait 4, no improvement -> stop.
        Assert.Equal(4, Run(callback, model, [1.0, 0.9, 0.8, 0.85, 0.1]));
        Assert.Equal(3, callback.StoppedEpoch);
        Assert.Equal(4, callback.Wait);

        var beaten = new EarlyStopping(baseline: 0.5, patience: 2);
        // 0.4 and 0.39 beat the baseline and reset wait; 0.42 and 0.41 are two misses -> stop at 5.
        Assert.Equal(6, Run(beaten, model, [1.0, 0.4, 0.45, 0.39, 0.42, 0.41, 0.1]));
        Assert.Equal(3, beaten.BestEpoch);
        Assert.Equal(5, beaten.StoppedEpoch);
    }

    [Fact]
    public void MaxModeIsChosenForAccuracyAndUnknownNamesNeedAMode()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping(monitor: "val_binary_accuracy");
        callback.Model = model;
        callback.OnTrainBegin();
        callback.OnEpochEnd(0, new Dictionary<string, double> { ["val_binary_accuracy"] = 0.8 });
        callback.OnEpochEnd(1, new Dictionary<string, double> { ["val_binary_accuracy"] = 0.9 });
        Assert.False(model.StopTraining);
        callback.OnEpochEnd(2, new Dictionary<string, double> { ["val_binary_accuracy"] = 0.85 });
        Assert.True(model.StopTraining);
        Assert.Equal(1, callback.BestEpoch);

        Assert.Contains("val_f1", Assert.Throws<ArgumentException>(() => new EarlyStopping(monitor: "val_f1")).Message);
        _ = new EarlyStopping(monitor: "val_f1", mode: EarlyStoppingMode.Max);

        // The metrics whose direction Keras knows: precision, recall, AUC and top-k accuracy rise.
        foreach (string rising in new[] { "val_auc", "precision", "val_recall", "val_precision", "top_k_categorical_accuracy" })
        {
            using var watched = new LinearNet(1);
            var stopping = new EarlyStopping(monitor: rising) { Model = watched };
            stopping.OnTrainBegin();
            stopping.OnEpochEnd(0, new Dictionary<string, double> { [rising] = 0.8 });
            stopping.OnEpochEnd(1, new Dictionary<string, double> { [rising] = 0.9 });
            Assert.False(watched.StopTraining);
            stopping.OnEpochEnd(2, new Dictionary<string, double> { [rising] = 0.85 });
            Assert.True(watched.StopTraining);
        }
    }

    [Fact]
    public void AMissingMonitorIsReportedWithTheKeysThatExist()
    {
        using var model = new LinearNet(1);
        var callback = new EarlyStopping();
        callback.Model = model;
        callback.OnTrainBegin();
        var error = Assert.Throws<InvalidOperationException>(() => callback.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1 }));
        Assert.Contains("val_loss", error.Message);
        Assert.Contains("loss", error.Message);
    }

    [Fact]
    public void RestoreBestWeightsPutsBackTheBestEpochsParametersAndRunningStatistics()
    {
        using var model = new CancerNet(batchCapacity: 4, seed: 3);
        var callback = new EarlyStopping(patience: 2, restoreBestWeights: true);
        // Each epoch leaves distinct weights, state included: every float equal to the epoch number plus one.
        Run(callback, model, [1.0, 0.5, 0.7, 0.6, 0.2], epoch =>
        {
            var weights = new float[model.WeightCount];
            Array.Fill(weights, epoch + 1f);
            model.WriteWeights(weights);
        });

        Assert.Equal(3, callback.StoppedEpoch);
        Assert.Equal(1, callback.BestEpoch);
        var restored = new float[model.WeightCount];
        model.ReadWeights(restored);
        Assert.All(restored, value => Assert.Equal(2f, value));
        Assert.Equal(128, model.Layout.StateCount);
    }

    [Fact]
    public void RestoreBestWeightsAlsoRestoresWhenTrainingRunsToTheEnd()
    {
        using var model = new CancerNet(batchCapacity: 4, seed: 3);
        var callback = new EarlyStopping(patience: 5, restoreBestWeights: true);
        Run(callback, model, [1.0, 0.4, 0.7], epoch =>
        {
            var weights = new float[model.WeightCount];
            Array.Fill(weights, epoch + 1f);
            model.WriteWeights(weights);
        });

        Assert.Equal(0, callback.StoppedEpoch);
        var restored = new float[model.WeightCount];
        model.ReadWeights(restored);
        Assert.All(restored, value => Assert.Equal(2f, value));
    }

    [Fact]
    public void FitStopsWhenTheCallbackAsks()
    {
        using var model = new LinearNet(batchCapacity: 8);
        // The training loss falls every epoch, so "higher is better" never improves after epoch 0.
        var callback = new EarlyStopping(monitor: "loss", mode: EarlyStoppingMode.Max, patience: 1);
        History history = model.Fit(TestData.Linear(16), null, 8, 20, new Sgd(0.1f), [callback], verbose: 0);
        Assert.Equal(2, history.Epochs);
        Assert.Equal(1, callback.StoppedEpoch);
    }
}
