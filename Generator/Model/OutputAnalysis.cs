using System.Collections.Generic;

namespace ModelGen.Generator.Model;

/// <summary>What the network's output means, and whether the loss is fused with the final activation.</summary>
internal static class OutputAnalysis
{
    /// <summary>
    /// The activation that gives the output its meaning: the last layer's, seen through trailing layers that are
    /// transparent to it (a dropout, the identity at inference); a BatchNorm output is linear.
    /// </summary>
    public static ActivationFunction OutputActivation(IReadOnlyList<LayerSpec> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i].Layer.OutputActivation(layers[i]) is { } activation)
            {
                return activation;
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
        var activation = last is null ? ActivationFunction.Linear : last.Layer.FusableActivation(last);
        return loss switch
        {
            LossFunction.BinaryCrossEntropy => activation == ActivationFunction.Sigmoid,
            LossFunction.CategoricalCrossEntropy or LossFunction.SparseCategoricalCrossEntropy => activation == ActivationFunction.Softmax,
            _ => false,
        };
    }
}
