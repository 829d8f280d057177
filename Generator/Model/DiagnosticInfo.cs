using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Model;

/// <summary>
/// A diagnostic waiting to be reported: its descriptor, plain-value location and message arguments.
/// Travels in the diagnostics branch of the pipeline, never in the model Emit sees. Must stay immutable with value equality.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        var texts = new string[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            texts[i] = System.Convert.ToString(arguments[i], System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        return new(descriptor, location, EquatableArray.From(texts));
    }

    public Diagnostic ToDiagnostic()
    {
        var arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, Location?.ToLocation(), arguments);
    }
}
