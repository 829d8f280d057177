using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Generator.Layers;

/// <summary>Every layer kind the generator knows, one line each; the parser finds a kind by its attribute's metadata name.</summary>
internal static class LayerRegistry
{
    public static IReadOnlyList<LayerKind> Kinds { get; } =
    [
        Dense.DenseLayer.Instance,
        BatchNorm.BatchNormLayer.Instance,
        Dropout.DropoutLayer.Instance,
        Activation.ActivationLayer.Instance,
        Conv2D.Conv2DLayer.Instance,
        MaxPool2D.MaxPool2DLayer.Instance,
        AvgPool2D.AvgPool2DLayer.Instance,
        GlobalAvgPool2D.GlobalAvgPool2DLayer.Instance,
        Flatten.FlattenLayer.Instance,
        SimpleRNN.SimpleRNNLayer.Instance,
        LSTM.LSTMLayer.Instance,
        GRU.GRULayer.Instance,
        Embedding.EmbeddingLayer.Instance,
        LayerNorm.LayerNormLayer.Instance,
        MultiHeadAttention.MultiHeadAttentionLayer.Instance,
        PositionEmbedding.PositionEmbeddingLayer.Instance,
        FeedForward.FeedForwardLayer.Instance,
        Masking.MaskingLayer.Instance,
    ];

    private static readonly Dictionary<string, LayerKind> s_byAttribute = Kinds.ToDictionary(kind => kind.AttributeName);

    /// <summary>The kind declared by the attribute of this metadata name, or null when it is no layer attribute.</summary>
    public static LayerKind? ByAttribute(string attributeName) =>
        s_byAttribute.TryGetValue(attributeName, out var kind) ? kind : null;
}
