using ModelGen.Generator.Model;

namespace ModelGen.Generator.Validation;

/// <summary>Whether a loss fits the output; the rules are those MG2002's summary documents.</summary>
internal static class LossRules
{
    /// <summary>Null when the loss fits, else the reason, phrased to follow "does not fit ...: ".</summary>
    public static string? Check(LossFunction loss, Shape output, ActivationFunction activation)
    {
        long width = output.Size;
        switch (loss)
        {
            case LossFunction.BinaryCrossEntropy when activation == ActivationFunction.Softmax:
                return width > 1
                    ? "a softmax over several outputs wants CategoricalCrossEntropy or SparseCategoricalCrossEntropy; binary cross-entropy wants Sigmoid"
                    : "a softmax over one output is always 1; end with Sigmoid";
            case LossFunction.BinaryCrossEntropy when activation != ActivationFunction.Sigmoid && width != 1:
                return $"binary cross-entropy reads probabilities; end with Sigmoid (the output has {width} values)";
            case LossFunction.CategoricalCrossEntropy or LossFunction.SparseCategoricalCrossEntropy when output.Rank != 1 || width < 2:
                return $"categorical cross-entropy needs a 1-D output of at least 2 classes, but it has {width}";
            case LossFunction.CategoricalCrossEntropy or LossFunction.SparseCategoricalCrossEntropy when activation != ActivationFunction.Softmax:
                return "categorical cross-entropy reads class probabilities; end with Softmax";
            case LossFunction.Hinge when activation is not (ActivationFunction.Linear or ActivationFunction.Tanh):
                return "hinge reads the sign of the output; end with a Linear or Tanh output";
            default:
                return null;
        }
    }
}
