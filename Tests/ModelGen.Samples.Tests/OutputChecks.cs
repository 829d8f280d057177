namespace ModelGen.Samples.Tests;

/// <summary>Checks shared by the smoke tests.</summary>
internal static class OutputChecks
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The file is a PNG with more than its signature.</summary>
    public static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written.");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > PngSignature.Length, $"{path} holds {bytes.Length} bytes.");
        Assert.Equal(PngSignature, bytes[..PngSignature.Length]);
    }

    /// <summary>The history has the header <paramref name="header"/> and one line per epoch, numbered from 0.</summary>
    public static void AssertHistory(string path, string header, int epochs)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(header, lines[0]);
        Assert.Equal(epochs + 1, lines.Length);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            string[] fields = lines[epoch + 1].Split(',');
            Assert.Equal(header.Split(',').Length, fields.Length);
            Assert.Equal(epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[0]);
            Assert.All(fields, f => Assert.True(double.TryParse(f, System.Globalization.CultureInfo.InvariantCulture, out _), $"'{f}' is not a number"));
        }
    }
}
