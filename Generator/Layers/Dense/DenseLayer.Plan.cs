using ModelGen.Generator.Emit;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dense;

internal sealed partial class DenseLayer
{
    /// <summary>
    /// The output after the activation; a final layer fused into the loss first keeps its logits in a slot of
    /// their own, which the loss reads. A GELU layer keeps its pre-activation in a slot before the output.
    /// </summary>
    public override void PlaceForward(NetworkPlan plan, LayerPlan layer)
    {
        var dense = (DenseSpec)layer.Spec;
        string shape = layer.Output.WithBatch;
        if (layer.IsLast && plan.Fused)
        {
            layer.LogitsSlot = plan.AddSlot(layer.Id + "Logits", layer.OutputWidth, layer.Spec.Name, shape + " before " + Literals.ActivationProse(dense.Activation));
            layer.OutputSlot = plan.AddSlot("OutputSlot", layer.OutputWidth, "output", shape + " after " + Literals.ActivationProse(dense.Activation));
            layer.FusedIntoLoss = true;
            plan.LossInputSlot = layer.LogitsSlot;
            return;
        }

        if (dense.Activation == ActivationFunction.Gelu)
        {
            // GELU's derivative reads its input, so the pre-activation is kept beside the output.
            layer.ScratchSlots.Add(plan.AddSlot(layer.Id + "PreActivation", layer.OutputWidth, layer.Spec.Name, shape + " before GELU"));
        }

        string after = dense.Activation == ActivationFunction.Linear ? "" : " after " + Literals.ActivationProse(dense.Activation);
        layer.OutputSlot = plan.AddOutputSlot(layer, after);
    }
}
