using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Parsing;

/// <summary>Reads constructor and named arguments of an attribute as plain values.</summary>
internal static class AttributeArguments
{
    /// <summary>Whether the compiler could not bind the attribute; the compiler reports that itself, so the generator stays quiet.</summary>
    public static bool HasBindingErrors(AttributeData attribute) =>
        attribute.AttributeConstructor is null
        || attribute.ConstructorArguments.Any(IsError)
        || attribute.NamedArguments.Any(argument => IsError(argument.Value));

    public static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }

        return null;
    }

    public static string? NamedString(AttributeData attribute, string name) => Named(attribute, name)?.Value as string;

    public static double NamedDouble(AttributeData attribute, string name, double fallback) =>
        Named(attribute, name) is { Value: { } value } ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : fallback;

    public static int NamedInt(AttributeData attribute, string name, int fallback) =>
        Named(attribute, name) is { Value: { } value } ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : fallback;

    public static int? NamedEnum(AttributeData attribute, string name) =>
        Named(attribute, name) is { Value: { } value } ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;

    public static int Int(AttributeData attribute, int index, int fallback) =>
        index < attribute.ConstructorArguments.Length && attribute.ConstructorArguments[index].Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : fallback;

    public static double Double(AttributeData attribute, int index, double fallback) =>
        index < attribute.ConstructorArguments.Length && attribute.ConstructorArguments[index].Value is { } value
            ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : fallback;

    private static bool IsError(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Error
        || (constant.Kind == TypedConstantKind.Array && !constant.IsNull && constant.Values.Any(IsError));
}
