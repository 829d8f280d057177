#!/usr/bin/env python3
"""Writes the PyTorch twin of ModelGen.Runtime.Tests.Models.TorchConvNet with random, non-default weights
(BatchNorm running statistics included) as safetensors, plus inputs and PyTorch's inference outputs as JSON.

Run with Debian's python3-torch (no other package needed; the safetensors file is written by hand):
    /usr/bin/python3 Tests/ModelGen.Runtime.Tests/Fixtures/make_torch_conv_fixture.py
The tests read the committed files and need no Python.

Keras' "same" padding puts the odd extra row at the bottom and the odd column at the right; PyTorch's padding
argument is symmetric, so the twin pads explicitly with F.pad. BatchNorm2d's num_batches_tracked (an int64
counter ModelGen accepts and does not read) stays in the file, as PyTorch's state_dict has it.
"""
import json, os, struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class TorchConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(2, 4, 3, stride=2)           # Conv2D(4, 3, Stride = 2, Padding = Same, ReLU)
        self.norm0 = nn.BatchNorm2d(4, eps=1e-3)             # BatchNorm (Keras' epsilon)
        self.conv1 = nn.Conv2d(4, 6, 2)                      # Conv2D(6, 2, Tanh)
        self.dense0 = nn.Linear(12, 5)                       # Dense(5, Softmax)

    def forward(self, x):
        # (B, 2, 9, 8): same padding with stride 2 gives (5, 4): 2 extra rows (1 top, 1 bottom), 1 extra column (right).
        x = F.relu(self.conv0(F.pad(x, (0, 1, 1, 1))))
        x = self.norm0(x)
        x = F.max_pool2d(x, 2, stride=1)                     # MaxPool2D(2, Stride = 1): (4, 3)
        x = torch.tanh(self.conv1(x))                        # (6, 3, 2)
        x = F.avg_pool2d(x, 2, stride=1)                     # AvgPool2D(2, Stride = 1): (6, 2, 1)
        x = torch.flatten(x, 1)                              # Flatten: 12
        return torch.softmax(self.dense0(x), dim=1)


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        dtype = "I64" if t.dtype == torch.int64 else "F32"
        data = t.detach().contiguous().numpy().tobytes() if dtype == "I64" else t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    torch.manual_seed(1234)
    model = TorchConvNet()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        model.norm0.running_mean.copy_(torch.randn(4) * 0.3)
        model.norm0.running_var.copy_(torch.rand(4) + 0.5)
        model.norm0.num_batches_tracked.fill_(17)  # as after 17 training batches; ModelGen does not read it
    model.eval()
    x = torch.randn(3, 2, 9, 8)
    with torch.no_grad():
        y = model(x)
    state = model.state_dict()
    save_safetensors(os.path.join(HERE, "torch_conv.safetensors"), state)
    with open(os.path.join(HERE, "torch_conv.json"), "w") as f:
        json.dump({"torch": torch.__version__, "input_shape": list(x.shape), "inputs": x.flatten().tolist(),
                   "outputs": y.flatten().tolist()}, f)
    print("wrote", list(state), "outputs", y.shape)


if __name__ == "__main__":
    main()
