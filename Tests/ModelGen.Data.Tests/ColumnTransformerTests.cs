namespace ModelGen.Data.Tests;

public class ColumnTransformerTests
{
    // a: 1, NaN, 3 -> mean imputation 1, 2, 3 -> mean 2, population variance 2/3.
    // c: x, null, y -> "NA" imputation -> categories NA, x, y.
    internal static Table Training() => Tables.Of(
        Tables.Numbers("a", 1, double.NaN, 3),
        Tables.Texts("c", "x", null, "y"),
        Tables.Numbers("unused", 7, 8, 9));

    internal static ColumnTransformer Preparation(HandleUnknown handleUnknown = HandleUnknown.Ignore) => new(
        (new Pipeline(new SimpleImputer(ImputeStrategy.Mean), new StandardScaler()), ["a"]),
        (new Pipeline(new SimpleImputer(ImputeStrategy.Constant, "NA"), new OneHotEncoder(handleUnknown)), ["c"]));

    [Fact]
    public void FitTransform_LaysOutPipelinesInOrder_RowMajor_DroppingOtherColumns()
    {
        var preparation = Preparation();

        var matrix = preparation.FitTransform(Training());

        Assert.Equal(["pipeline-1__a", "pipeline-2__c_NA", "pipeline-2__c_x", "pipeline-2__c_y"], matrix.FeatureNames);
        Assert.Equal(3, matrix.Rows);
        Assert.Equal(4, matrix.FeatureCount);
        float[] expected =
        [
            (float)(-1 / Math.Sqrt(2.0 / 3.0)), 0, 1, 0,
            0, 1, 0, 0,
            (float)(1 / Math.Sqrt(2.0 / 3.0)), 0, 0, 1,
        ];
        Assert.Equal(expected, matrix.Values);
        Assert.Equal([0, 1, 2], matrix.SourceRows);
    }

    [Fact]
    public void FeatureNames_WithoutVerbose_AreTheStepsNames()
    {
        var preparation = new ColumnTransformer((new Pipeline(new OneHotEncoder()), ["c"])) { VerboseFeatureNamesOut = false };

        preparation.Fit(Tables.Of(Tables.Texts("c", "y", "x")));

        Assert.Equal(["c_x", "c_y"], preparation.FeatureNames);
        Assert.Equal(["pipeline"], preparation.Names);
    }

    [Fact]
    public void Transform_UsesTrainingState_OnNewRows()
    {
        var preparation = Preparation();
        preparation.Fit(Training());

        var matrix = preparation.Transform(Tables.Of(Tables.Numbers("a", 2), Tables.Texts("c", "unseen")));

        Assert.Equal([0f, 0, 0, 0], matrix.Row(0).ToArray());
    }

    [Fact]
    public void Transform_MissingOrMistypedColumn_NamesColumnExpectedAndActual()
    {
        var preparation = Preparation();
        preparation.Fit(Training());

        var missing = Assert.Throws<ArgumentException>(() => preparation.Transform(Tables.Of(Tables.Numbers("a", 1))));
        var mistyped = Assert.Throws<ArgumentException>(() => preparation.Transform(Tables.Of(Tables.Numbers("a", 1), Tables.Numbers("c", 1))));

        Assert.Contains("text column 'c'", missing.Message);
        Assert.Contains("no column 'c'", missing.Message);
        Assert.Contains("'c' must be text", mistyped.Message);
        Assert.Contains("but is numeric", mistyped.Message);
    }

    [Fact]
    public void Fit_PipelineEndingInText_IsRefused()
    {
        var preparation = new ColumnTransformer((new Pipeline(new SimpleImputer(ImputeStrategy.Constant)), ["c"]));

        var error = Assert.Throws<ArgumentException>(() => preparation.Fit(Training()));

        Assert.Contains("text column 'c'", error.Message);
    }

    [Fact]
    public void Fit_UnknownColumn_IsRefused()
    {
        var preparation = new ColumnTransformer((new Pipeline(new StandardScaler()), ["nope"]));

        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() => preparation.Fit(Training())).Message);
        Assert.False(preparation.IsFitted);
    }

    [Fact]
    public void TransformRows_LeavesOutBadRows_NamingRowColumnAndValue()
    {
        var preparation = Preparation(HandleUnknown.Error);
        preparation.Fit(Training());
        var rows = Tables.Of(Tables.Numbers("a", 1, 2, 3), Tables.Texts("c", "x", "z", "y"));

        var matrix = preparation.TransformRows(rows, out var errors);

        Assert.Equal([0, 2], matrix.SourceRows);
        Assert.Equal(2, matrix.Rows);
        Assert.Equal([0f, 1, 0], matrix.Row(0)[1..].ToArray());
        Assert.Equal([0f, 0, 1], matrix.Row(1)[1..].ToArray());
        var error = Assert.Single(errors);
        Assert.Equal(1, error.Row);
        Assert.Equal("c", error.Column);
        Assert.Equal("z", error.Value);
        Assert.Contains("row 1", error.Message);
        Assert.Throws<ArgumentException>(() => preparation.Transform(rows));
    }

    [Fact]
    public void TransformRows_MissingValueNoStepFills_IsReported()
    {
        var preparation = new ColumnTransformer((new Pipeline(new StandardScaler()), ["a"]));
        preparation.Fit(Tables.Of(Tables.Numbers("a", 1, 3)));

        var matrix = preparation.TransformRows(Tables.Of(Tables.Numbers("a", double.NaN, 3)), out var errors);

        Assert.Equal([1], matrix.SourceRows);
        Assert.Equal([1f], matrix.Values);
        var error = Assert.Single(errors);
        Assert.Equal((0, "a", "NaN"), (error.Row, error.Column, error.Value));
        Assert.Contains("row 0 is missing", error.Message);
    }
}
