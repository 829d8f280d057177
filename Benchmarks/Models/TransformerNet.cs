namespace ModelGen.Benchmarks.Models;

/// <summary>
/// PyTorch's nn.TransformerEncoderLayer(128, 4, 512, batch_first=True) as a graph model: post-norm, ReLU, dropout 0.1
/// on the attention probabilities, after the attention, inside the feed-forward after its activation and after the
/// feed-forward; LayerNorm epsilon 1e-5. Member names follow PyTorch's (self_attn, linear1, norm1, ...).
/// </summary>
[Model]
public partial class EncoderLayer
{
    [Input(64, 128)] public partial Tensor X { get; }
    [MultiHeadAttention(4, Dropout = 0.1)] public partial Layer SelfAttn { get; }
    [Dropout(0.1)] public partial Layer Dropout1 { get; }
    [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm1 { get; }
    [Dense(512, Activation.ReLU)] public partial Layer Linear1 { get; }
    [Dropout(0.1)] public partial Layer Dropout { get; }
    [Dense(128)] public partial Layer Linear2 { get; }
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
/// The transformer workload of DESIGN.md section 6 (workload 4), the peer's EncReg: sequence 64, width 128, one
/// <see cref="EncoderLayer"/>, the mean over time, one linear output, mean squared error.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
public partial class EncReg
{
    [Input(64, 128)] public partial Tensor X { get; }
    [Block(typeof(EncoderLayer))] public partial Layer Enc { get; }
    [Dense(1)] public partial Layer Head { get; }

    [Forward]
    Tensor Forward() => Head(Tensor.Mean(Enc(X), axis: 1));
}
