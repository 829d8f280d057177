namespace ModelGen.Generator.Model;

/// <summary>
/// A layer's L1 and L2 weight regularisers, Keras' <c>kernel_regularizer</c>, <c>bias_regularizer</c> and
/// <c>recurrent_regularizer</c> (an Embedding's <c>embeddings_regularizer</c> is its kernel's), read from the
/// attribute's KernelL1 ... RecurrentL2. Must stay immutable with value equality.
/// </summary>
internal sealed record Regularization(double KernelL1, double KernelL2, double BiasL1, double BiasL2, double RecurrentL1, double RecurrentL2)
{
    /// <summary>No regulariser on any tensor.</summary>
    public static Regularization None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>
    /// The factors for a trainable tensor of PyTorch name <paramref name="name"/>: its last part names the role (a
    /// <c>bias</c>, <c>bias_ih_l0</c> or <c>in_proj_bias</c> is a bias; <c>weight_hh_l0</c> the recurrent weight; any other
    /// <c>weight</c> the kernel).
    /// </summary>
    public (double L1, double L2) For(string name)
    {
        string part = name.Substring(name.LastIndexOf('.') + 1);
        if (part.Contains("bias"))
        {
            return (BiasL1, BiasL2);
        }

        if (part.Contains("weight_hh"))
        {
            return (RecurrentL1, RecurrentL2);
        }

        return part.Contains("weight") ? (KernelL1, KernelL2) : (0, 0);
    }
}
