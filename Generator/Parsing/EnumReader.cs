using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing;

/// <summary>Maps the integer values of ModelGen.Activation and ModelGen.Loss, in their declaration order, to the generator's enums.</summary>
internal static class EnumReader
{
    public static ActivationFunction Activation(int value, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (value is < (int)ActivationFunction.Linear or > (int)ActivationFunction.Softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EnumValueUnknownError, location, "Activation", value));
            return ActivationFunction.Linear;
        }

        return (ActivationFunction)value;
    }

    public static LossFunction Loss(int value, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (value is < (int)LossFunction.MeanSquaredError or > (int)LossFunction.Hinge)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EnumValueUnknownError, location, "Loss", value));
            return LossFunction.MeanSquaredError;
        }

        return (LossFunction)value;
    }
}
