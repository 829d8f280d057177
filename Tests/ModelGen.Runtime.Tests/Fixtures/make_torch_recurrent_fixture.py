#!/usr/bin/env python3
"""Writes the PyTorch twins of the recurrent models in ModelGen.Runtime.Tests.Models.TorchRecurrentModels with random,
non-default weights as safetensors (one file per model, the state_dict under ModelGen's names), plus inputs and
PyTorch's outputs as JSON.

Run with Debian's python3-torch (no other package needed; the safetensors file is written by hand, as
make_torch_conv_fixture.py does):
    /usr/bin/python3 Tests/ModelGen.Runtime.Tests/Fixtures/make_torch_recurrent_fixture.py
The tests read the committed files and need no Python.

Every module is named as ModelGen names the layer (lstm0, gru0, simple_rnn0, dense0), so the state_dict's keys are
ModelGen's parameter names as they are: <layer>.weight_ih_l0 (G, F), weight_hh_l0 (G, H), bias_ih_l0 and bias_hh_l0
(G), gates (i, f, g, o) for nn.LSTM, (r, z, n) for nn.GRU. Every model is batch_first over (B, T, F) = (3, 5, 3); a
recurrent layer without ReturnSequences hands on its last state, out[:, -1]. PyTorch has no masking, so there is
no fixture for it (ModelGen masks as Keras does).
"""
import json, os, struct

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH, STEPS, FEATURES, UNITS = 3, 5, 3, 4


class TorchLstm(nn.Module):
    """[Input(5, 3)] [LSTM(4)] [Dense(2)]"""

    def __init__(self):
        super().__init__()
        self.lstm0 = nn.LSTM(FEATURES, UNITS, batch_first=True)
        self.dense0 = nn.Linear(UNITS, 2)

    def forward(self, x):
        out, _ = self.lstm0(x)
        return self.dense0(out[:, -1])


class TorchGru(nn.Module):
    """[Input(5, 3)] [GRU(4)] [Dense(2)]"""

    def __init__(self):
        super().__init__()
        self.gru0 = nn.GRU(FEATURES, UNITS, batch_first=True)
        self.dense0 = nn.Linear(UNITS, 2)

    def forward(self, x):
        out, _ = self.gru0(x)
        return self.dense0(out[:, -1])


class TorchRnn(nn.Module):
    """[Input(5, 3)] [SimpleRNN(4)] or [SimpleRNN(4, Activation.ReLU)] [Dense(2)]"""

    def __init__(self, nonlinearity):
        super().__init__()
        self.simple_rnn0 = nn.RNN(FEATURES, UNITS, nonlinearity=nonlinearity, batch_first=True)
        self.dense0 = nn.Linear(UNITS, 2)

    def forward(self, x):
        out, _ = self.simple_rnn0(x)
        return self.dense0(out[:, -1])


class TorchStacked(nn.Module):
    """[Input(5, 3)] [LSTM(4, ReturnSequences = true)] [GRU(3)] [Dense(2)]"""

    def __init__(self):
        super().__init__()
        self.lstm0 = nn.LSTM(FEATURES, UNITS, batch_first=True)
        self.gru0 = nn.GRU(UNITS, 3, batch_first=True)
        self.dense0 = nn.Linear(3, 2)

    def forward(self, x):
        sequence, _ = self.lstm0(x)
        out, _ = self.gru0(sequence)
        return self.dense0(out[:, -1])


class TorchRnnSequence(nn.Module):
    """[Input(5, 3)] [SimpleRNN(4, ReturnSequences = true)] [Dense(2)]: the dense layer at every step, (B, 5, 2)."""

    def __init__(self):
        super().__init__()
        self.simple_rnn0 = nn.RNN(FEATURES, UNITS, batch_first=True)
        self.dense0 = nn.Linear(UNITS, 2)

    def forward(self, x):
        out, _ = self.simple_rnn0(x)
        return self.dense0(out)


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


def write(name, model):
    # Weights wider than PyTorch's default U(-1/sqrt(H), 1/sqrt(H)), so that every gate leaves its linear range.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    model.eval()
    x = torch.randn(BATCH, STEPS, FEATURES)
    with torch.no_grad():
        y = model(x)
    state = model.state_dict()
    save_safetensors(os.path.join(HERE, name + ".safetensors"), state)
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"torch": torch.__version__, "input_shape": list(x.shape), "inputs": x.flatten().tolist(),
                   "output_shape": list(y.shape), "outputs": y.flatten().tolist()}, f)
    print("wrote", name, list(state), "outputs", tuple(y.shape))


def main():
    torch.manual_seed(1234)
    write("torch_lstm", TorchLstm())
    write("torch_gru", TorchGru())
    write("torch_rnn_tanh", TorchRnn("tanh"))
    write("torch_rnn_relu", TorchRnn("relu"))
    write("torch_stacked", TorchStacked())
    write("torch_rnn_sequence", TorchRnnSequence())


if __name__ == "__main__":
    main()
