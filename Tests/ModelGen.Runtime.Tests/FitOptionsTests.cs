using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>Fit's validationSplit, against Keras' train_validation_split: the last floor-complement rows validate.</summary>
public sealed class FitOptionsTests
{
    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    /// <summary>
    /// Keras: split_at = floor(n (1 - validation_split)) in double, the first split_at rows train, the rest validate,
    /// taken before shuffling. n = 10, 0.3: 10 * 0.7 = 7.0, so 7 and 3; n = 7, 0.3: 7 * 0.7 = 4.8999999999999995, so
    /// 4 and 3 (not the 5 and 2 that rounding 7 * 0.3 would give).
    /// </summary>
    [Theory]
    [InlineData(10, 0.3, 7)]
    [InlineData(7, 0.3, 4)]
    [InlineData(8, 0.25, 6)]
    public void ValidationSplitTrainsOnTheFirstRowsAndValidatesOnTheLastBitwise(int rows, double split, int trainRows)
    {
        Dataset data = TestData.Linear(rows);
        using var splitModel = new LinearNet(batchCapacity: 4, seed: 5, device: Device.Cpu(1));
        History bySplit = splitModel.Fit(data, null, 2, 3, new Adam(), verbose: 0, validationSplit: split);

        using var explicitModel = new LinearNet(batchCapacity: 4, seed: 5, device: Device.Cpu(1));
        History byHand = explicitModel.Fit(data.Slice(0, trainRows), data.Slice(trainRows, rows - trainRows), 2, 3, new Adam(), verbose: 0);

        Assert.Equal(["loss", "mae", "val_loss", "val_mae"], bySplit.Keys);
        Assert.Equal(byHand.ToCsv(includeSeconds: false), bySplit.ToCsv(includeSeconds: false));
        Assert.Equal(Weights(explicitModel), Weights(splitModel));
    }

    [Fact]
    public void ValidationSplitZeroIsNoValidation()
    {
        using var model = new LinearNet(batchCapacity: 4);
        History history = model.Fit(TestData.Linear(8), null, 4, 1, new Sgd(), verbose: 0, validationSplit: 0);
        Assert.False(history.Contains("val_loss"));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void AValidationSplitOutsideZeroToOneIsRefusedBeforeAnyStateChanges(double split)
    {
        using var model = new LinearNet(batchCapacity: 4);
        var optimizer = new Sgd();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(TestData.Linear(8), null, 4, 1, optimizer, verbose: 0, validationSplit: split));
        Assert.Equal("validationSplit", error.ParamName);
        Assert.Contains("[0, 1)", error.Message);
        Assert.Null(model.Optimizer);
        Assert.Equal(0, optimizer.Iterations);
    }

    [Fact]
    public void ValidationSplitWithValidationDataIsRefused()
    {
        using var model = new LinearNet(batchCapacity: 4);
        var error = Assert.Throws<ArgumentException>(() => model.Fit(TestData.Linear(8), TestData.Linear(4), 4, 1, new Sgd(), verbose: 0, validationSplit: 0.2));
        Assert.Equal("validationSplit", error.ParamName);
        Assert.Contains("Both validation data and validationSplit", error.Message);
        Assert.Null(model.Optimizer);
    }

    [Fact]
    public void ASplitThatLeavesNoTrainingRowIsRefused()
    {
        // One row, 0.5: floor(1 * 0.5) = 0 rows would train.
        using var model = new LinearNet(batchCapacity: 4);
        var error = Assert.Throws<ArgumentException>(() => model.Fit(TestData.Linear(1), null, 1, 1, new Sgd(), verbose: 0, validationSplit: 0.5));
        Assert.Equal("validationSplit", error.ParamName);
        Assert.Contains("1 rows, too few", error.Message);
        Assert.Contains("0 would train, 1 validate", error.Message);
        Assert.Null(model.Optimizer);
    }

    [Fact]
    public void ASplitOfManyRowsThatKeepsThemAllForTrainingIsRefused()
    {
        // 10 * (1 - 1e-17) is 10 in double, so no row would validate.
        using var model = new LinearNet(batchCapacity: 4);
        var error = Assert.Throws<ArgumentException>(() => model.Fit(TestData.Linear(10), null, 2, 1, new Sgd(), verbose: 0, validationSplit: 1e-17));
        Assert.Contains("10 would train, 0 validate", error.Message);
    }

    [Fact]
    public void ValidationSplitKeepsEveryInputOfAMultiInputModel()
    {
        var a = new float[] { 1, 2, 3, 4 };
        var data = new Dataset([a, new float[] { 5, 6, 7, 8, 9, 10, 11, 12 }], [1, 2], [0f, 1f, 2f, 3f], 1);
        Dataset tail = data.Slice(3, 1);
        Assert.Equal([4f], tail.Inputs[0]);
        Assert.Equal([11f, 12f], tail.Inputs[1]);
        Assert.Equal([3f], tail.Targets);
        Assert.Equal(1, tail.Count);
    }
}
