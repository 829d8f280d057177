using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// The generated <c>FromWeights</c>: a model straight from a weight file, without random weights first, predicts as the
/// model that saved it; a file that does not fit is refused as Load refuses it.
/// </summary>
public sealed class FromWeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-from-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AModelFromItsWeightsPredictsAsTheOneThatSavedThem()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var trained = new CancerNet(batchCapacity: 32, seed: 4, device: Device.Cpu(1));
        trained.Fit(train, null, batchSize: 32, epochs: 2, new Adam(), verbose: 0);
        string path = Path.Combine(_folder, "cancer.safetensors");
        trained.Save(path);

        using CancerNet loaded = CancerNet.FromWeights(path, batchCapacity: 16);
        Assert.Equal(16, loaded.BatchCapacity);
        Assert.Equal(trained.Predict(validation), loaded.Predict(validation));
    }

    [Fact]
    public void AFileOfAnotherModelIsRefused()
    {
        using var other = new LinearNet(batchCapacity: 2, device: Device.Cpu(1));
        string path = Path.Combine(_folder, "linear.safetensors");
        other.Save(path);
        Assert.Throws<InvalidDataException>(() => CancerNet.FromWeights(path));
        Assert.Throws<FileNotFoundException>(() => CancerNet.FromWeights(Path.Combine(_folder, "missing.safetensors")));
    }
}
