using ModelGen.Runtime.Tests.Models;
using Xunit.Abstractions;

namespace ModelGen.Runtime.Tests;

/// <summary>End to end: CancerNet (Dense 64 ReLU, BatchNorm, Dropout 0.2, Dense 1 sigmoid, BCE, Adam) on the breast-cancer data.</summary>
public sealed class BreastCancerTests(ITestOutputHelper output)
{
    private const double RequiredValidationAccuracy = 0.95;

    [Fact]
    public void CancerNetReachesNinetyFivePercentValidationAccuracy()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 32, seed: 42);
        var earlyStopping = new EarlyStopping(patience: 5, restoreBestWeights: true);

        History history = model.Fit(train, validation, batchSize: 32, epochs: 40, new Adam(), [earlyStopping], verbose: 0);

        IReadOnlyDictionary<string, double> evaluation = model.Evaluate(validation, 32);
        output.WriteLine($"{history.Epochs} epochs, best epoch {earlyStopping.BestEpoch + 1}; validation: loss {evaluation["loss"]:F4}, accuracy {evaluation["binary_accuracy"]:F4} ({validation.Count} rows)");
        output.WriteLine(history.ToCsv());
        Assert.True(evaluation["binary_accuracy"] >= RequiredValidationAccuracy, $"validation accuracy {evaluation["binary_accuracy"]:F4}");
        Assert.Equal(history["val_loss"][earlyStopping.BestEpoch], evaluation["loss"]);
    }
}
