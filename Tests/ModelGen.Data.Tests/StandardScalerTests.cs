namespace ModelGen.Data.Tests;

public class StandardScalerTests
{
    [Fact]
    public void Scaler_UsesMeanAndPopulationStd()
    {
        // 1, 2, 3, 4: mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
        var scaler = new StandardScaler();

        var result = scaler.FitTransform(Tables.Of(Tables.Numbers("x", 1, 2, 3, 4)));

        var scale = Math.Sqrt(1.25);
        Assert.Equal(2.5, scaler.Mean("x"), Tables.Tolerance);
        Assert.Equal(scale, scaler.Scale("x"), Tables.Tolerance);
        var values = result.Column("x").Numbers.ToArray();
        double[] expected = [-1.5 / scale, -0.5 / scale, 0.5 / scale, 1.5 / scale];
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], Tables.Tolerance);
    }

    [Fact]
    public void ConstantColumn_GetsScaleOne()
    {
        var scaler = new StandardScaler();

        var result = scaler.FitTransform(Tables.Of(Tables.Numbers("c", 5, 5, 5), Tables.Numbers("d", 0.1, 0.1, 0.1)));

        Assert.Equal(1, scaler.Scale("c"));
        Assert.Equal(1, scaler.Scale("d"));
        Assert.Equal([0, 0, 0], result.Column("c").Numbers.ToArray());
    }

    [Fact]
    public void MissingValues_AreLeftOutOfTheStatistics_AndStayMissing()
    {
        // 1, 3: mean 2, population std 1.
        var result = new StandardScaler().FitTransform(Tables.Of(Tables.Numbers("x", 1, double.NaN, 3)));

        Assert.Equal([-1, double.NaN, 1], result.Column("x").Numbers.ToArray());
    }

    [Fact]
    public void TextColumn_IsRefused_NamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(Tables.Of(Tables.Texts("t", "a"))));

        Assert.Contains("'t'", error.Message);
    }

    [Fact]
    public void Transform_BeforeFit_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new StandardScaler().Transform(Tables.Of(Tables.Numbers("x", 1))));
    }

    [Fact]
    public void Transform_WrongOrMissingColumn_NamesColumnExpectedAndActual()
    {
        var scaler = new StandardScaler();
        scaler.Fit(Tables.Of(Tables.Numbers("x", 1, 2)));

        var missing = Assert.Throws<ArgumentException>(() => scaler.Transform(Tables.Of(Tables.Numbers("y", 1))));
        var wrong = Assert.Throws<ArgumentException>(() => scaler.Transform(Tables.Of(Tables.Texts("x", "1"))));

        Assert.Contains("no column 'x'", missing.Message);
        Assert.Contains("'x' must be numeric", wrong.Message);
        Assert.Contains("but is text", wrong.Message);
    }
}
