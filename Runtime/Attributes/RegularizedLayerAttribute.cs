namespace ModelGen;

/// <summary>
/// A layer attribute whose layer has a kernel (weight) and a bias, with Keras' L1 and L2 weight regularisers on each
/// (Keras' <c>kernel_regularizer=L1L2(l1, l2)</c> and <c>bias_regularizer</c>). A regulariser adds
/// l1 * sum |w| + l2 * sum w^2 of its tensor to every batch's loss, as Keras adds a layer's losses: History's
/// loss and val_loss include it, and the gradient gains l1 * sign(w) + 2 * l2 * w. All factors default to 0 (none).
/// </summary>
public abstract class RegularizedLayerAttribute : Attribute
{
    /// <summary>L1 factor on the kernel (PyTorch's <c>weight</c>, an attention's projections), finite and not negative.</summary>
    public float KernelL1 { get; set; }

    /// <summary>L2 factor on the kernel: adds l2 * sum w^2 to the loss (Keras' <c>regularizers.L2(l2)</c>).</summary>
    public float KernelL2 { get; set; }

    /// <summary>L1 factor on the biases.</summary>
    public float BiasL1 { get; set; }

    /// <summary>L2 factor on the biases.</summary>
    public float BiasL2 { get; set; }
}

/// <summary>
/// A recurrent layer's attribute: besides the kernel (the input weight, PyTorch's <c>weight_ih_l0</c>) and the biases
/// (<c>bias_ih_l0</c> and <c>bias_hh_l0</c>), Keras' <c>recurrent_regularizer</c> on the recurrent weight
/// (<c>weight_hh_l0</c>).
/// </summary>
public abstract class RegularizedRecurrentAttribute : RegularizedLayerAttribute
{
    /// <summary>L1 factor on the recurrent weight (<c>weight_hh_l0</c>).</summary>
    public float RecurrentL1 { get; set; }

    /// <summary>L2 factor on the recurrent weight.</summary>
    public float RecurrentL2 { get; set; }
}
