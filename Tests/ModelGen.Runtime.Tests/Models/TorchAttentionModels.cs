namespace ModelGen.Runtime.Tests.Models;

/// <summary>
/// The twin of nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True) in Fixtures/make_torch_attention_fixture.py:
/// post-norm, ReLU, dropout on the attention probabilities, after the attention, after the feed-forward's activation
/// and after the feed-forward; LayerNorm epsilon 1e-5. Member names are PyTorch's (self_attn, linear1, norm1, ...).
/// </summary>
[Model]
public partial class TorchEncoderLayerRelu
{
    [Input(5, 8)] public partial Tensor X { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer SelfAttn { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm1 { get; }
    [Dense(16, Activation.ReLU)] public partial Layer Linear1 { get; }
    [Dropout(0.1)] public partial Layer Dropout { get; }
    [Dense(8)] public partial Layer Linear2 { get; }
    [Dropout(0.1)] public partial Layer Dropout2 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + Dropout1(SelfAttn(X)));
        return Norm2(x + Dropout2(Linear2(Dropout(Linear1(x)))));
    }
}

/// <summary>The same layer with activation="gelu" (PyTorch's exact GELU, x Phi(x)).</summary>
[Model]
public partial class TorchEncoderLayerGelu
{
    [Input(5, 8)] public partial Tensor X { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer SelfAttn { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm1 { get; }
    [Dense(16, Activation.Gelu)] public partial Layer Linear1 { get; }
    [Dropout(0.1)] public partial Layer Dropout { get; }
    [Dense(8)] public partial Layer Linear2 { get; }
    [Dropout(0.1)] public partial Layer Dropout2 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm2 { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Norm1(X + Dropout1(SelfAttn(X)));
        return Norm2(x + Dropout2(Linear2(Dropout(Linear1(x)))));
    }
}

/// <summary>
/// The twin of TorchEncReg("relu"), the benchmark's EncReg made small: the encoder layer as a block under enc., the
/// mean over time, nn.Linear(8, 1) as head.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class TorchEncRegRelu
{
    [Input(5, 8)] public partial Tensor X { get; }
    [Block(typeof(TorchEncoderLayerRelu))] public partial Layer Enc { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Enc(X), axis: 1));
}

/// <summary>The twin of TorchEncReg("gelu").</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class TorchEncRegGelu
{
    [Input(5, 8)] public partial Tensor X { get; }
    [Block(typeof(TorchEncoderLayerGelu))] public partial Layer Enc { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Enc(X), axis: 1));
}

/// <summary>
/// The twin of TorchCrossAttention: nn.MultiheadAttention(8, 2, batch_first=True) with queries (3, 8) and a context
/// (5, 8) that gives both keys and values, the attended queries (3, 8) out.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class TorchCrossAttention
{
    [Input(3, 8)] public partial Tensor Queries { get; }
    [Input(5, 8)] public partial Tensor Context { get; }
    [MultiHeadAttention(2)] public partial Layer Attention { get; }

    [Forward]
    Tensor Forward() => Attention(Queries, Context);
}

/// <summary>The twin of TorchLayerNorm: nn.LayerNorm(8, eps=1e-5) over each of 4 steps.</summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class TorchLayerNorm
{
    [Input(4, 8)] public partial Tensor X { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm { get; }

    [Forward]
    Tensor Forward() => Norm(X);
}

/// <summary>
/// The twin of TorchMaskedEncoder: token ids (5) through an embedding whose id 0 is padding (PyTorch's
/// src_key_padding_mask), the encoder layer's members declared here so their names are PyTorch's without a prefix,
/// the mean over the unmasked steps, nn.Linear(8, 1) as head.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class TorchMaskedEncoder
{
    [Input(5)] public partial Tensor Tokens { get; }
    [Embedding(10, 8, MaskZero = true)] public partial Layer Embed { get; }
    [MultiHeadAttention(2, Dropout = 0.1)] public partial Layer SelfAttn { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm1 { get; }
    [Dense(16, Activation.ReLU)] public partial Layer Linear1 { get; }
    [Dropout(0.1)] public partial Layer Dropout { get; }
    [Dense(8)] public partial Layer Linear2 { get; }
    [Dropout(0.1)] public partial Layer Dropout2 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm2 { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward()
    {
        var x = Embed(Tokens);
        x = Norm1(x + Dropout1(SelfAttn(x)));
        x = Norm2(x + Dropout2(Linear2(Dropout(Linear1(x)))));
        return Head(Tensor.Mean(x, axis: 1));
    }
}
