namespace ModelGen.Samples.FashionVqa;

/// <summary>The networks' sizes, shared by every model of the sample so that they differ only in their units.</summary>
public static class VqaSizes
{
    /// <summary>Floats per word and per region through the units (MCAN's HIDDEN_SIZE).</summary>
    public const int Width = 64;

    /// <summary>Attention heads in every unit (MCAN's MULTI_HEAD).</summary>
    public const int Heads = 4;

    /// <summary>Units per stack (MCAN's LAYER).</summary>
    public const int Depth = 2;

    /// <summary>The feed-forward's inner units in every unit (MCAN's FF_SIZE, 4 x Width).</summary>
    public const int Hidden = 4 * Width;

    /// <summary>Features of each attentional reduction, summed across the modalities (MCAN's FLAT_OUT_SIZE).</summary>
    public const int ReductionOutputs = 128;
}
