namespace ModelGen;

/// <summary>
/// Keras' <c>sample_weight</c> and <c>class_weight</c> as one weight per training row: the checks, and Keras 3's
/// <c>class_weight_to_sample_weights</c>, which weighs each row by the class of its target.
/// </summary>
/// <remarks>
/// Keras' class of a target: for a target of more than one feature (one-hot or probabilities) its arg-max, the first
/// maximum winning ties (<c>np.argmax</c>); for a single feature (a sparse class index, or a binary label) the value
/// rounded half to even (<c>np.round</c>), so a binary label of 0.5 is class 0 and 0.7 class 1. A class missing from
/// the dictionary weighs 1. Zero and negative weights are allowed, as Keras allows them (a zero weight leaves its row
/// out of the loss, still counted in the batch's size); NaN and infinite weights are refused, since they would make
/// the loss of every batch holding that row NaN.
/// </remarks>
internal static class SampleWeights
{
    /// <summary>
    /// Checks the pair of arguments for <paramref name="rows"/> rows before anything changes: not both given (Keras
    /// refuses it), and <paramref name="sampleWeight"/>, when given, one finite weight per row. Returns whether
    /// training is weighted.
    /// </summary>
    /// <param name="sampleWeight">Keras' sample_weight: one weight per row, or null.</param>
    /// <param name="classWeight">Keras' class_weight: a weight per class index, or null.</param>
    /// <param name="rows">The rows the weights are for.</param>
    /// <param name="what">What the rows are, for messages ("the training data", "the batch").</param>
    public static bool Require(float[]? sampleWeight, IReadOnlyDictionary<int, float>? classWeight, int rows, string what)
    {
        if (sampleWeight is null)
        {
            return classWeight is not null;
        }

        if (classWeight is not null)
        {
            throw new ArgumentException("Both sampleWeight and classWeight were given; pass one of them, as Keras refuses class_weight and sample_weight at the same time (to weigh by class as well, multiply each row's sample weight by its class weight).", nameof(classWeight));
        }

        if (sampleWeight.Length != rows)
        {
            throw new ArgumentException($"sampleWeight needs one weight per row of {what}, {rows}, but it has {sampleWeight.Length}.", nameof(sampleWeight));
        }

        int bad = FiniteScan.FirstNonFinite(sampleWeight);
        if (bad >= 0)
        {
            throw new ArgumentException($"sampleWeight[{bad}] is {sampleWeight[bad]}; sample weights must be finite (zero and negative weights are allowed).", nameof(sampleWeight));
        }

        return true;
    }

    /// <summary>
    /// Writes the weight of each of the first destination.Length rows of <paramref name="targets"/> (rows of
    /// <paramref name="targetWidth"/> floats): <paramref name="sampleWeight"/>'s, or <paramref name="classWeight"/>'s of
    /// each row's class (see <see cref="ClassOf"/>). Call <see cref="Require"/> first. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The class weight of a row's class is NaN or infinite.</exception>
    public static void Write(float[]? sampleWeight, IReadOnlyDictionary<int, float>? classWeight, ReadOnlySpan<float> targets,
        int targetWidth, Span<float> destination)
    {
        if (sampleWeight is not null)
        {
            sampleWeight.AsSpan(0, destination.Length).CopyTo(destination);
            return;
        }

        ArgumentNullException.ThrowIfNull(classWeight);
        for (int row = 0; row < destination.Length; row++)
        {
            int c = ClassOf(targets.Slice(row * targetWidth, targetWidth));
            if (!classWeight.TryGetValue(c, out float weight))
            {
                weight = 1f;
            }
            else if (!float.IsFinite(weight))
            {
                throw new ArgumentException($"classWeight[{c}] is {weight} (row {row} is of class {c}); class weights must be finite (zero and negative weights are allowed).", nameof(classWeight));
            }

            destination[row] = weight;
        }
    }

    /// <summary>
    /// Keras' class of one target row: the arg-max of a row of several features (first maximum wins), or a single
    /// feature rounded half to even.
    /// </summary>
    public static int ClassOf(ReadOnlySpan<float> target)
    {
        if (target.Length == 1)
        {
            // np.round(y).astype("int32"); .NET's float-to-int conversion saturates, and such a class has no weight.
            return (int)Math.Round(target[0], MidpointRounding.ToEven);
        }

        int best = 0;
        for (int f = 1; f < target.Length; f++)
        {
            if (target[f] > target[best])
            {
                best = f;
            }
        }

        return best;
    }
}
