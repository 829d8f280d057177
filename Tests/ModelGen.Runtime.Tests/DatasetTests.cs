using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>Bad input is refused with a message naming the expected and actual value and the row, before any state changes.</summary>
public sealed class DatasetTests
{
    [Fact]
    public void ConstructorsAgreeAndCheckTheirShapes()
    {
        var jagged = new Dataset([[1f, 2f], [3f, 4f], [5f, 6f]], [0f, 1f, 0f]);
        var flat = new Dataset([1f, 2f, 3f, 4f, 5f, 6f], 2, [0f, 1f, 0f], 1);
        Assert.Equal(3, jagged.Count);
        Assert.Equal(flat.Features, jagged.Features);
        Assert.Equal(flat.Targets, jagged.Targets);

        Assert.Contains("Row 1 has 1 values but row 0 has 2", Assert.Throws<ArgumentException>(() => new Dataset([[1f, 2f], [3f]], [0f, 1f])).Message);
        Assert.Contains("3 feature rows but 2 target rows", Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f, 3f], 1, [0f, 1f], 1)).Message);
        Assert.Contains("not a whole number of rows of 2", Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f, 3f], 2, [0f], 1)).Message);
    }

    public static TheoryData<string, string> BadData => new()
    {
        { "features", "3 features per row, but CancerNet expects 30" },
        { "targetWidth", "2 targets per row, but CancerNet with loss BinaryCrossEntropy expects 1" },
        { "nan", "NaN at row 2, feature 7" },
        { "infinity", "∞ at row 1, feature 0" },
        { "label", "target 2 at row 3, column 0; binary cross-entropy expects values in [0, 1]" },
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public void FitRefusesBadTrainingDataBeforeChangingAnything(string problem, string expected)
    {
        using var model = new CancerNet(batchCapacity: 8, seed: 5);
        var features = new float[4 * 30];
        var targets = new float[4];
        Dataset data = problem switch
        {
            "features" => new Dataset(new float[4 * 3], 3, targets, 1),
            "targetWidth" => new Dataset(features, 30, new float[8], 2),
            "nan" => new Dataset(Set(features, 2 * 30 + 7, float.NaN), 30, targets, 1),
            "infinity" => new Dataset(Set(features, 30, float.PositiveInfinity), 30, targets, 1),
            "label" => new Dataset(features, 30, Set(targets, 3, 2f), 1),
            _ => throw new ArgumentException(problem),
        };
        var before = new float[model.WeightCount];
        model.ReadWeights(before);
        var optimizer = new Adam();

        var error = Assert.Throws<ArgumentException>(() => model.Fit(data, null, 4, 1, optimizer, verbose: 0));

        Assert.Contains(expected, error.Message.Replace("Infinity", "∞", StringComparison.Ordinal));
        var after = new float[model.WeightCount];
        model.ReadWeights(after);
        Assert.Equal(before, after);
        Assert.Equal(0, optimizer.Iterations);
    }

    [Fact]
    public void BadValidationDataIsRefusedToo()
    {
        using var model = new LinearNet(4);
        var validation = new Dataset([1f, float.NaN], 2, [0f], 1);
        var error = Assert.Throws<ArgumentException>(() => model.Fit(TestData.Linear(4), validation, 4, 1, new Sgd(), verbose: 0));
        Assert.Contains("validation data", error.Message);
    }

    [Fact]
    public void SparseLabelsMustBeIntegerClassIndices()
    {
        using var model = new SoftmaxNet(4);
        var features = new float[2 * 4];
        Assert.Contains("label 3 at row 1; sparse categorical cross-entropy expects an integer class index in [0, 3)",
            Assert.Throws<ArgumentException>(() => new Dataset(features, 4, [0f, 3f], 1).Validate(model.Layout)).Message);
        Assert.Contains("label 1.5 at row 0",
            Assert.Throws<ArgumentException>(() => new Dataset(features, 4, [1.5f, 0f], 1).Validate(model.Layout)).Message);
        Assert.Contains("label -1 at row 0",
            Assert.Throws<ArgumentException>(() => new Dataset(features, 4, [-1f, 0f], 1).Validate(model.Layout)).Message);
        new Dataset(features, 4, [2f, 0f], 1).Validate(model.Layout);
    }

    [Fact]
    public void CategoricalTargetsMustBeOneHot()
    {
        using var model = new SoftmaxNet(4);
        ModelLayout layout = WithLoss(model.Layout, LossKind.CategoricalCrossEntropy);
        var features = new float[2 * 4];
        Assert.Contains("2 ones at row 1",
            Assert.Throws<ArgumentException>(() => new Dataset(features, 4, [0, 1, 0, 1, 1, 0], 3).Validate(layout)).Message);
        Assert.Contains("target 0.5 at row 0, column 1",
            Assert.Throws<ArgumentException>(() => new Dataset(features, 4, [0, 0.5f, 0.5f, 1, 0, 0], 3).Validate(layout)).Message);
        new Dataset(features, 4, [0, 0, 1, 1, 0, 0], 3).Validate(layout);
    }

    [Fact]
    public void HingeTargetsAreAllZeroOrOneOrAllPlusMinusOne()
    {
        using var model = new LinearNet(4);
        ModelLayout layout = WithLoss(model.Layout, LossKind.Hinge);
        var features = new float[3 * 2];
        new Dataset(features, 2, [0f, 1f, 1f], 1).Validate(layout);
        new Dataset(features, 2, [-1f, 1f, 1f], 1).Validate(layout);
        Assert.Contains("target 0 at row 2",
            Assert.Throws<ArgumentException>(() => new Dataset(features, 2, [-1f, 1f, 0f], 1).Validate(layout)).Message);
    }

    [Fact]
    public void PredictRefusesMisshapenOrNonFiniteInput()
    {
        using var model = new LinearNet(4);
        Assert.Contains("rows of 2 features", Assert.Throws<ArgumentException>(() => model.Predict([1f, 2f, 3f], new float[1])).Message);
        Assert.Contains("need 2 outputs", Assert.Throws<ArgumentException>(() => model.Predict([1f, 2f, 3f, 4f], new float[3])).Message);
        Assert.Contains("Feature 1 of row 1 is NaN", Assert.Throws<ArgumentException>(() => model.Predict([1f, 2f, 3f, float.NaN], new float[2])).Message);
    }

    private static float[] Set(float[] values, int index, float value)
    {
        values[index] = value;
        return values;
    }

    internal static ModelLayout WithLoss(ModelLayout layout, LossKind loss) => layout with { Loss = loss };
}
