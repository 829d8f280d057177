namespace ModelGen.Generator.Emit;

/// <summary>One tensor of the parameter layout, in the form ModelGen.ParameterInfo takes.</summary>
internal sealed record PlannedParameter(string Constant, string Name, int Offset, int[] Shape, bool Trainable, string Init, int FanIn, int FanOut, string Role)
{
    /// <summary>The L1 regulariser factor from the layer's attribute (0: none).</summary>
    public double L1 { get; init; }

    /// <summary>The L2 regulariser factor from the layer's attribute (0: none).</summary>
    public double L2 { get; init; }

    public int Length
    {
        get
        {
            int length = 1;
            foreach (int dimension in Shape)
            {
                length *= dimension;
            }

            return length;
        }
    }
}
