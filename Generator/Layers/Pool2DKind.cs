using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers;

/// <summary>A pooling window's sizes on its input, as ModelGen.Kernels.Pool2DShape takes them.</summary>
internal readonly record struct Pool2DGeometry(int Channels, int Height, int Width, int PoolHeight, int PoolWidth, int StrideHeight, int StrideWidth, int OutHeight, int OutWidth)
{
    /// <summary>The constructor call generated code passes to the kernels (a struct: no allocation).</summary>
    public string Literal =>
        $"new global::ModelGen.Kernels.Pool2DShape({Channels}, {Height}, {Width}, {PoolHeight}, {PoolWidth}, {StrideHeight}, {StrideWidth}, {OutHeight}, {OutWidth})";
}

/// <summary>
/// What the windowed pooling kinds (MaxPool2D, AvgPool2D) share: [XPool2D(size)] or [XPool2D(height, width)] with
/// Stride (0: the window's size, as Keras) and Name; valid padding; (B, C, H, W) -> (B, C, OH, OW).
/// </summary>
internal abstract class Pool2DKind : LayerKind
{
    /// <summary>The spec for the parsed arguments.</summary>
    protected abstract LayerSpec Create(string name, int poolHeight, int poolWidth, int stride);

    /// <summary>The window of a spec: height, width and stride.</summary>
    protected abstract (int Height, int Width, int Stride) Window(LayerSpec spec);

    public override LayerSpec Parse(AttributeData attribute, string defaultName, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string name = AttributeArguments.NamedString(attribute, "Name") ?? defaultName;
        int height = AttributeArguments.Int(attribute, 0, 0);
        int width = attribute.ConstructorArguments.Length > 1 ? AttributeArguments.Int(attribute, 1, 0) : height;
        int stride = AttributeArguments.NamedInt(attribute, "Stride", 0);
        var spec = Create(name, height, width, stride);
        MapRules.Positive(name, spec.Kind, width == height ? "pool size" : "pool height", height, location, diagnostics);
        if (width != height)
        {
            MapRules.Positive(name, spec.Kind, "pool width", width, location, diagnostics);
        }

        if (stride != 0)
        {
            MapRules.Positive(name, spec.Kind, "stride", stride, location, diagnostics);
        }

        return spec;
    }

    public override Shape? InferShape(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (!MapRules.IsMap(spec, input, location, diagnostics))
        {
            return null;
        }

        var (height, width, _) = Window(spec);
        if (!MapRules.WindowFits(spec, input, height, width, input.Dimensions[1], input.Dimensions[2], ", or fewer pooling layers before it", location, diagnostics))
        {
            return null;
        }

        var g = Geometry(spec, input);
        return new Shape(EquatableArray.From(new[] { g.Channels, g.OutHeight, g.OutWidth }));
    }

    /// <summary>One operation per window element of each output (a compare or an add).</summary>
    public override long FlopsPerSample(LayerSpec spec, Shape input)
    {
        var g = Geometry(spec, input);
        return (long)g.Channels * g.OutHeight * g.OutWidth * g.PoolHeight * g.PoolWidth;
    }

    /// <summary>Transparent: the maximum or the mean of an activation's outputs keeps its meaning.</summary>
    public override ActivationFunction? OutputActivation(LayerSpec spec) => null;

    public override string Describe(LayerSpec spec)
    {
        var (height, width, stride) = Window(spec);
        string strideText = stride == 0 || (stride == height && stride == width) ? "" : $", stride {stride}";
        return $"{spec.Kind}({height}x{width}{strideText})";
    }

    /// <summary>The pooling's geometry on <paramref name="input"/> (C, H, W).</summary>
    protected Pool2DGeometry Geometry(LayerSpec spec, Shape input)
    {
        var (height, width, stride) = Window(spec);
        var (channels, inHeight, inWidth) = MapRules.Dimensions(input);
        int strideHeight = stride == 0 ? height : stride, strideWidth = stride == 0 ? width : stride;
        return new Pool2DGeometry(channels, inHeight, inWidth, height, width, strideHeight, strideWidth,
            ((inHeight - height) / strideHeight) + 1, ((inWidth - width) / strideWidth) + 1);
    }

    /// <summary>The ONNX operator: MaxPool or AveragePool.</summary>
    protected abstract string OnnxOperator { get; }

    /// <inheritdoc/>
    public override void EmitOnnx(IndentedTextWriter writer, LayerPlan layer)
    {
        // Valid padding: the window never covers padding, so AveragePool's count_include_pad does not matter.
        var g = Geometry(layer.Spec, layer.Input);
        OnnxEmit.Node(writer, OnnxOperator, layer.Spec.Name, ["x"],
            OnnxEmit.Ints("kernel_shape", g.PoolHeight, g.PoolWidth), OnnxEmit.Ints("strides", g.StrideHeight, g.StrideWidth));
    }
}
