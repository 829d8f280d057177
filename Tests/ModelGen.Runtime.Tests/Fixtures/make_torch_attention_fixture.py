#!/usr/bin/env python3
"""Writes the PyTorch twins of the attention models in ModelGen.Runtime.Tests.Models.TorchAttentionModels with random,
non-default values for every tensor (LayerNorm weights and biases too) as safetensors (one file per model, the
state_dict as PyTorch names it), plus inputs and PyTorch's outputs as JSON.

Run with Debian's python3-torch (no other package needed; the safetensors file is written by hand, as
make_torch_recurrent_fixture.py does):
    /usr/bin/python3 Tests/ModelGen.Runtime.Tests/Fixtures/make_torch_attention_fixture.py
The tests read the committed files and need no Python.

Every module is named as the twin's member is (enc, head, attention, norm), so the state_dict's keys are ModelGen's
parameter names as they are: enc.self_attn.in_proj_weight (3E, E) packing the query, key and value projections in
that order, enc.self_attn.in_proj_bias (3E), enc.self_attn.out_proj.weight (E, E) and .bias, enc.linear1.weight (F, E),
enc.linear2.weight (E, F), enc.norm1.weight and .bias (E), ..., head.weight (1, E). Every model is batch_first and in
eval mode, so dropout does nothing; torch_masked_encoder declares the encoder layer's modules at the top
(self_attn.*, linear1.*, norm1.*, beside embed.weight and head.*). Token ids are written as floats, as ModelGen reads
them. The JSON holds each input flattened under "inputs" (a list, in the twin's input
order) with its shape under "input_shapes".
"""
import json, os, struct

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH, STEPS, WIDTH, HEADS, HIDDEN, VOCABULARY = 3, 5, 8, 2, 16, 10


class TorchEncReg(nn.Module):
    """EncReg made small: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True) (post-norm), the mean
    over time, nn.Linear(8, 1)."""

    def __init__(self, activation):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(d_model=WIDTH, nhead=HEADS, dim_feedforward=HIDDEN, dropout=0.1,
                                              activation=activation, batch_first=True)
        self.head = nn.Linear(WIDTH, 1)

    def forward(self, x):
        return self.head(self.enc(x).mean(dim=1))


class TorchMaskedEncoder(nn.TransformerEncoderLayer):
    """Token ids (B, 5) through nn.Embedding(10, 8) (id 0 is padding), the encoder layer with src_key_padding_mask
    (ids == 0) keeping padded keys out of every softmax, the mean over the unmasked steps, nn.Linear(8, 1). The layer's
    own modules stay at the top (self_attn, linear1, norm1, ...) beside embed and head, as the twin declares them."""

    def __init__(self):
        super().__init__(d_model=WIDTH, nhead=HEADS, dim_feedforward=HIDDEN, dropout=0.1, batch_first=True)
        self.embed = nn.Embedding(VOCABULARY, WIDTH)
        self.head = nn.Linear(WIDTH, 1)

    def forward(self, tokens):
        padding = tokens == 0
        x = super().forward(self.embed(tokens.long()), src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).to(x.dtype)
        return self.head((x * keep).sum(dim=1) / keep.sum(dim=1))


class TorchCrossAttention(nn.Module):
    """nn.MultiheadAttention(8, 2, batch_first=True): queries (B, 3, 8) attend to a context (B, 5, 8) that gives both
    keys and values; the need_weights=False output (B, 3, 8)."""

    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)

    def forward(self, queries, context):
        out, _ = self.attention(queries, context, context, need_weights=False)
        return out


class TorchLayerNorm(nn.Module):
    """nn.LayerNorm(8, eps=1e-5) on (B, 4, 8)."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(WIDTH, eps=1e-5)

    def forward(self, x):
        return self.norm(x)


class TorchMcan(nn.Module):
    """TinyMcan (Models/McaModels.cs), MCAN's encoder-decoder of units at width 8: token ids (B, 4) through
    nn.Embedding(10, 8) (id 0 is padding), two SA units, the image regions (B, 3, 6) through nn.Linear(6, 8) and two
    SGA units guided by the encoder's last output, an attentional reduction (mca.py's AttFlat) of each to 6, the sum,
    nn.LayerNorm(6, eps=1e-3) (Keras' epsilon, as the twin's [LayerNorm]) and nn.Linear(6, 4) with a softmax. The
    units are mca.py's, written with nn.MultiheadAttention (key_padding_mask where the question is padded) and
    nn.LayerNorm(eps=1e-6); their modules are named as ModelGen names the units' layers (mhatt, mhatt1, mhatt2, ffn.linear1,
    norm1..3, mlp.fc.linear, mlp.linear, linear_merge)."""

    class Ffn(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1, self.linear2 = nn.Linear(WIDTH, HIDDEN), nn.Linear(HIDDEN, WIDTH)

        def forward(self, x):
            return self.linear2(torch.relu(self.linear1(x)))

    class SA(nn.Module):
        def __init__(self):
            super().__init__()
            self.mhatt = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
            self.ffn = TorchMcan.Ffn()
            self.norm1, self.norm2 = nn.LayerNorm(WIDTH, eps=1e-6), nn.LayerNorm(WIDTH, eps=1e-6)

        def forward(self, x, pad):
            x = self.norm1(x + self.mhatt(x, x, x, key_padding_mask=pad, need_weights=False)[0])
            return self.norm2(x + self.ffn(x))

    class SGA(nn.Module):
        def __init__(self):
            super().__init__()
            self.mhatt1 = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
            self.mhatt2 = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
            self.ffn = TorchMcan.Ffn()
            self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(WIDTH, eps=1e-6) for _ in range(3))

        def forward(self, x, y, y_pad):
            x = self.norm1(x + self.mhatt1(x, x, x, need_weights=False)[0])
            x = self.norm2(x + self.mhatt2(x, y, y, key_padding_mask=y_pad, need_weights=False)[0])
            return self.norm3(x + self.ffn(x))

    class AttFlat(nn.Module):
        def __init__(self, out):
            super().__init__()
            self.mlp = nn.Module()
            self.mlp.fc = nn.Module()
            self.mlp.fc.linear = nn.Linear(WIDTH, WIDTH)
            self.mlp.linear = nn.Linear(WIDTH, 1)
            self.linear_merge = nn.Linear(WIDTH, out)

        def forward(self, x, pad):
            att = self.mlp.linear(torch.relu(self.mlp.fc.linear(x)))
            if pad is not None:
                att = att.masked_fill(pad.unsqueeze(2), -1e9)
            att = torch.softmax(att, dim=1)
            return self.linear_merge(torch.sum(att * x, dim=1))

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCABULARY, WIDTH)
        self.image_projection = nn.Linear(6, WIDTH)
        self.encoder = nn.ModuleList([TorchMcan.SA() for _ in range(2)])
        self.decoder = nn.ModuleList([TorchMcan.SGA() for _ in range(2)])
        self.question_reduce, self.image_reduce = TorchMcan.AttFlat(6), TorchMcan.AttFlat(6)
        self.norm = nn.LayerNorm(6, eps=1e-3)
        self.classifier = nn.Linear(6, 4)

    def forward(self, question, image):
        pad = question == 0
        y = self.embed(question.long())
        for sa in self.encoder:
            y = sa(y, pad)
        x = self.image_projection(image)
        for sga in self.decoder:
            x = sga(x, y, pad)
        return torch.softmax(self.classifier(self.norm(self.question_reduce(y, pad) + self.image_reduce(x, None))), dim=-1)


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def write(name, model, inputs):
    # Every tensor random: LayerNorm gamma around 1 (not ones), every other weight and bias N(0, 0.5) (not zeros).
    with torch.no_grad():
        for key, p in model.named_parameters():
            if ".norm" in key or key.startswith("norm"):
                p.copy_(torch.randn_like(p) * 0.3 + (1.0 if key.endswith("weight") else 0.0))
            else:
                p.copy_(torch.randn_like(p) * 0.5)
    model.eval()
    with torch.no_grad():
        y = model(*inputs)
        # Kept for the record: the same model in float64 (PyTorch's own float32 rounding against it).
        y64 = model.double()(*[x if x.dtype == torch.int64 else x.double() for x in inputs])
        model.float()
    state = model.state_dict()
    save_safetensors(os.path.join(HERE, name + ".safetensors"), state)
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"torch": torch.__version__, "input_shapes": [list(x.shape) for x in inputs],
                   "inputs": [x.flatten().float().tolist() for x in inputs],
                   "output_shape": list(y.shape), "outputs": y.flatten().tolist()}, f)
    err = ((y.double() - y64).abs() / y64.abs().clamp(min=1e-3)).max().item()
    print("wrote", name, {k: list(v.shape) for k, v in state.items()}, "outputs", tuple(y.shape),
          "float32 vs float64 relative", "%.3g" % err)


def main():
    torch.manual_seed(1234)
    write("torch_encoder_relu", TorchEncReg("relu"), [torch.randn(BATCH, STEPS, WIDTH)])
    write("torch_encoder_gelu", TorchEncReg("gelu"), [torch.randn(BATCH, STEPS, WIDTH)])
    # Padding at the end, in the middle and none; every row keeps at least one token.
    tokens = torch.tensor([[3, 7, 1, 0, 0], [5, 0, 9, 2, 0], [4, 8, 6, 2, 1]])
    write("torch_masked_encoder", TorchMaskedEncoder(), [tokens])
    write("torch_cross_attention", TorchCrossAttention(), [torch.randn(BATCH, 3, WIDTH), torch.randn(BATCH, STEPS, WIDTH)])
    write("torch_layer_norm", TorchLayerNorm(), [torch.randn(BATCH, 4, WIDTH)])
    # Padding at the end, in the middle and none, as torch_masked_encoder's.
    question = torch.tensor([[3, 7, 0, 0], [5, 0, 9, 2], [4, 8, 6, 1]])
    write("torch_mcan", TorchMcan(), [question, torch.randn(BATCH, 3, 6)])


if __name__ == "__main__":
    main()
