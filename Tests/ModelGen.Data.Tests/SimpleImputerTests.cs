namespace ModelGen.Data.Tests;

public class SimpleImputerTests
{
    // Non-missing values 1, 3, 4, 4: mean 12 / 4 = 3, median (3 + 4) / 2 = 3.5, most frequent 4.
    private static Table Numbers() => Tables.Of(Tables.Numbers("n", 1, double.NaN, 3, 4, double.NaN, 4));

    // Non-missing values b, a, b: most frequent b.
    private static Table Texts() => Tables.Of(Tables.Texts("t", "b", null, "a", "b", null));

    [Theory]
    [InlineData(ImputeStrategy.Mean, 3.0)]
    [InlineData(ImputeStrategy.Median, 3.5)]
    [InlineData(ImputeStrategy.MostFrequent, 4.0)]
    [InlineData(ImputeStrategy.Constant, 0.0)]
    public void NumericColumn_FillsMissingWithTheStrategysValue(ImputeStrategy strategy, double fill)
    {
        var imputer = new SimpleImputer(strategy);

        var result = imputer.FitTransform(Numbers());

        Assert.Equal(fill, imputer.NumberFill("n"));
        Assert.Equal([1, fill, 3, 4, fill, 4], result.Column("n").Numbers.ToArray());
    }

    [Fact]
    public void Median_OddCount_TakesTheMiddleValue()
    {
        var imputer = new SimpleImputer(ImputeStrategy.Median).Fit(Tables.Of(Tables.Numbers("n", 9, 1, double.NaN, 5)));

        Assert.Equal(5, ((SimpleImputer)imputer).NumberFill("n"));
    }

    [Fact]
    public void Constant_GivenNumber_FillsIt()
    {
        var result = new SimpleImputer(ImputeStrategy.Constant, 7.5).FitTransform(Numbers());

        Assert.Equal([1, 7.5, 3, 4, 7.5, 4], result.Column("n").Numbers.ToArray());
    }

    [Fact]
    public void MostFrequent_Tie_TakesTheSmallestValue()
    {
        var numbers = (SimpleImputer)new SimpleImputer(ImputeStrategy.MostFrequent).Fit(Tables.Of(Tables.Numbers("n", 2, 1, 2, 1, double.NaN)));
        var texts = (SimpleImputer)new SimpleImputer(ImputeStrategy.MostFrequent).Fit(Tables.Of(Tables.Texts("t", "b", "a", null)));

        Assert.Equal(1, numbers.NumberFill("n"));
        Assert.Equal("a", texts.TextFill("t"));
    }

    [Fact]
    public void TextColumn_MostFrequent_FillsTheCommonestValue()
    {
        var result = new SimpleImputer(ImputeStrategy.MostFrequent).FitTransform(Texts());

        Tables.AssertTexts(["b", "b", "a", "b", "b"], result.Column("t"));
    }

    [Fact]
    public void TextColumn_Constant_DefaultsToMissingValue_OrTakesTheGivenText()
    {
        Tables.AssertTexts(["b", "missing_value", "a", "b", "missing_value"], new SimpleImputer(ImputeStrategy.Constant).FitTransform(Texts()).Column("t"));
        Tables.AssertTexts(["b", "NA", "a", "b", "NA"], new SimpleImputer(ImputeStrategy.Constant, "NA").FitTransform(Texts()).Column("t"));
    }

    [Theory]
    [InlineData(ImputeStrategy.Mean)]
    [InlineData(ImputeStrategy.Median)]
    public void TextColumn_MeanOrMedian_ThrowsNamingTheColumn(ImputeStrategy strategy)
    {
        var error = Assert.Throws<ArgumentException>(() => new SimpleImputer(strategy).Fit(Texts()));

        Assert.Contains("'t'", error.Message);
        Assert.Contains("text", error.Message);
    }

    [Fact]
    public void TextFillOnNumericColumn_WithoutMissing_PassesThrough_WithMissing_Throws()
    {
        var imputer = new SimpleImputer(ImputeStrategy.Constant, "NA");
        var complete = Tables.Of(Tables.Numbers("m", 1, 12));

        Assert.Equal([1, 12], imputer.FitTransform(complete).Column("m").Numbers.ToArray());
        var atTransform = Assert.Throws<ArgumentException>(() => imputer.Transform(Tables.Of(Tables.Numbers("m", double.NaN))));
        Assert.Contains("'m', row 0", atTransform.Message);
        var atFit = Assert.Throws<ArgumentException>(() => new SimpleImputer(ImputeStrategy.Constant, "NA").Fit(Numbers()));
        Assert.Contains("'n', row 1", atFit.Message);
    }

    [Fact]
    public void AllMissing_MeanThrows_NamingTheColumn()
    {
        var error = Assert.Throws<ArgumentException>(() => new SimpleImputer().Fit(Tables.Of(Tables.Numbers("e", double.NaN, double.NaN))));

        Assert.Contains("'e'", error.Message);
    }

    [Fact]
    public void FillValueWithAnotherStrategy_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new SimpleImputer(ImputeStrategy.Mean, 1.0));
    }

    [Fact]
    public void Transform_UsesTrainingValues_NotTheNewTables()
    {
        var imputer = new SimpleImputer(ImputeStrategy.Mean);
        imputer.Fit(Numbers());

        var result = imputer.Transform(Tables.Of(Tables.Numbers("n", 100, double.NaN)));

        Assert.Equal([100, 3], result.Column("n").Numbers.ToArray());
    }
}
