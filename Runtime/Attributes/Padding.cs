namespace ModelGen;

/// <summary>How a convolution treats the edges of its input, as Keras names it.</summary>
public enum Padding
{
    /// <summary>No padding: the kernel stays inside the input, so each side loses (kernel - 1) / 2 positions.</summary>
    Valid,
    /// <summary>Zero padding so that the output has ceil(input / stride) positions; an odd extra row or column goes at the bottom or right.</summary>
    Same,
}
