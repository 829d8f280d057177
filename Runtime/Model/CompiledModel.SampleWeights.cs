using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Keras' sample_weight and class_weight in training: each weighted step copies its rows' weights to the model's
/// sample-weight slot (<see cref="ModelLayout.SampleWeightSlot"/>) and computes the loss weighted, Keras'
/// "sum_over_batch_size" of the weighted per-row losses (see <see cref="SampleWeights"/>).
/// </summary>
public abstract partial class CompiledModel
{
    // One batch's weights on the host, made once per model, so that weighted steps allocate nothing.
    private float[]? _stagingWeights;

    /// <summary>
    /// The weights of rows 0 to <paramref name="rows"/> - 1 of <paramref name="train"/> for <see cref="Fit"/>, or null
    /// without weights: checked against every row of the data (Keras splits sample weights with validationSplit as it
    /// splits the rows) before any state changes. One array per Fit.
    /// </summary>
    private static float[]? TrainingWeights(Dataset train, int rows, float[]? sampleWeight, IReadOnlyDictionary<int, float>? classWeight)
    {
        if (!SampleWeights.Require(sampleWeight, classWeight, train.Count, "the training data"))
        {
            return null;
        }

        var weights = new float[rows];
        SampleWeights.Write(sampleWeight, classWeight, train.Targets, train.TargetWidth, weights);
        return weights;
    }

    /// <summary>
    /// Checks a batch's weights and writes them to the host staging buffer before anything is uploaded; returns
    /// whether the batch is weighted. Allocates nothing after the model's first weighted batch.
    /// </summary>
    private bool PrepareBatchWeights(float[]? sampleWeight, IReadOnlyDictionary<int, float>? classWeight, ReadOnlySpan<float> targets, int batch)
    {
        if (!SampleWeights.Require(sampleWeight, classWeight, batch, "the batch"))
        {
            return false;
        }

        _stagingWeights ??= new float[BatchCapacity];
        SampleWeights.Write(sampleWeight, classWeight, targets, Layout.TargetSize, _stagingWeights.AsSpan(0, batch));
        return true;
    }

    /// <summary>Uploads the first <paramref name="batch"/> staged weights to the sample-weight slot.</summary>
    private void UploadBatchWeights(int batch) =>
        Backend.Upload(_stagingWeights.AsSpan(0, batch), Act(Layout.SampleWeightSlot, 1, batch));

    /// <summary>The weights of the given rows, in the batch's order, to the sample-weight slot (a Fit step).</summary>
    private void StageWeights(float[] rowWeights, ReadOnlySpan<int> rows)
    {
        _stagingWeights ??= new float[BatchCapacity];
        Span<float> staged = _stagingWeights.AsSpan(0, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            staged[i] = rowWeights[rows[i]];
        }

        Backend.Upload(staged, Act(Layout.SampleWeightSlot, 1, rows.Length));
    }
}
