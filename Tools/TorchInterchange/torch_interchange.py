#!/usr/bin/env python3
"""PyTorch twins of every sample model, and the fixtures that show weights move both ways (issue 15, section 2).

Run with Debian's python3-torch (nothing else; safetensors is read and written by hand):
    /usr/bin/python3 Tools/TorchInterchange/torch_interchange.py make    # PyTorch -> ModelGen fixtures
    /usr/bin/python3 Tools/TorchInterchange/torch_interchange.py check   # ModelGen -> PyTorch, strict=True
CI needs neither: the C# tests (Tests/ModelGen.Samples.Tests/TorchInterchangeTests.cs) read the committed files in
Tests/ModelGen.Samples.Tests/Fixtures/TorchInterchange/.

make: for each sample model, the twin's state_dict with random non-default values (BatchNorm running statistics and
num_batches_tracked included) as <model>.torch.safetensors.gz, and <model>.torch.json with the inputs and the twin's
outputs in eval mode. The C# tests load each file into the sample's class and compare Predict (1e-5 relative).

check: reads <model>.modelgen.safetensors.gz and <model>.modelgen.json (ModelGen's outputs on make's inputs), which
ModelGen wrote from seeded weights (MODELGEN_WRITE_TORCH_FIXTURES=1 dotnet test --filter WritesModelGenFilesWhenAsked
in Tests/ModelGen.Samples.Tests), loads the file with load_state_dict(strict=True) into the twin, runs it on the same
inputs and writes interchange_result.json: per model,
ok, strict, the state_dict's keys with dtype and shape, PyTorch's outputs and the largest relative error against
ModelGen's. The C# tests assert it and that today's Save still writes exactly those keys.

Sizes: the samples hold 2.7 million floats (an 8000-word embedding, five MCAN variants), 11 MB a direction. So that
the committed files stay small, every tensor is filled from one seeded pool of 1021 normal floats (a prime: no row,
gate or head of any tensor repeats another) walked on across the state_dict, each tensor scaled for its role, and the
files are gzipped (deflate's 32 KB window finds each tensor's repeats).

Every module is named as ModelGen names the layer, so the state_dict's keys are ModelGen's parameter names as they
are. BatchNorm and the top-level LayerNorm take Keras' epsilon 1e-3 (ModelGen's default), the MCAN units' LayerNorms
mca.py's 1e-6. Token ids are written as floats, as ModelGen reads them; id 0 is padding: the masked LSTM carries its
state over padded steps (Keras' masking, written out step by step), attention gets key_padding_mask, the
transformer's mean and MCAN's attentional reduction skip padded words.
"""
import gzip, io, json, math, os, struct, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "ModelGen.Samples.Tests", "Fixtures", "TorchInterchange")
POOL = 1021
BATCH = 3
TOLERANCE, FLOOR = 1e-5, 1e-3


# ---------------------------------------------------------------------------------------------------------------------
# Twins

def bn(features):
    # Keras' BatchNormalization as ModelGen runs it: momentum 0.99 (PyTorch's 0.01), epsilon 1e-3.
    return nn.BatchNorm1d(features, eps=1e-3, momentum=0.01)


class HotelNet(nn.Module):
    """Samples/HotelCancellations/HotelNet.cs: BN, (Dense 256 ReLU, BN, Dropout 0.3) x 2, Dense 1 sigmoid."""

    def __init__(self):
        super().__init__()
        self.norm0, self.dense0, self.norm1 = bn(63), nn.Linear(63, 256), bn(256)
        self.dense1, self.norm2, self.dense2 = nn.Linear(256, 256), bn(256), nn.Linear(256, 1)

    def forward(self, x):
        x = self.norm1(torch.relu(self.dense0(self.norm0(x))))
        x = self.norm2(torch.relu(self.dense1(x)))
        return torch.sigmoid(self.dense2(x))


class CancerNet(nn.Module):
    """Samples/BreastCancer/CancerNet.cs: Dense 64 ReLU, BN, Dropout 0.2, Dense 1 sigmoid."""

    def __init__(self):
        super().__init__()
        self.dense0, self.norm0, self.dense1 = nn.Linear(30, 64), bn(64), nn.Linear(64, 1)

    def forward(self, x):
        return torch.sigmoid(self.dense1(self.norm0(torch.relu(self.dense0(x)))))


class FashionNet(nn.Module):
    """Samples/FashionMnist/FashionNet.cs: (1, 28, 28), Conv 32 3x3 ReLU, pool 2, Conv 64 3x3 ReLU, pool 2, flatten
    (C, H, W order, as ModelGen's), Dense 128 ReLU, Dense 10 softmax."""

    def __init__(self):
        super().__init__()
        self.conv0, self.conv1 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3)
        self.dense0, self.dense1 = nn.Linear(1600, 128), nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.conv0(x)), 2)
        x = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        return torch.softmax(self.dense1(torch.relu(self.dense0(x.flatten(1)))), dim=-1)


class Forecaster(nn.Module):
    """Samples/Sunspots: a window (16, 1) through one recurrent layer (or two LSTMs stacked), the last state to
    Dense 1 (linear)."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        if kind == "simple_rnn":
            self.simple_rnn0 = nn.RNN(1, 32, batch_first=True)
        elif kind == "gru":
            self.gru0 = nn.GRU(1, 32, batch_first=True)
        else:
            self.lstm0 = nn.LSTM(1, 32, batch_first=True)
            if kind == "stacked_lstm":
                self.lstm1 = nn.LSTM(32, 32, batch_first=True)
        self.dense0 = nn.Linear(32, 1)

    def forward(self, x):
        first = {"simple_rnn": "simple_rnn0", "gru": "gru0"}.get(self.kind, "lstm0")
        x, _ = getattr(self, first)(x)
        if self.kind == "stacked_lstm":
            x, _ = self.lstm1(x)
        return self.dense0(x[:, -1])


class SpamNet(nn.Module):
    """Samples/SmsSpam/SpamNet.cs: ids (50) through Embedding(8000, 128) (id 0 padding, masked), LSTM 64, the last
    unmasked state to Dense 1 sigmoid. Keras' masking: at a padded step the state is carried over unchanged."""

    def __init__(self):
        super().__init__()
        self.embedding0, self.lstm0, self.dense0 = nn.Embedding(8000, 128), nn.LSTM(128, 64, batch_first=True), nn.Linear(64, 1)

    def forward(self, tokens):
        x, keep = self.embedding0(tokens.long()), (tokens != 0).unsqueeze(-1)
        h = c = torch.zeros(1, tokens.shape[0], 64, dtype=x.dtype)
        for t in range(tokens.shape[1]):
            _, (h2, c2) = self.lstm0(x[:, t:t + 1], (h, c))
            h, c = torch.where(keep[:, t], h2, h), torch.where(keep[:, t], c2, c)
        return torch.sigmoid(self.dense0(h[0]))


class Position(nn.Module):
    """keras_hub's PositionEmbedding as ModelGen stores it: a (length, E) table added row t to step t."""

    def __init__(self, length, width):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(length, width))

    def forward(self, x):
        return x + self.weight


class Ffn(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.linear1, self.linear2 = nn.Linear(width, hidden), nn.Linear(hidden, width)

    def forward(self, x):
        return self.linear2(torch.relu(self.linear1(x)))


def attend(attention, q, kv, pad):
    return attention(q, kv, kv, key_padding_mask=pad, need_weights=False)[0]


class SpamBlock(nn.Module):
    """Samples/SmsSpam/SpamEncoderBlock.cs: post-norm, 4 heads, FeedForward 64 ReLU, LayerNorm eps 1e-3."""

    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(32, 4, batch_first=True)
        self.norm1, self.ffn, self.norm2 = nn.LayerNorm(32, eps=1e-3), Ffn(32, 64), nn.LayerNorm(32, eps=1e-3)

    def forward(self, x, pad):
        x = self.norm1(x + attend(self.attention, x, x, pad))
        return self.norm2(x + self.ffn(x))


class SpamTransformer(nn.Module):
    """Samples/SmsSpam/SpamTransformer.cs: Embedding(8000, 32) masked, positions (50, 32), two encoder blocks, the mean
    over the unpadded words, Dense 1 sigmoid."""

    def __init__(self):
        super().__init__()
        self.embed, self.position = nn.Embedding(8000, 32), Position(50, 32)
        self.encoder, self.head = nn.ModuleList([SpamBlock() for _ in range(2)]), nn.Linear(32, 1)

    def forward(self, tokens):
        pad = tokens == 0
        x = self.position(self.embed(tokens.long()))
        for block in self.encoder:
            x = block(x, pad)
        keep = (~pad).unsqueeze(-1).to(x.dtype)
        return torch.sigmoid(self.head((x * keep).sum(dim=1) / keep.sum(dim=1)))


WIDTH, HEADS, HIDDEN, REDUCTION = 64, 4, 256, 128


def unit_norm():
    return nn.LayerNorm(WIDTH, eps=1e-6)


class SA(nn.Module):
    """MCAN's self-attention unit (Runtime/Attributes/SAAttribute.cs)."""

    def __init__(self):
        super().__init__()
        self.mhatt, self.norm1 = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True), unit_norm()
        self.ffn, self.norm2 = Ffn(WIDTH, HIDDEN), unit_norm()

    def forward(self, x, pad):
        x = self.norm1(x + attend(self.mhatt, x, x, pad))
        return self.norm2(x + self.ffn(x))


class GA(nn.Module):
    """MCAN's guided-attention unit: X attends the guide Y (GAAttribute.cs)."""

    def __init__(self):
        super().__init__()
        self.mhatt, self.norm1 = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True), unit_norm()
        self.ffn, self.norm2 = Ffn(WIDTH, HIDDEN), unit_norm()

    def forward(self, x, x_pad, y, y_pad):
        x = self.norm1(x + attend(self.mhatt, x, y, y_pad))
        return self.norm2(x + self.ffn(x))


class SGA(nn.Module):
    """MCAN's self-guided-attention unit: self-attention, then attention to the guide (SGAAttribute.cs)."""

    def __init__(self):
        super().__init__()
        self.mhatt1, self.norm1 = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True), unit_norm()
        self.mhatt2, self.norm2 = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True), unit_norm()
        self.ffn, self.norm3 = Ffn(WIDTH, HIDDEN), unit_norm()

    def forward(self, x, x_pad, y, y_pad):
        x = self.norm1(x + attend(self.mhatt1, x, x, x_pad))
        x = self.norm2(x + attend(self.mhatt2, x, y, y_pad))
        return self.norm3(x + self.ffn(x))


class AttFlat(nn.Module):
    """mca.py's AttFlat, ModelGen's [AttentionReduction(128)]: softmax over the positions (padding masked) of an MLP's
    score, the weighted sum, linear_merge."""

    def __init__(self):
        super().__init__()
        self.mlp = nn.Module()
        self.mlp.fc = nn.Module()
        self.mlp.fc.linear, self.mlp.linear = nn.Linear(WIDTH, WIDTH), nn.Linear(WIDTH, 1)
        self.linear_merge = nn.Linear(WIDTH, REDUCTION)

    def forward(self, x, pad):
        att = self.mlp.linear(torch.relu(self.mlp.fc.linear(x)))
        if pad is not None:
            att = att.masked_fill(pad.unsqueeze(2), -1e9)
        return self.linear_merge(torch.sum(torch.softmax(att, dim=1) * x, dim=1))


class Mcan(nn.Module):
    """Samples/FashionVqa: the question (11 ids, 0 padding) and the image's 16 regions of 196 pixels; encoder and
    decoder units as the variant says (McanSaSga, McanSaGa, McanIdGa, McanQuestionQueries, QuestionOnlyNet); fusion by
    an attentional reduction of each modality, their sum, LayerNorm(128, eps 1e-3), Dense 21 softmax."""

    def __init__(self, variant):
        super().__init__()
        self.variant = variant
        self.embed, self.question_position = nn.Embedding(30, WIDTH), Position(11, WIDTH)
        if variant != "question_only":
            self.image_projection, self.image_position = nn.Linear(196, WIDTH), Position(16, WIDTH)
            self.image_reduce = AttFlat()
        if variant != "id_ga":
            self.encoder = nn.ModuleList([SA() for _ in range(2)])
        if variant in ("sa_sga", "question_queries"):
            self.decoder = nn.ModuleList([SGA() for _ in range(2)])
        elif variant in ("sa_ga", "id_ga"):
            self.decoder = nn.ModuleList([GA() for _ in range(2)])
        self.question_reduce, self.norm, self.classifier = AttFlat(), nn.LayerNorm(REDUCTION, eps=1e-3), nn.Linear(REDUCTION, 21)

    def forward(self, question, image=None):
        pad = question == 0
        y = self.question_position(self.embed(question.long()))
        if self.variant == "question_only":
            for sa in self.encoder:
                y = sa(y, pad)
            return torch.softmax(self.classifier(self.norm(self.question_reduce(y, pad))), dim=-1)
        x = self.image_position(self.image_projection(image))
        if self.variant == "question_queries":
            # The regions through the SA encoder, then the question through SGA units guided by them.
            for sa in self.encoder:
                x = sa(x, None)
            for sga in self.decoder:
                y = sga(y, pad, x, None)
        else:
            if self.variant != "id_ga":
                for sa in self.encoder:
                    y = sa(y, pad)
            for unit in self.decoder:
                x = unit(x, None, y, pad)
        return torch.softmax(self.classifier(self.norm(self.question_reduce(y, pad) + self.image_reduce(x, None))), dim=-1)


def tokens(length, vocabulary, generator, padded):
    """One row of ids per entry of padded: 'start' (the samples' own padding, at the start), 'end', 'middle', 'none'."""
    rows = []
    for where in padded:
        row = torch.randint(1, vocabulary, (length,), generator=generator)
        if where == "start":
            row[: length * 2 // 3] = 0
        elif where == "end":
            row[length // 2:] = 0
        elif where == "middle":
            row[length // 3] = 0
            row[length // 2] = 0
        rows.append(row)
    return torch.stack(rows)


def pixels(shape, generator):
    # Grey levels in sixteenths: exact in float32 and short in JSON.
    return torch.randint(0, 17, shape, generator=generator).float() / 16


def question_inputs(g):
    return [tokens(11, 30, g, ["end", "middle", "none"])]


def vqa_inputs(g):
    return question_inputs(g) + [pixels((BATCH, 16, 196), g)]


def spam_inputs(g):
    return [tokens(50, 8000, g, ["start", "middle", "none"])]


# The C# tests' keys, each with the twin and its inputs (a generator -> the list of input tensors).
MODELS = {
    "hotel_net": (HotelNet, lambda g: [torch.randn(BATCH, 63, generator=g)]),
    "cancer_net": (CancerNet, lambda g: [torch.randn(BATCH, 30, generator=g)]),
    "fashion_net": (FashionNet, lambda g: [pixels((BATCH, 1, 28, 28), g)]),
    "simple_rnn_forecaster": (lambda: Forecaster("simple_rnn"), lambda g: [torch.randn(BATCH, 16, 1, generator=g)]),
    "lstm_forecaster": (lambda: Forecaster("lstm"), lambda g: [torch.randn(BATCH, 16, 1, generator=g)]),
    "gru_forecaster": (lambda: Forecaster("gru"), lambda g: [torch.randn(BATCH, 16, 1, generator=g)]),
    "stacked_lstm_forecaster": (lambda: Forecaster("stacked_lstm"), lambda g: [torch.randn(BATCH, 16, 1, generator=g)]),
    "spam_net": (SpamNet, spam_inputs),
    "spam_transformer": (SpamTransformer, spam_inputs),
    "mcan_sa_sga": (lambda: Mcan("sa_sga"), vqa_inputs),
    "mcan_sa_ga": (lambda: Mcan("sa_ga"), vqa_inputs),
    "mcan_id_ga": (lambda: Mcan("id_ga"), vqa_inputs),
    "mcan_question_queries": (lambda: Mcan("question_queries"), vqa_inputs),
    "question_only_net": (lambda: Mcan("question_only"), question_inputs),
}


# ---------------------------------------------------------------------------------------------------------------------
# Values and files

def fill(model, seed):
    """Every tensor of the state_dict from one pool of POOL normal floats, walked on across the tensors: running
    variances 0.5 + |v|, norms' weights 1 + 0.3 v, other vectors 0.3 v, matrices v * 1.5 / sqrt(fan-in); each
    num_batches_tracked a count (ModelGen does not read it)."""
    pool = torch.randn(POOL, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    position = 0
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                tensor.fill_(1000 + position % 1000)
                continue
            n = tensor.numel()
            v = pool[(position + torch.arange(n)) % POOL].view(tensor.shape)
            position += n
            if name.endswith("running_var"):
                v = 0.5 + v.abs()
            elif tensor.dim() == 1 and name.split(".")[-2].startswith("norm") and name.endswith("weight"):
                v = 1 + 0.3 * v
            elif tensor.dim() == 1:
                v = 0.3 * v
            else:
                v = v * 1.5 / math.sqrt(n // tensor.shape[0])
            tensor.copy_(v.to(tensor.dtype))


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors_gz(path, state):
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
        z.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors_gz(path):
    with gzip.open(path, "rb") as f:
        file = f.read()
    (length,) = struct.unpack_from("<Q", file)
    header = json.loads(file[8:8 + length])
    header.pop("__metadata__", None)
    state, signature = {}, []
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[entry["dtype"]]
        state[name] = torch.frombuffer(bytearray(file[8 + length + begin:8 + length + end]), dtype=dtype).reshape(entry["shape"])
        signature.append(f"{name} {entry['dtype']} {tuple(entry['shape'])}")
    return state, sorted(signature)


def signature(state):
    return sorted(f"{name} {DTYPES[t.dtype]} {tuple(t.shape)}" for name, t in state.items())


def relative_error(actual, expected):
    return ((actual.double() - expected.double()).abs() / expected.double().abs().clamp(min=FLOOR)).max().item()


def run(model, inputs):
    model.eval()
    with torch.no_grad():
        return model(*inputs)


def make():
    os.makedirs(FIXTURES, exist_ok=True)
    for seed, (key, (twin, make_inputs)) in enumerate(MODELS.items()):
        torch.manual_seed(seed)
        model = twin()
        fill(model, 1000 + seed)
        inputs = make_inputs(torch.Generator().manual_seed(2000 + seed))
        y = run(model, inputs)
        y64 = run(model.double(), [x if x.dtype == torch.int64 else x.double() for x in inputs])
        model.float()
        write_safetensors_gz(os.path.join(FIXTURES, key + ".torch.safetensors.gz"), model.state_dict())
        with open(os.path.join(FIXTURES, key + ".torch.json"), "w") as f:
            json.dump({"model": key, "torch": torch.__version__, "input_shapes": [list(x.shape) for x in inputs],
                       "inputs": [x.flatten().float().tolist() for x in inputs],
                       "output_shape": list(y.shape), "outputs": y.flatten().tolist()}, f)
        print(f"make {key}: {len(model.state_dict())} tensors, outputs {tuple(y.shape)}, "
              f"float32 against float64 {relative_error(y, y64):.3g}")


def check():
    results = {}
    for key, (twin, _) in MODELS.items():
        path = os.path.join(FIXTURES, key + ".modelgen.safetensors.gz")
        if not os.path.exists(path):
            print(f"check {key}: no {os.path.basename(path)} (write it with MODELGEN_WRITE_TORCH_FIXTURES=1)")
            continue
        with open(os.path.join(FIXTURES, key + ".modelgen.json")) as f:
            written = json.load(f)
        with open(os.path.join(FIXTURES, key + ".torch.json")) as f:
            sample = json.load(f)
        state, file_signature = read_safetensors_gz(path)
        model = twin()
        try:
            model.load_state_dict(state, strict=True)
            strict, message = True, ""
        except RuntimeError as error:
            strict, message = False, str(error)
        result = {"strict": strict, "error": message, "keys": file_signature, "twin_keys": signature(model.state_dict())}
        if strict:
            # ModelGen's outputs are on the inputs of make's fixture.
            inputs = [torch.tensor(values).reshape(shape) for values, shape in zip(sample["inputs"], sample["input_shapes"])]
            inputs = [x.long() if key_is_ids(key, i) else x for i, x in enumerate(inputs)]
            y = run(model, inputs)
            expected = torch.tensor(written["outputs"]).reshape(y.shape)
            error = relative_error(expected, y)
            result.update({"max_relative_error": error, "outputs": y.flatten().tolist(), "ok": error <= TOLERANCE})
        else:
            result["ok"] = False
        results[key] = result
        print(f"check {key}: strict {strict}, ok {result['ok']}, max relative error {result.get('max_relative_error')}")
    with open(os.path.join(FIXTURES, "interchange_result.json"), "w") as f:
        json.dump({"torch": torch.__version__, "tolerance": TOLERANCE, "models": results}, f, indent=1)
    return all(r["ok"] for r in results.values())


def key_is_ids(key, index):
    # The first input of the spam and VQA models is token ids.
    return index == 0 and (key.startswith("spam") or key.startswith("mcan") or key == "question_only_net")


if __name__ == "__main__":
    what = sys.argv[1:] or ["make", "check"]
    ok = True
    if "make" in what:
        make()
    if "check" in what:
        ok = check()
    sys.exit(0 if ok else 1)
