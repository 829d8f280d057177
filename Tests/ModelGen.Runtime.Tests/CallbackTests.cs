using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// EarlyStopping's start_from_epoch, TerminateOnNaN, CSVLogger, LearningRateScheduler and ReduceLROnPlateau, against
/// Keras 3's rules worked out by hand.
/// </summary>
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

    // Binds the optimizer to the model, as Fit does, so that the rate callbacks can reach it.
    private static void Bind(CompiledModel model, Optimizer optimizer) => model.TrainOnBatch(new float[2], new float[1], optimizer);

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
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

    // ---- TerminateOnNaN ----

    private static Dataset OverflowingThirdBatch() =>
        // Finite targets whose squared error overflows float in the third batch of two rows.
        new(new float[12], 2, [0f, 0f, 0f, 0f, 3e30f, 0f], 1);

    [Fact]
    public void TerminateOnNaNStopsAtTheNonFiniteBatchWithoutItsUpdate()
    {
        using var model = new LinearNet(batchCapacity: 2);
        var optimizer = new Sgd(1e-3f);
        var callback = new TerminateOnNaN();
        var seen = new List<(string Event, int Index)>();
        var probe = new Probe(seen);

        History history = model.Fit(OverflowingThirdBatch(), OverflowingThirdBatch(), 2, 3, optimizer, [callback, probe], verbose: 0, shuffle: false);

        Assert.True(model.StopTraining);
        Assert.Equal((0, 2), callback.StoppedAt);
        // Two updates; the third batch's (infinite loss) is skipped, so the weights stay finite.
        Assert.Equal(2, optimizer.Iterations);
        Assert.All(Weights(model), w => Assert.True(float.IsFinite(w)));
        // One epoch, its logs written as Keras writes them: the loss is the mean over the batches run, infinite here;
        // validation still ran, and the epoch's callbacks saw it.
        Assert.Equal(1, history.Epochs);
        Assert.Equal(double.PositiveInfinity, history["loss"][0]);
        Assert.True(history.Contains("val_loss"));
        Assert.Equal([("batch", 0), ("batch", 1), ("batch", 2), ("epoch", 0), ("end", 0)], seen);
    }

    [Fact]
    public void TerminateOnNaNWithRaiseErrorThrowsAsFitDoesWithoutIt()
    {
        using var model = new LinearNet(batchCapacity: 2);
        var optimizer = new Sgd(1e-3f);
        var error = Assert.Throws<NonFiniteLossException>(() =>
            model.Fit(OverflowingThirdBatch(), null, 2, 3, optimizer, [new TerminateOnNaN(raiseError: true)], verbose: 0, shuffle: false));
        Assert.Equal(2, error.Step);
        Assert.Equal(2, optimizer.Iterations);
    }

    [Fact]
    public void AfterAFitWithTerminateOnNaNANonFiniteLossThrowsAgain()
    {
        using var model = new LinearNet(batchCapacity: 2);
        var optimizer = new Sgd(1e-3f);
        model.Fit(OverflowingThirdBatch(), null, 2, 1, optimizer, [new TerminateOnNaN()], verbose: 0, shuffle: false);
        Assert.Throws<NonFiniteLossException>(() => model.TrainOnBatch(new float[2], [3e30f], optimizer));
        Assert.Throws<NonFiniteLossException>(() => model.Fit(OverflowingThirdBatch(), null, 2, 1, optimizer, verbose: 0, shuffle: false));
    }

    [Fact]
    public void TerminateOnNaNStopsFullBatchGradientDescentWithoutAStep()
    {
        using var model = new LinearNet(batchCapacity: 2);
        var optimizer = new GradientDescent(1e-3f);
        History history = model.Fit(OverflowingThirdBatch(), null, 2, 3, optimizer, [new TerminateOnNaN()], verbose: 0, shuffle: false);
        Assert.Equal(1, history.Epochs);
        Assert.Equal(0, optimizer.Iterations);
    }

    private sealed class Probe(List<(string Event, int Index)> seen) : Callback
    {
        public override void OnTrainBatchEnd(int batch, float loss) => seen.Add(("batch", batch));

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => seen.Add(("epoch", epoch));

        public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => seen.Add(("end", 0));
    }

    // ---- CSVLogger ----

    private static Dictionary<string, double> Logs(double loss, double accuracy) =>
        new() { ["loss"] = loss, ["binary_accuracy"] = accuracy, ["learning_rate"] = 1e-5 };

    [Fact]
    public void CsvLoggerWritesKerasColumnsAndPythonFloats()
    {
        string path = Path.Combine(_directory, "log.csv");
        var logger = new CSVLogger(path);
        logger.OnTrainBegin();
        logger.OnEpochEnd(0, Logs(0.6931471805599453, 0.5));
        logger.OnEpochEnd(1, Logs(double.NaN, 1.0));
        logger.OnTrainEnd(Logs(0, 0));

        // epoch, then the keys sorted, then val_ copies of them (no val_ key was logged), which are NA.
        Assert.Equal(
            "epoch,binary_accuracy,learning_rate,loss,val_binary_accuracy,val_learning_rate,val_loss\r\n" +
            "0,0.5,1e-05,0.6931471805599453,NA,NA,NA\r\n" +
            "1,1.0,1e-05,nan,NA,NA,NA\r\n",
            File.ReadAllText(path));
    }

    [Fact]
    public void CsvLoggerKeepsTheFirstEpochsKeysAndAValidationRunGetsNoExtraColumns()
    {
        string path = Path.Combine(_directory, "val.csv");
        var logger = new CSVLogger(path, separator: ';');
        logger.OnTrainBegin();
        logger.OnEpochEnd(0, new Dictionary<string, double> { ["val_loss"] = 2.5, ["loss"] = 100 });
        logger.OnEpochEnd(1, new Dictionary<string, double> { ["loss"] = 1e16, ["mae"] = 3 });
        Assert.Equal("epoch;loss;val_loss\r\n0;100.0;2.5\r\n1;1e+16;NA\r\n", File.ReadAllText(path));
    }

    [Fact]
    public void CsvLoggerAppendAddsRowsWithoutRepeatingTheHeaderOrTruncating()
    {
        string path = Path.Combine(_directory, "resume.csv");
        var first = new CSVLogger(path, append: true);
        first.OnTrainBegin();
        first.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 0.5, ["val_loss"] = 0.75 });
        first.OnTrainEnd(new Dictionary<string, double>());

        var resumed = new CSVLogger(path, append: true);
        resumed.OnTrainBegin();
        Assert.Equal("epoch,loss,val_loss\r\n0,0.5,0.75\r\n", File.ReadAllText(path));
        resumed.OnEpochEnd(1, new Dictionary<string, double> { ["loss"] = 0.25, ["val_loss"] = 0.375 });
        Assert.Equal("epoch,loss,val_loss\r\n0,0.5,0.75\r\n1,0.25,0.375\r\n", File.ReadAllText(path));

        // Without append the file is emptied when training begins (Keras' mode "w").
        var fresh = new CSVLogger(path);
        fresh.OnTrainBegin();
        Assert.Equal("", File.ReadAllText(path));

        // An empty file gets the header even when appending.
        var onEmpty = new CSVLogger(path, append: true);
        onEmpty.OnTrainBegin();
        onEmpty.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1, ["val_loss"] = 2 });
        Assert.Equal("epoch,loss,val_loss\r\n0,1.0,2.0\r\n", File.ReadAllText(path));
    }

    [Fact]
    public void CsvLoggerInFitWritesEveryEpochAsItEnds()
    {
        string path = Path.Combine(_directory, "fit.csv");
        using var model = new LinearNet(batchCapacity: 4);
        var lines = new List<int>();
        var counter = new EpochEndProbe(() => lines.Add(File.ReadAllLines(path).Length));
        History history = model.Fit(TestData.Linear(8), TestData.Linear(4, seed: 2), 4, 3, new Sgd(), [new CSVLogger(path), counter], verbose: 0);

        string[] rows = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,mae,val_loss,val_mae", rows[0]);
        Assert.Equal([2, 3, 4], lines);
        Assert.Equal($"2,{CSVLogger.PythonFloat(history["loss"][2])},{CSVLogger.PythonFloat(history["mae"][2])},{CSVLogger.PythonFloat(history["val_loss"][2])},{CSVLogger.PythonFloat(history["val_mae"][2])}", rows[3]);
    }

    private sealed class EpochEndProbe(Action action) : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => action();
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00015, "0.00015")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(1e-100, "1e-100")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(0.0010000000474974513, "0.0010000000474974513")] // float32 0.001 as a Python float
    [InlineData(123456.789, "123456.789")]
    public void PythonFloatMatchesPythonsRepr(double value, string expected) => Assert.Equal(expected, CSVLogger.PythonFloat(value));

    // ---- LearningRateScheduler ----

    [Fact]
    public void LearningRateSchedulerSetsTheRateBeforeEachEpochAndLogsIt()
    {
        using var model = new LinearNet(batchCapacity: 4);
        var optimizer = new Sgd(0.01f);
        var seen = new List<(int, float)>();
        var scheduler = new LearningRateScheduler((epoch, rate) =>
        {
            seen.Add((epoch, rate));
            return epoch < 2 ? 0.1f : rate * 0.5f;
        });

        History history = model.Fit(TestData.Linear(8), null, 4, 4, optimizer, [scheduler], verbose: 0);

        Assert.Same(optimizer, model.Optimizer);
        Assert.Equal([(0, 0.01f), (1, 0.1f), (2, 0.1f), (3, 0.05f)], seen);
        Assert.Equal(["loss", "mae", "learning_rate"], history.Keys);
        Assert.Equal([0.1f, 0.1f, 0.05f, 0.025f], history["learning_rate"].Select(r => (float)r));
        Assert.Equal(0.025f, optimizer.LearningRate);
    }

    [Fact]
    public void TheScheduledRateIsTheOneTheStepsUse()
    {
        Dataset data = TestData.Linear(8);
        using var scheduled = new LinearNet(batchCapacity: 4, seed: 3, device: Device.Cpu(1));
        scheduled.Fit(data, null, 4, 2, new Sgd(0.5f), [new LearningRateScheduler((_, _) => 0.02f)], verbose: 0, shuffle: false);
        using var plain = new LinearNet(batchCapacity: 4, seed: 3, device: Device.Cpu(1));
        plain.Fit(data, null, 4, 2, new Sgd(0.02f), verbose: 0, shuffle: false);
        Assert.Equal(Weights(plain), Weights(scheduled));
    }

    [Fact]
    public void ARateThatIsNotPositiveIsRefused()
    {
        using var model = new LinearNet(batchCapacity: 4);
        var error = Assert.Throws<InvalidOperationException>(() =>
            model.Fit(TestData.Linear(8), null, 4, 2, new Sgd(), [new LearningRateScheduler((e, r) => e == 1 ? 0f : r)], verbose: 0));
        Assert.Contains("returned 0 for epoch 1", error.Message);
        Assert.Throws<ArgumentNullException>(() => new LearningRateScheduler(null!));
    }

    [Fact]
    public void RateCallbacksRefuseAnOptimizerWhoseRateIsAScheduleBeforeTheFirstStep()
    {
        using var model = new LinearNet(batchCapacity: 4);
        foreach (Callback callback in new Callback[] { new LearningRateScheduler((_, r) => r), new ReduceLROnPlateau() })
        {
            var optimizer = new Sgd(new ExponentialDecay(0.1f, 10, 0.5f));
            var error = Assert.Throws<InvalidOperationException>(() => model.Fit(TestData.Linear(8), TestData.Linear(4), 4, 2, optimizer, [callback], verbose: 0));
            Assert.Contains("ExponentialDecay schedule, so it cannot be set", error.Message);
            Assert.Equal(0, optimizer.Iterations);
        }
    }

    [Fact]
    public void ModelOptimizerIsNullBeforeTraining()
    {
        using var model = new LinearNet(batchCapacity: 4);
        Assert.Null(model.Optimizer);
    }

    // ---- ReduceLROnPlateau ----

    [Fact]
    public void ReduceLROnPlateauFollowsKerasWaitCooldownAndMinLr()
    {
        using var model = new LinearNet(batchCapacity: 4);
        var optimizer = new Sgd(0.1f);
        Bind(model, optimizer);
        var callback = new ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0, cooldown: 1, minLr: 0.03);
        var rates = new List<float>();
        var waits = new List<int>();
        // e0 best 1.0; e1 wait 1; e2 wait 2 -> 0.1 * 0.5 = 0.05, cooldown 1, wait 0;
        // e3 cooldown 1 -> 0 (wait 0), then out of cooldown: wait 1; e4 wait 2 -> max(0.025, 0.03) = 0.03, cooldown 1;
        // e5 cooldown -> 0, wait 1; e6 wait 2, but 0.03 is not above float32(0.03): no reduction and the wait stays;
        // e7 0.5 improves: best 0.5, wait 0.
        Run(callback, model, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5], afterEpochEnd: _ =>
        {
            rates.Add(optimizer.LearningRate);
            waits.Add(callback.Wait);
        });

        Assert.Equal([0.1f, 0.1f, 0.05f, 0.05f, 0.03f, 0.03f, 0.03f, 0.03f], rates);
        Assert.Equal([0, 1, 0, 1, 0, 1, 2, 0], waits);
        Assert.Equal(0.5, callback.BestValue);
    }

    [Fact]
    public void ReduceLROnPlateauDefaultsAreKeras()
    {
        var callback = new ReduceLROnPlateau();
        Assert.Equal("val_loss", callback.Monitor);
        Assert.Equal(0.1, callback.Factor);
        Assert.Equal(10, callback.Patience);
        Assert.Equal(1e-4, callback.MinDelta);
        Assert.Equal(0, callback.Cooldown);
        Assert.Equal(0, callback.MinLr);
        Assert.Equal(EarlyStoppingMode.Auto, callback.Mode);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(minLr: -1));
        Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(monitor: "val_f1"));
    }

    [Fact]
    public void ReduceLROnPlateauMinDeltaAndModeMax()
    {
        using var model = new LinearNet(batchCapacity: 4);
        var optimizer = new Sgd(0.01f);
        Bind(model, optimizer);
        // Mode auto on accuracy is max. 0.80005 is not above 0.8 + 1e-4, so it does not improve; patience 1 reduces
        // at once: 0.01 * 0.1. Then 0.9 improves.
        var callback = new ReduceLROnPlateau(monitor: "val_accuracy", patience: 1);
        var rates = new List<float>();
        Run(callback, model, [0.8, 0.80005, 0.9], key: "val_accuracy", afterEpochEnd: _ => rates.Add(optimizer.LearningRate));
        Assert.Equal([0.01f, (float)(0.009999999776482582 * 0.1), (float)(0.009999999776482582 * 0.1)], rates);
        Assert.Equal(0.9, callback.BestValue);
    }

    [Fact]
    public void ReduceLROnPlateauInFitLogsTheRateEachEpochRanWith()
    {
        using var model = new LinearNet(batchCapacity: 4);
        var optimizer = new Sgd(0.5f);
        // min mode with a minDelta no loss can beat after the first epoch: patience 1 reduces every epoch.
        History history = model.Fit(TestData.Linear(8), TestData.Linear(4, seed: 2), 4, 3, optimizer,
            [new ReduceLROnPlateau(factor: 0.5, patience: 1, minDelta: 1e6)], verbose: 0);
        Assert.Equal([0.5f, 0.5f, 0.25f], history["learning_rate"].Select(r => (float)r));
        Assert.Equal(0.125f, optimizer.LearningRate);
        Assert.Throws<InvalidOperationException>(() =>
            model.Fit(TestData.Linear(8), null, 4, 1, optimizer, [new ReduceLROnPlateau()], verbose: 0));
    }
}
