using System.Collections.Generic;

namespace ModelGen.Generator.Emit;

/// <summary>
/// A gradient buffer of the backward pass: the gradients it holds in turn (in-place kernels rename it), its
/// width and its lifetime in backward steps (the loss is step 0), and the offset first-fit gives it.
/// </summary>
internal sealed class GradientBuffer
{
    public GradientBuffer(string constant, int width, int firstStep, string gradient)
    {
        Constant = constant;
        Width = width;
        FirstStep = firstStep;
        LastStep = firstStep;
        Gradients.Add(gradient);
    }

    public string Constant { get; }

    public int Width { get; }

    public int FirstStep { get; }

    public int LastStep { get; set; }

    public List<string> Gradients { get; } = [];

    public int Offset { get; set; }

    public bool LivesWith(GradientBuffer other) => FirstStep <= other.LastStep && other.FirstStep <= LastStep;
}
