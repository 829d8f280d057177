using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// The whole network's parameter gradients (ComputeLoss then Backward) against central finite differences of the
/// mean loss, in float, in training mode with the dropout masks replayed so the loss is a fixed function.
/// </summary>
public sealed class GradientCheckTests
{
    private const float Step = 1e-2f;
    private const double RelativeTolerance = 2e-2;

    // Gradients smaller than this are dominated by float rounding of the loss differences.
    private const double AbsoluteTolerance = 2e-4;

    // The share of elements whose finite difference may straddle a ReLU kink, and the whole gradient's relative error.
    private const double MaxKinkFraction = 0.05;
    private const double OverallTolerance = 5e-2;

    [Fact]
    public void CancerNetGradientsMatchFiniteDifferences()
    {
        (Dataset train, _) = TestData.CancerSplit();
        Dataset batch = TestData.Head(train, 16);
        using var model = new CancerNet(batchCapacity: 16, seed: 3);
        Check(model, batch);
    }

    [Fact]
    public void SoftmaxNetGradientsMatchFiniteDifferences()
    {
        var random = new Random(3);
        var features = new float[8 * 4];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)(random.NextDouble() * 2 - 1);
        }

        using var model = new SoftmaxNet(batchCapacity: 8, seed: 3);
        Check(model, new Dataset(features, 4, [0, 1, 2, 0, 1, 2, 0, 1], 1));
    }

    // The map models use a step of 1e-3: one kernel weight moves every position of its maps, so 1e-2 leaves the
    // region where the loss is close to linear.
    [Fact]
    public void MapNetGradientsMatchFiniteDifferences()
    {
        using var model = new MapNet(batchCapacity: 6, seed: 5);
        Check(model, RandomBatch(6, MapNet.InputSize, 3, seed: 5), 1e-3f);
    }

    [Fact]
    public void SmallCnnGradientsMatchFiniteDifferences()
    {
        using var model = new SmallCnn(batchCapacity: 5, seed: 7);
        Check(model, RandomBatch(5, SmallCnn.InputSize, 4, seed: 7), 1e-3f);
    }

    /// <summary>Uniform features in [-1, 1) and class indices, seeded.</summary>
    private static Dataset RandomBatch(int rows, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var targets = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            targets[i] = i % classes;
        }

        return new Dataset(x, features, targets, 1);
    }

    internal static void Check(CompiledModel model, Dataset batch, float step = Step)
    {
        int trainable = model.Layout.TrainableCount;
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        var analytic = new float[trainable];
        float Loss(Span<float> gradients)
        {
            model.RandomStreamPosition = 0;
            return batch.Inputs.Count > 1
                ? model.LossAndGradients(batch.Inputs, batch.Targets, training: true, gradients)
                : model.LossAndGradients(batch.Features, batch.Targets, training: true, gradients);
        }

        Loss(analytic);
        double differenceSquares = 0, sumSquares = 0;
        int mismatches = 0;
        foreach (ParameterInfo parameter in model.Layout.Parameters)
        {
            if (!parameter.Trainable)
            {
                continue;
            }

            double tensorDifference = 0, tensorSum = 0;
            int tensorMismatches = 0;
            string firstMismatch = "";
            for (int i = parameter.Offset; i < parameter.Offset + parameter.Length; i++)
            {
                float original = weights[i];
                weights[i] = original + step;
                model.WriteWeights(weights);
                float plus = Loss(default);
                weights[i] = original - step;
                model.WriteWeights(weights);
                float minus = Loss(default);
                weights[i] = original;

                double numeric = ((double)plus - minus) / (2 * step);
                double difference = analytic[i] - numeric;
                tensorDifference += difference * difference;
                tensorSum += (double)analytic[i] * analytic[i] + numeric * numeric;
                if (Math.Abs(difference) > AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric)))
                {
                    firstMismatch = tensorMismatches++ == 0 ? $"{i - parameter.Offset}: analytic {analytic[i]}, numeric {numeric}" : firstMismatch;
                }
            }

            // Each tensor: nearly every element within tolerance; ReLU kinks crossed by the finite step spoil a few.
            Assert.True(tensorMismatches <= MaxKinkFraction * parameter.Length,
                $"{parameter.Name}: {tensorMismatches} of {parameter.Length} gradients differ beyond tolerance; first at element {firstMismatch}");
            mismatches += tensorMismatches;
            differenceSquares += tensorDifference;
            sumSquares += tensorSum;
        }

        model.WriteWeights(weights);

        Assert.True(mismatches <= MaxKinkFraction * trainable, $"{mismatches} of {trainable} gradients differ beyond tolerance");
        Assert.True(Math.Sqrt(differenceSquares) <= OverallTolerance * Math.Sqrt(sumSquares / 2),
            $"|analytic - numeric| = {Math.Sqrt(differenceSquares)} against norm {Math.Sqrt(sumSquares / 2)}");
    }
}
