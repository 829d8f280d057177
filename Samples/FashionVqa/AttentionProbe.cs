namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// Reads a trained model's image-side attention over the 16 regions through a probe model (one of the *Attention
/// classes): the runtime has no call that returns an intermediate tensor, so the probe declares the same members
/// under the same names, returns the reduction's softmax weights as its output, and takes the trained weights by
/// parameter name.
/// </summary>
public static class AttentionProbe
{
    /// <summary>
    /// Copies every parameter of <paramref name="probe"/> from the parameter of the same name in
    /// <paramref name="trained"/> (<see cref="ModelLayout.Parameters"/>, <see cref="CompiledModel.ReadWeights"/>,
    /// <see cref="CompiledModel.WriteWeights"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">A probe parameter has no namesake of the same shape in the trained model.</exception>
    public static void CopyWeights(CompiledModel trained, CompiledModel probe)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(probe);
        var source = new float[trained.WeightCount];
        trained.ReadWeights(source);
        var target = new float[probe.WeightCount];
        probe.ReadWeights(target);
        Dictionary<string, ParameterInfo> byName = trained.Layout.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (ParameterInfo parameter in probe.Layout.Parameters)
        {
            if (!byName.TryGetValue(parameter.Name, out ParameterInfo? namesake) || !namesake.Shape.SequenceEqual(parameter.Shape))
            {
                string found = namesake is null ? "no parameter of that name" : $"shape {namesake.ShapeText}";
                throw new InvalidOperationException(
                    $"The probe {probe.Layout.Name}'s parameter {parameter.Name} {parameter.ShapeText} has no namesake in {trained.Layout.Name} ({found}).");
            }

            source.AsSpan(namesake.Offset, namesake.Length).CopyTo(target.AsSpan(parameter.Offset, parameter.Length));
        }

        probe.WriteWeights(target);
    }

    /// <summary>The probe's output for the given questions of <paramref name="part"/>: 16 weights per question, row-major over the 4x4 patch grid.</summary>
    public static float[] Weights(CompiledModel probe, VqaPart part, IReadOnlyList<int> questions)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(questions);
        var chosen = new VqaPart(part.Name, part.Items, part.Pool, part.Pictures, [.. questions.Select(q => part.Questions[q])]);
        Dataset data = probe.Layout.Inputs.Length == 1
            ? new Dataset(chosen.QuestionRegions(), Picture.Regions * Picture.RegionWidth, chosen.Answers(), 1)
            : chosen.ToDataset();
        float[] weights = probe.Predict(data);
        if (weights.Length != questions.Count * Picture.Regions)
        {
            throw new InvalidOperationException($"The probe {probe.Layout.Name} gave {weights.Length} floats for {questions.Count} questions; expected {Picture.Regions} per question.");
        }

        return weights;
    }
}
