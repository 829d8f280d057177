using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Validation;

namespace ModelGen.Generator;

/// <summary>
/// Compiles each [Model] class into its forward and backward passes. Wiring only: Parse, then Validate, then the
/// diagnostics and the location-free model go separate ways, so moving code re-reports but never re-emits. A separate
/// branch warns about classes with layer attributes but no [Model].
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenGenerator : IIncrementalGenerator
{
    private const string ModelAttributeName = "ModelGen.ModelAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (syntax, cancellationToken) => NetworkParser.Parse(syntax, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        // A graph model's members are implemented whether or not its body compiles.
        var members = parsed
            .Select(static (result, _) => result.Members)
            .Where(static members => members is not null)
            .Select(static (members, _) => MemberEmitter.Emit(members!));
        context.RegisterSourceOutput(members, static (production, file) =>
            production.AddSource(file.HintName, SourceText.From(file.Text, System.Text.Encoding.UTF8)));

        var validated = parsed
            .Select(static (result, cancellationToken) => ShapeChecker.Validate(result, cancellationToken))
            .WithTrackingName(TrackingNames.Validate);

        var diagnostics = validated.Select(static (result, _) => result.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (production, found) =>
        {
            foreach (var diagnostic in found)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        var files = validated
            .Select(static (result, _) => result.Network)
            .WithTrackingName(TrackingNames.Model)
            .Where(static network => network is not null)
            .Select(static (network, cancellationToken) => NetworkEmitter.Emit(network!, cancellationToken))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(files, static (production, file) =>
            production.AddSource(file.HintName, SourceText.From(file.Text, System.Text.Encoding.UTF8)));

        // Layer attributes without [Model] get no code: warn at the class instead of staying silent.
        foreach (string attributeName in MissingModelCheck.AttributeNames)
        {
            var warnings = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attributeName,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: (syntax, cancellationToken) => MissingModelCheck.Check(syntax, attributeName, cancellationToken))
                .WithTrackingName(TrackingNames.MissingModel)
                .Where(static warning => warning is not null);
            context.RegisterSourceOutput(warnings, static (production, warning) => production.ReportDiagnostic(warning!.ToDiagnostic()));
        }
    }
}
