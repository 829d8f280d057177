using System.Collections.Generic;
using System.Threading;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Validation;

/// <summary>
/// Walks the layer chain from [Input], asks each layer for its output shape, then checks the loss against the
/// output and the model's size against one arena. Strips the locations: the result is what Emit sees.
/// </summary>
internal static class ShapeChecker
{
    // Parameters, gradients and two optimizer slots: the fixed part of the arena scales with four times P.
    private const long ArenaCopiesOfTrainable = 4;

    public static ValidationResult Validate(ParseResult parsed, CancellationToken cancellationToken)
    {
        if (parsed.Members is not null)
        {
            var graph = parsed.Graph;
            // Shapes were checked while the body was compiled; warnings do not stop it.
            bool failed = false;
            foreach (var diagnostic in parsed.Diagnostics)
            {
                failed |= diagnostic.Descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
            }

            return new ValidationResult(failed || graph is null ? null : graph, parsed.Diagnostics);
        }

        if (parsed.Network is not { } network || parsed.Diagnostics.Count > 0)
        {
            return new ValidationResult(null, parsed.Diagnostics);
        }

        var diagnostics = new List<DiagnosticInfo>();
        var shapes = new List<Shape>();
        var input = network.InputShape;
        long trainable = 0;
        long state = 0;
        long activationsPerSample = 2 * input.Size;
        var before = new List<LayerSpec>();
        foreach (var layer in network.Layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kind = layer.Spec.Layer;
            Shape? output = kind.InferShape(layer.Spec, before, input, layer.Location, diagnostics);
            before.Add(layer.Spec);
            if (output is null)
            {
                return new ValidationResult(null, EquatableArray.From(diagnostics));
            }

            trainable += kind.TrainableCount(layer.Spec, input);
            state += kind.StateCount(layer.Spec, input);

            // Each layer keeps at most two per-sample buffers (an output and a mask), and gradients need at most two more of the widest.
            activationsPerSample += 4 * output.Size;
            long arenaFixed = (ArenaCopiesOfTrainable * trainable) + (2 * state);
            if (arenaFixed > int.MaxValue || activationsPerSample > int.MaxValue)
            {
                string what = arenaFixed > int.MaxValue ? "the parameters, gradients and optimizer state" : "one sample's activations";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLargeError, layer.Location, layer.Spec.Name, layer.Spec.Kind, network.ClassName, what, System.Math.Max(arenaFixed, activationsPerSample)));
                return new ValidationResult(null, EquatableArray.From(diagnostics));
            }

            shapes.Add(output);
            input = output;
        }

        var specs = new List<LayerSpec>();
        foreach (var layer in network.Layers)
        {
            specs.Add(layer.Spec);
        }

        var outputActivation = OutputAnalysis.OutputActivation(specs);
        if (LossRules.Check(network.Loss, input, outputActivation) is { } reason)
        {
            var last = specs[specs.Count - 1];
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LossOutputMismatchError, network.ModelLocation, network.Loss, input.WithBatch, last.Name, outputActivation, reason));
            return new ValidationResult(null, EquatableArray.From(diagnostics));
        }

        var spec = new NetworkSpec(network.Namespace, network.ClassName, network.Loss, network.InputShape, EquatableArray.From(specs), EquatableArray.From(shapes));
        return new ValidationResult(spec, EquatableArray<DiagnosticInfo>.Empty);
    }
}
