using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>The weight reader against a source that misbehaves: shorter than it said, or read in pieces.</summary>
public sealed class SafeTensorsReaderTests
{
    private const string Source = "changing.safetensors";

    [Fact]
    public void AFileShorterThanItsLengthWhenOpenedIsRefusedNamingIt()
    {
        using var model = new CancerNet(batchCapacity: 1, seed: 1);
        byte[] file = SafeTensors.Encode(model.Layout, Weights(model));
        var weights = new float[model.WeightCount];

        // Opened at its full length, then cut by another program: the reads stop short in the weights.
        int cut = file.Length - 100;
        var error = Assert.Throws<InvalidDataException>(() =>
            SafeTensors.Decode(model.Layout, file.Length, (destination, offset) => ReadFrom(file.AsSpan(0, cut), destination, offset), weights, Source));

        Assert.Contains(Source, error.Message);
        Assert.Contains($"it ended at byte {cut}", error.Message);
        Assert.Contains("another program", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100)]
    public void AFileCutAnywhereIsRefused(int cut)
    {
        using var model = new CancerNet(batchCapacity: 1, seed: 1);
        byte[] file = SafeTensors.Encode(model.Layout, Weights(model));
        var weights = new float[model.WeightCount];

        var error = Assert.Throws<InvalidDataException>(() =>
            SafeTensors.Decode(model.Layout, file.Length, (destination, offset) => ReadFrom(file.AsSpan(0, cut), destination, offset), weights, Source));

        Assert.Contains(Source, error.Message);
    }

    [Fact]
    public void ReadsThatReturnFewerBytesThanAskedAreContinued()
    {
        using var model = new CancerNet(batchCapacity: 1, seed: 1);
        float[] expected = Weights(model);
        byte[] file = SafeTensors.Encode(model.Layout, expected);
        var weights = new float[model.WeightCount];

        SafeTensors.Decode(model.Layout, file.Length, (destination, offset) => ReadFrom(file, destination[..Math.Min(destination.Length, 3)], offset), weights, Source);

        Assert.Equal(expected, weights);
    }

    private static int ReadFrom(ReadOnlySpan<byte> file, Span<byte> destination, long offset)
    {
        if (offset >= file.Length)
        {
            return 0;
        }

        int count = (int)Math.Min(destination.Length, file.Length - offset);
        file.Slice((int)offset, count).CopyTo(destination);
        return count;
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
