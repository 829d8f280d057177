using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing;

/// <summary>Maps the integer values of ModelGen.Activation and ModelGen.Loss, in their declaration order, to the generator's enums.</summary>
internal static class EnumReader
{
    /// <summary>
    /// The activation of the value; Gelu only where <paramref name="allowGelu"/> (the kinds that run the GELU kernels
    /// themselves), else MG1015 and Linear.
    /// </summary>
    public static ActivationFunction Activation(int value, LocationInfo? location, List<DiagnosticInfo> diagnostics, bool allowGelu = false)
    {
        if (value == (int)ActivationFunction.Gelu)
        {
            if (!allowGelu)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeluNotSupportedError, location));
                return ActivationFunction.Linear;
            }

            return ActivationFunction.Gelu;
        }

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
