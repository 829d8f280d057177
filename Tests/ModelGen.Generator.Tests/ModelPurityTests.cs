using System.Reflection;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The pipeline's model must hold plain values only: a symbol, syntax node, location, semantic model or compilation
/// would keep a compilation alive and defeat caching. Walks every field reachable from the stage outputs.
/// </summary>
public sealed class ModelPurityTests
{
    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(AttributeData)];

    [Fact]
    public void StageOutputs_HoldNoSymbolSyntaxLocationOrCompilation()
    {
        var generator = typeof(ModelGenGenerator).Assembly;
        var roots = new List<Type> { typeof(ParseResult), typeof(ValidationResult), typeof(GeneratedFile) };
        roots.AddRange(generator.GetTypes().Where(type => typeof(LayerSpec).IsAssignableFrom(type)));
        Assert.Contains(roots, type => type.Name == "DenseSpec");

        var seen = new HashSet<Type>();
        var offenders = new List<string>();
        foreach (var root in roots)
        {
            Walk(root, root.Name, seen, offenders);
        }

        Assert.Empty(offenders);
        Assert.Contains(typeof(LocationInfo), seen);
    }

    private static void Walk(Type type, string path, HashSet<Type> seen, List<string> offenders)
    {
        if (Forbidden.Any(forbidden => forbidden.IsAssignableFrom(type)))
        {
            offenders.Add($"{path}: {type}");
            return;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || !seen.Add(type))
        {
            return;
        }

        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", seen, offenders);
            return;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            Walk(argument, $"{path}<{argument.Name}>", seen, offenders);
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.FieldType, path + "." + field.Name, seen, offenders);
        }

        // A field typed as the base record may hold any derived layer: walk those too.
        if (type.IsAbstract && type.Assembly == typeof(ModelGenGenerator).Assembly)
        {
            foreach (var derived in type.Assembly.GetTypes().Where(t => t != type && type.IsAssignableFrom(t)))
            {
                Walk(derived, path + ":" + derived.Name, seen, offenders);
            }
        }
    }
}
