using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>A disposed model says which model it was, not which back end it ran on.</summary>
public sealed class DisposedModelTests
{
    public static TheoryData<string> Uses => ["predict", "train", "save", "load", "read", "write"];

    [Theory]
    [MemberData(nameof(Uses))]
    public void UseAfterDisposeNamesTheModel(string use)
    {
        var model = new CancerNet(batchCapacity: 2, seed: 1);
        var weights = new float[model.WeightCount];
        string path = Path.Combine(Path.GetTempPath(), $"modelgen-disposed-{Guid.NewGuid():N}.safetensors");
        model.Dispose();

        Action action = use switch
        {
            "predict" => () => model.Predict(new float[30]),
            "train" => () => model.TrainOnBatch(new float[60], new float[2], new Adam()),
            "save" => () => model.Save(path),
            "load" => () => model.Load(path),
            "read" => () => model.ReadWeights(weights),
            _ => () => model.WriteWeights(weights),
        };

        var error = Assert.Throws<ObjectDisposedException>(action);

        Assert.Contains("CancerNet", error.Message);
        Assert.DoesNotContain("Backend", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        var model = new CancerNet(batchCapacity: 2, seed: 1);
        model.Dispose();
        model.Dispose();
        Assert.Equal("CancerNet", model.Layout.Name);
    }
}
