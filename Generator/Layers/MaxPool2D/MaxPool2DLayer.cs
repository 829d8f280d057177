using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.MaxPool2D;

/// <summary>The MaxPool2D layer: the maximum of each window, its arg-max kept so that the backward pass routes dy to it.</summary>
internal sealed class MaxPool2DLayer : Pool2DKind
{
    public static MaxPool2DLayer Instance { get; } = new();

    public override string AttributeName => "ModelGen.MaxPool2DAttribute";

    public override string DefaultNamePrefix => "max_pool";

    protected override LayerSpec Create(string name, int poolHeight, int poolWidth, int stride) => new MaxPool2DSpec(name, poolHeight, poolWidth, stride);

    protected override (int Height, int Width, int Stride) Window(LayerSpec spec) =>
        spec is MaxPool2DSpec pool ? (pool.PoolHeight, pool.PoolWidth, pool.Stride) : default;

    /// <summary>The arg-max of each output (as a float index in its input plane), then the output.</summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "ArgMax", layer.OutputWidth, layer.Spec.Name, "arg-max " + layer.Output.WithBatch));
        layer.OutputSlot = plan.AddOutputSlot(layer, "");
    }

    public override void EmitForward(IndentedTextWriter writer, LayerPlan layer)
    {
        var g = Geometry(layer.Spec, layer.Input);
        writer.WriteLine($"// {layer.Spec.Name}: {Describe(layer.Spec)}  {layer.Input} -> {layer.Output}; arg-max kept for the backward pass");
        writer.WriteLine($"k.MaxPool2DForward({Buffers.Act(layer.ForwardInput, layer.InputWidth)}, {Buffers.Act(layer.OutputSlot, layer.OutputWidth)}, {Buffers.Act(layer.ScratchSlots[0], layer.OutputWidth)}, batch, {g.Literal});");
    }

    /// <summary>
    /// After a layer that ends in a ReLU, the pool takes over the ReLU's backward: the ReLU's output at the arg-max is
    /// the pooled value, so dy passes where that is positive, and the layer before skips its pass over the whole map.
    /// </summary>
    public override void FuseWithPrevious(LayerPlan layer, LayerPlan previous)
    {
        if (previous.Kind.EndsInRelu(previous))
        {
            previous.ReluBackwardDoneByNext = true;
            layer.FusesPreviousRelu = true;
        }
    }

    /// <summary>dx = 0, then each dy added at its window's arg-max (only where the pooled ReLU output is positive, when fused).</summary>
    public override void EmitBackward(IndentedTextWriter writer, LayerPlan layer)
    {
        var g = Geometry(layer.Spec, layer.Input);
        string relu = layer.FusesPreviousRelu ? Buffers.Act(layer.OutputSlot, layer.OutputWidth) : "default";
        string fused = layer.FusesPreviousRelu ? " where the pooled output is positive (the ReLU before, fused)" : "";
        writer.WriteLine($"// {layer.Spec.Name}: dx {layer.Input} = dy routed to each window's arg-max{fused}");
        writer.WriteLine($"k.MaxPool2DBackward({Buffers.Act(layer.OutputGradient!, layer.OutputWidth)}, {Buffers.Act(layer.ScratchSlots[0], layer.OutputWidth)}, {relu}, {Buffers.Act(layer.InputGradient!, layer.InputWidth)}, batch, {g.Literal});");
    }

    /// <inheritdoc/>
    protected override string OnnxOperator => "MaxPool";
}
