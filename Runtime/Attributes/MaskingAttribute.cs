namespace ModelGen;

/// <summary>
/// Keras' <c>Masking(mask_value)</c>: on a sequence (T, F) of floats, a step whose features all equal
/// <see cref="MaskValue"/> is padding. Its output is the input with the padded steps multiplied by 0 (a kept step is
/// unchanged), and it starts the (B, T) padding mask that the layers after it read as they read an
/// <c>[Embedding(..., MaskZero = true)]</c>'s: recurrent layers skip the padded steps, attention does not attend to
/// them as keys, and the masked mean and softmax over the steps leave them out. It gives float inputs, such as image
/// region features padded with rows of zeros, a padding mask. No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class MaskingAttribute : Attribute
{
    /// <summary>Declares a masking layer whose padded steps are all 0, as Keras' default.</summary>
    public MaskingAttribute()
    {
    }

    /// <summary>Declares a masking layer whose padded steps have every feature equal to <paramref name="maskValue"/>.</summary>
    public MaskingAttribute(double maskValue) => MaskValue = maskValue;

    /// <summary>The value every feature of a padded step equals (Keras' mask_value); 0 by default.</summary>
    public double MaskValue { get; }

    /// <summary>The layer's name in summaries; by default <c>masking</c> and its index.</summary>
    public string? Name { get; set; }
}
