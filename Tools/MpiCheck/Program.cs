using System.Globalization;
using ModelGen;
using ModelGen.Kernels;
using ModelGen.Mpi;
using ModelGen.Samples.BreastCancer;
using ModelGen.Tools.MpiCheck;

// "sum": each rank contributes rank + 1 (and rank * 0.5 in double) at every element of 1,000 floats; every rank must read
// the sums. "die": rank 1 exits after the first sum while rank 0 waits in a second one; mpirun must end the job.
// "train OUT [MODEL] [--sync-batch-norm]": the breast-cancer data trained data-parallel (or alone, without mpirun); the
// weights go to OUT. MODEL "cancer" is the sample's CancerNet (BatchNorm, Dropout), else a Dense + Dropout net.
string mode = args.Length > 0 ? args[0] : "sum";
if (mode == "train")
{
    // train OUT [MODEL] [--die-at EPOCH] [--checkpoint PATH] [--sync-batch-norm]
    string model = args.Length > 2 && !args[2].StartsWith("--", StringComparison.Ordinal) ? args[2] : "dropout";
    int dieAt = Array.IndexOf(args, "--die-at") is int d and > 0 ? int.Parse(args[d + 1], CultureInfo.InvariantCulture) : -1;
    string? checkpoint = Array.IndexOf(args, "--checkpoint") is int c and > 0 ? args[c + 1] : null;
    return Train(args[1], model, dieAt, checkpoint, syncBatchNorm: args.Contains("--sync-batch-norm"));
}

if (!MpiCommunicator.LaunchedByMpirun)
{
    Console.WriteLine("alone: no MPI library loaded, " + (MpiCommunicator.World is null ? "World is null" : "World is set"));
    return 0;
}

using MpiCommunicator world = MpiCommunicator.World!;
var floats = new float[1000];
Array.Fill(floats, world.Rank + 1);
world.AllReduceSum(floats);
var doubles = new double[3];
Array.Fill(doubles, world.Rank * 0.5);
world.AllReduceSum(doubles);
float expected = world.Size * (world.Size + 1) / 2f;
bool ok = floats.All(v => v == expected) && doubles.All(v => v == 0.25 * world.Size * (world.Size - 1));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {world.Rank} of {world.Size}: float sum {floats[0]}, double sum {doubles[0]}, {(ok ? "ok" : "WRONG")}"));
if (mode == "die")
{
    if (world.Rank == 1)
    {
        Environment.Exit(3);
    }

    world.AllReduceSum(floats);
    Console.WriteLine($"rank {world.Rank}: the second sum returned without rank 1");
}

world.Barrier();
return ok ? 0 : 1;

// The 569 rows standardised per column; the last 113 validate. One thread per rank, so the ranks do not share cores.
static int Train(string output, string model, int dieAt, string? checkpoint, bool syncBatchNorm)
{
    string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "breast_cancer.csv"));
    int rows = lines.Length - 1;
    var features = new float[rows * 30];
    var labels = new float[rows];
    for (int r = 0; r < rows; r++)
    {
        string[] fields = lines[r + 1].Split(',');
        for (int c = 0; c < 30; c++)
        {
            features[(r * 30) + c] = float.Parse(fields[c], CultureInfo.InvariantCulture);
        }

        labels[r] = float.Parse(fields[30], CultureInfo.InvariantCulture);
    }

    for (int c = 0; c < 30; c++)
    {
        double mean = 0, square = 0;
        for (int r = 0; r < rows; r++)
        {
            mean += features[(r * 30) + c];
        }

        mean /= rows;
        for (int r = 0; r < rows; r++)
        {
            square += Math.Pow(features[(r * 30) + c] - mean, 2);
        }

        double deviation = Math.Sqrt(square / rows);
        for (int r = 0; r < rows; r++)
        {
            features[(r * 30) + c] = (float)((features[(r * 30) + c] - mean) / deviation);
        }
    }

    const int Validation = 113;
    int trainRows = rows - Validation;
    var train = new Dataset(features[..(trainRows * 30)], 30, labels[..trainRows], 1);
    var validation = new Dataset(features[(trainRows * 30)..], 30, labels[trainRows..], 1);

    using MpiCommunicator? world = MpiCommunicator.World;
    using CompiledModel net = model == "cancer"
        ? new CancerNet(batchCapacity: 64, seed: 5, device: Device.Cpu(1))
        : new DropoutNet(batchCapacity: 64, seed: 5, device: Device.Cpu(1));
    net.Collective = world;
    net.SynchronizeBatchNorm = syncBatchNorm;
    var callbacks = new List<Callback>();
    if (dieAt >= 0)
    {
        // Rank 1 dies in the middle of epoch dieAt, as a killed process would.
        int epochNow = 0;
        callbacks.Add(new LambdaCallback(
            onEpochBegin: epoch => epochNow = epoch,
            onTrainBatchEnd: (batch, loss) =>
            {
                if (world?.Rank == 1 && epochNow == dieAt && batch == 3)
                {
                    Console.Error.WriteLine($"rank 1 dies at epoch {epochNow}, step {batch}");
                    Environment.Exit(4);
                }
            }));
    }

    if (checkpoint is not null)
    {
        callbacks.Add(new ModelCheckpoint(checkpoint, monitor: "val_loss"));
    }

    History history = net.Fit(train, validation, batchSize: 64, epochs: 8, new Adam(0.01f), callbacks, verbose: 2,
        metrics: [Metric.BinaryAccuracy, Metric.Precision, Metric.Recall, Metric.Auc]);
    if (world is null || world.Rank == 0)
    {
        net.Save(output);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final val_loss {history["val_loss"][^1]:R} val_precision {history["val_precision"][^1]:R} val_recall {history["val_recall"][^1]:R} val_auc {history["val_auc"][^1]:R} auc {history["auc"][^1]:R}"));
    }

    return 0;
}
