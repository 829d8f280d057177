using System.Collections.Generic;
using ModelGen.Generator.Layers.Activation;
using ModelGen.Generator.Layers.Dense;
using ModelGen.Generator.Layers.Dropout;

namespace ModelGen.Generator.Model;

/// <summary>What the network's output means, and whether the loss is fused with the final activation.</summary>
internal static class OutputAnalysis
{
    /// <summary>
    /// The activation that gives the output its meaning: the last layer's, seen through trailing Dropout layers
    /// (the identity at inference); a BatchNorm output is linear.
    /// </summary>
    public static ActivationFunction OutputActivation(IReadOnlyList<LayerSpec> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            switch (layers[i])
            {
                case DropoutSpec:
                    continue;
                case DenseSpec dense:
                    return dense.Activation;
                case ActivationSpec activation:
                    return activation.Function;
                default:
                    return ActivationFunction.Linear;
            }
        }

        return ActivationFunction.Linear;
    }

    /// <summary>
    /// Whether the loss is computed from logits: the network ends (no trailing layer) in a sigmoid with binary
    /// cross-entropy, or in a softmax with categorical or sparse categorical cross-entropy.
    /// </summary>
    public static bool IsFused(LossFunction loss, IReadOnlyList<LayerSpec> layers)
    {
        var last = layers.Count == 0 ? null : layers[layers.Count - 1];
        var activation = last switch
        {
            DenseSpec dense => dense.Activation,
            ActivationSpec standalone => standalone.Function,
            _ => ActivationFunction.Linear,
        };
        return loss switch
        {
            LossFunction.BinaryCrossEntropy => activation == ActivationFunction.Sigmoid,
            LossFunction.CategoricalCrossEntropy or LossFunction.SparseCategoricalCrossEntropy => activation == ActivationFunction.Softmax,
            _ => false,
        };
    }
}
