using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Optimizer state by Keras' names and resumable training (issue 14, section 2): a run of 10 epochs and a run of 4,
/// checkpointed, loaded into a fresh model and continued for 6 give bitwise the same weights; a truncated, damaged or
/// foreign file, or another optimizer, is refused before anything changes.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TenEpochsEqualFourCheckpointedThenSixMoreInAFreshModel()
    {
        // CancerNet draws dropout masks and shuffles every epoch, and its BatchNorm keeps running statistics; the
        // EarlyStopping (patience large enough not to stop) keeps its best value, wait and best weights: all of it
        // must continue where the checkpoint left it.
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var straight = new CancerNet(batchCapacity: 32, seed: 9, device: Device.Cpu(1));
        var straightStopping = new EarlyStopping(patience: 20, restoreBestWeights: true);
        History all = straight.Fit(train, validation, batchSize: 32, epochs: 10, new Adam(), [straightStopping], verbose: 0);

        string path = Path.Combine(_folder, "run.ckpt");
        using (var first = new CancerNet(batchCapacity: 32, seed: 9, device: Device.Cpu(1)))
        {
            var adam = new Adam();
            var stopping = new EarlyStopping(patience: 20, restoreBestWeights: true);
            first.Fit(train, validation, batchSize: 32, epochs: 4, adam, [stopping], verbose: 0);
            first.SaveCheckpoint(path, adam, epoch: 4, [stopping]);
        }

        using var resumed = new CancerNet(batchCapacity: 32, seed: 9, device: Device.Cpu(1));
        var fresh = new Adam();
        var resumedStopping = new EarlyStopping(patience: 20, restoreBestWeights: true);
        int done = resumed.LoadCheckpoint(path, fresh, [resumedStopping]);
        Assert.Equal(4, done);
        Assert.Equal(4 * ((train.Count + 31) / 32), fresh.Iterations);
        History rest = resumed.Fit(train, validation, batchSize: 32, epochs: 10, fresh, [resumedStopping], verbose: 0, initialEpoch: done);

        Assert.Equal(6, rest.Epochs);
        Assert.Equal(all["val_loss"].Skip(4), rest["val_loss"]);
        Assert.Equal(straightStopping.BestEpoch, resumedStopping.BestEpoch);
        Assert.Equal(straightStopping.BestValue, resumedStopping.BestValue);
        Assert.Equal(straightStopping.Wait, resumedStopping.Wait);
        Assert.Equal(Weights(straight), Weights(resumed));
    }

    [Fact]
    public void AdamsMomentsAreReadableByKerasNames()
    {
        // One step from W = [1, 2], b = 0.5 on the batch of TrainOnBatchTests: g = [2.5, -0.5, 1.0];
        // m = (1 - 0.9) g, v = (1 - 0.999) g^2, the factors in float32 as Keras computes them.
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights([1f, 2f, 0.5f]);
        var adam = new Adam();
        Assert.Equal(["m", "v"], adam.VariableNames);
        Assert.Throws<InvalidOperationException>(() => model.ReadOptimizerVariable(adam, "m", new float[3]));
        model.TrainOnBatch([1f, 1f, 2f, 0f], [4f, 1f], adam);

        var m = new float[3];
        var v = new float[3];
        model.ReadOptimizerVariable(adam, "m", m);
        model.ReadOptimizerVariable(adam, "v", v);
        float b1 = 1f - 0.9f, b2 = 1f - 0.999f;
        Assert.Equal([b1 * 2.5f, b1 * -0.5f, b1 * 1f], m, (a, b) => Math.Abs(a - b) <= 1e-7f);
        Assert.Equal([b2 * 6.25f, b2 * 0.25f, b2 * 1f], v, (a, b) => Math.Abs(a - b) <= 1e-9f);
        var bias = new float[1];
        model.ReadOptimizerVariable(adam, "m/dense0.bias", bias);
        Assert.Equal(m[2], bias[0]);
        Assert.Equal(1, adam.Iterations);

        var unknown = Assert.Throws<ArgumentException>(() => model.ReadOptimizerVariable(adam, "velocity", new float[3]));
        Assert.Contains("has no variable 'velocity'; it has m, v", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(["momentum"], new Sgd(momentum: 0.9f).VariableNames);
        Assert.Empty(new Sgd().VariableNames);
        Assert.Equal(["velocity"], new RmsProp().VariableNames);
        Assert.Equal(["accumulator"], new Adagrad().VariableNames);
    }

    [Fact]
    public void ATruncatedDamagedOrForeignFileOrAnotherOptimizerIsRefusedAndNothingChanges()
    {
        (Dataset train, _) = TestData.CancerSplit();
        string path = Path.Combine(_folder, "good.ckpt");
        using (var model = new CancerNet(batchCapacity: 32, seed: 2, device: Device.Cpu(1)))
        {
            var adam = new Adam();
            model.Fit(train, null, batchSize: 32, epochs: 1, adam, verbose: 0);
            model.SaveCheckpoint(path, adam, epoch: 1);
            model.Save(Path.Combine(_folder, "weights.safetensors"));
        }

        byte[] good = File.ReadAllBytes(path);
        string truncated = Path.Combine(_folder, "truncated.ckpt");
        File.WriteAllBytes(truncated, good[..^4]);
        string damaged = Path.Combine(_folder, "damaged.ckpt");
        byte[] flipped = (byte[])good.Clone();
        flipped[^9] ^= 0x40;
        File.WriteAllBytes(damaged, flipped);

        using var target = new CancerNet(batchCapacity: 32, seed: 3, device: Device.Cpu(1));
        float[] before = Weights(target);
        var optimizer = new Adam();
        Assert.Contains("truncated or extended", Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(truncated, optimizer)).Message, StringComparison.Ordinal);
        Assert.Contains("does not match its checksum", Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(damaged, optimizer)).Message, StringComparison.Ordinal);
        Assert.Contains("does not start with MGCKPT01", Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(Path.Combine(_folder, "weights.safetensors"), optimizer)).Message, StringComparison.Ordinal);
        var other = Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(path, new Adam(beta1: 0.8f)));
        Assert.Contains("it was written by Adam(beta_1=0.9, beta_2=0.999, epsilon=1E-07), not Adam(beta_1=0.8", other.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(path, new Sgd(momentum: 0.9f)));
        using (var smaller = new LinearNet(batchCapacity: 4, device: Device.Cpu(1)))
        {
            Assert.Contains("it is a checkpoint of CancerNet", Assert.Throws<InvalidDataException>(() => smaller.LoadCheckpoint(path, new Adam())).Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, Weights(target));
        Assert.Equal(0, optimizer.Iterations);
        Assert.Equal(1, target.LoadCheckpoint(path, optimizer));
        Assert.NotEqual(before, Weights(target));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(_folder, ".*")));
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
