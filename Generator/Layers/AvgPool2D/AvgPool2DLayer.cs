using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.AvgPool2D;

/// <summary>The AvgPool2D layer: the mean of each window.</summary>
internal sealed class AvgPool2DLayer : Pool2DKind
{
    public static AvgPool2DLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.AvgPool2DAttribute";

    public override string DefaultNamePrefix => "avg_pool";

    protected override LayerSpec Create(string name, int poolHeight, int poolWidth, int stride) => new AvgPool2DSpec(name, poolHeight, poolWidth, stride);

    protected override (int Height, int Width, int Stride) Window(LayerSpec spec) =>
        spec is AvgPool2DSpec pool ? (pool.PoolHeight, pool.PoolWidth, pool.Stride) : default;

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var g = Geometry(layer.Spec, layer.Input);
        writer.WriteLine($"// {layer.Spec.Name}: {Describe(layer.Spec)}  {layer.Input} -> {layer.Output}");
        writer.WriteLine($"k.AvgPool2DForward({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, batch, {g.Literal});");
    }

    /// <summary>dx = each dy spread evenly over its window.</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var g = Geometry(layer.Spec, layer.Input);
        writer.WriteLine($"// {layer.Spec.Name}: dx {layer.Input} = dy / ({g.PoolHeight} * {g.PoolWidth}) over each window");
        writer.WriteLine($"k.AvgPool2DBackward({Buffers.Act(layer.OutputGradient!, layer.OutputWidth)}, {Buffers.Act(layer.InputGradient!, layer.InputWidth)}, batch, {g.Literal});");
    }

    /// <inheritdoc/>
    protected override string OnnxOperator => "AveragePool";
}
