using System.Globalization;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emit;

/// <summary>Formats values as C# literals and identifiers, always with the invariant culture.</summary>
internal static class Literals
{
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that round-trips the value the kernels will see: 0.99f, 1E-05f.</summary>
    public static string Float(double value) => ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>A float as a C# expression: a literal, or float.NaN and the infinities, which have none.</summary>
    public static string FloatExpression(double value)
    {
        float f = (float)value;
        return float.IsNaN(f) ? "float.NaN"
            : float.IsPositiveInfinity(f) ? "float.PositiveInfinity"
            : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
            : Float(f);
    }

    /// <summary>Thousands separated, as Keras prints counts: 2,305.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string String(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static string Activation(ActivationFunction function) => "global::ModelGen.Kernels.ActivationKind." + function;

    public static string Loss(LossFunction loss) => "global::ModelGen.Kernels.LossKind." + loss;

    /// <summary>The layer name as the prefix of its constants: dense0 becomes Dense0, max_pool0 MaxPool0.</summary>
    public static string Pascal(string name)
    {
        var parts = name.Split(['_'], System.StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? name : string.Concat(System.Linq.Enumerable.Select(parts, part => char.ToUpperInvariant(part[0]) + part.Substring(1)));
    }

    /// <summary>The activation in prose: "the sigmoid", "ReLU".</summary>
    public static string ActivationProse(ActivationFunction function) => function switch
    {
        ActivationFunction.Sigmoid => "the sigmoid",
        ActivationFunction.Softmax => "the softmax",
        _ => function.ToString(),
    };

    public static string LossProse(LossFunction loss) => loss switch
    {
        LossFunction.MeanSquaredError => "mean squared error",
        LossFunction.BinaryCrossEntropy => "binary cross-entropy",
        LossFunction.CategoricalCrossEntropy => "categorical cross-entropy",
        LossFunction.SparseCategoricalCrossEntropy => "sparse categorical cross-entropy",
        _ => "hinge loss",
    };
}
