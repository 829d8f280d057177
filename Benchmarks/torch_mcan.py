#!/usr/bin/python3
"""The MCAN workload in PyTorch: the twin of Benchmarks/Models/McanNet.cs, timed with the shared peer's
bench_train_steps (shared/peers/torch_workloads.py), merged into the same JSON under "<label>/t<threads>".

MCAN's encoder-decoder (Yu et al. 2019, core/model/mca.py's MCA_ED with SA, SGA and AttFlat) at the FashionVqa
sample's sizes: 11 question tokens (30 ids, 0 padding, masked as keys and in the reduction), 16 regions of 196
floats, width 64, 4 heads, feed-forward 256, 2 SA + 2 SGA, dropout 0.1, reductions to 128, LayerNorm, 21 answers.
The units are written with nn.MultiheadAttention (the layer ModelGen's [MultiHeadAttention] mirrors) and
nn.LayerNorm(eps=1e-6) as [SA], [GA], [SGA] default; the loss is cross-entropy on the logits (ModelGen fuses its
softmax with the loss the same way). Batch of 64 drawn once, Adam(1e-3), blocks of 10 steps.

compare.sh runs it when --workloads names mcan:
    Benchmarks/compare.sh 1 2 --workloads mcan
"""
import argparse, importlib.util, json, os, sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def load_peer(path):
    spec = importlib.util.spec_from_file_location("torch_workloads", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FFN(nn.Module):
    def __init__(self, e, hidden, p):
        super().__init__()
        self.linear1, self.dropout, self.linear2 = nn.Linear(e, hidden), nn.Dropout(p), nn.Linear(hidden, e)

    def forward(self, x):
        return self.linear2(self.dropout(torch.relu(self.linear1(x))))


class SA(nn.Module):
    def __init__(self, e, heads, hidden, p=0.1):
        super().__init__()
        self.mhatt = nn.MultiheadAttention(e, heads, dropout=p, batch_first=True)
        self.ffn = FFN(e, hidden, p)
        self.dropout1, self.norm1 = nn.Dropout(p), nn.LayerNorm(e, eps=1e-6)
        self.dropout2, self.norm2 = nn.Dropout(p), nn.LayerNorm(e, eps=1e-6)

    def forward(self, x, x_pad):
        x = self.norm1(x + self.dropout1(self.mhatt(x, x, x, key_padding_mask=x_pad, need_weights=False)[0]))
        return self.norm2(x + self.dropout2(self.ffn(x)))


class SGA(nn.Module):
    def __init__(self, e, heads, hidden, p=0.1):
        super().__init__()
        self.mhatt1 = nn.MultiheadAttention(e, heads, dropout=p, batch_first=True)
        self.mhatt2 = nn.MultiheadAttention(e, heads, dropout=p, batch_first=True)
        self.ffn = FFN(e, hidden, p)
        self.dropout1, self.norm1 = nn.Dropout(p), nn.LayerNorm(e, eps=1e-6)
        self.dropout2, self.norm2 = nn.Dropout(p), nn.LayerNorm(e, eps=1e-6)
        self.dropout3, self.norm3 = nn.Dropout(p), nn.LayerNorm(e, eps=1e-6)

    def forward(self, x, y, x_pad, y_pad):
        x = self.norm1(x + self.dropout1(self.mhatt1(x, x, x, key_padding_mask=x_pad, need_weights=False)[0]))
        x = self.norm2(x + self.dropout2(self.mhatt2(x, y, y, key_padding_mask=y_pad, need_weights=False)[0]))
        return self.norm3(x + self.dropout3(self.ffn(x)))


class AttFlat(nn.Module):
    def __init__(self, e, out, glimpses=1, p=0.1):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(e, e), nn.ReLU(), nn.Dropout(p), nn.Linear(e, glimpses))
        self.linear_merge = nn.Linear(e * glimpses, out)

    def forward(self, x, x_pad):
        att = self.mlp(x)
        if x_pad is not None:
            att = att.masked_fill(x_pad.unsqueeze(2), -1e9)
        att = torch.softmax(att, dim=1)
        return self.linear_merge(torch.bmm(att.transpose(1, 2), x).flatten(1))


class Mcan(nn.Module):
    def __init__(self, tokens=11, words=30, regions=16, region_width=196, e=64, heads=4, hidden=256, depth=2, out=128, answers=21):
        super().__init__()
        self.embed = nn.Embedding(words, e)
        self.question_position = nn.Parameter(torch.randn(tokens, e) * 0.05)
        self.image_projection = nn.Linear(region_width, e)
        self.image_position = nn.Parameter(torch.randn(regions, e) * 0.05)
        self.encoder = nn.ModuleList([SA(e, heads, hidden) for _ in range(depth)])
        self.decoder = nn.ModuleList([SGA(e, heads, hidden) for _ in range(depth)])
        self.question_reduce, self.image_reduce = AttFlat(e, out), AttFlat(e, out)
        self.norm = nn.LayerNorm(out)
        self.classifier = nn.Linear(out, answers)

    def forward(self, inputs):
        question, image = inputs
        pad = question == 0
        y = self.embed(question) + self.question_position
        for sa in self.encoder:
            y = sa(y, pad)
        x = self.image_projection(image) + self.image_position
        for sga in self.decoder:
            x = sga(x, y, None, pad)
        return self.classifier(self.norm(self.question_reduce(y, pad) + self.image_reduce(x, None)))


def bench_mcan(peer, res, budget):
    torch.manual_seed(0)
    batch, tokens = 64, 11
    lengths = torch.randint(4, tokens + 1, (batch,))
    question = torch.randint(1, 30, (batch, tokens))
    question[torch.arange(tokens).unsqueeze(0) >= lengths.unsqueeze(1)] = 0
    image = torch.rand(batch, 16, 196)
    answers = torch.randint(0, 21, (batch,))
    mb = lambda: ((question, image), answers)
    res["mcan"] = peer.bench_train_steps(Mcan(), mb, nn.CrossEntropyLoss(), batch, budget)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--label", default="default")
    ap.add_argument("--budget", type=float, default=6.0)
    ap.add_argument("--json", default=os.path.join(HERE, "results", "peer.json"))
    ap.add_argument("--peer", default=os.path.join(HERE, "..", "..", "shared", "peers", "torch_workloads.py"))
    args = ap.parse_args()
    peer = load_peer(args.peer)
    torch.set_num_threads(args.threads)
    limiter = peer.threadpool_limits(limits=args.threads) if peer.threadpool_limits else None
    res = {}
    bench_mcan(peer, res, args.budget)
    s = res["mcan"]["train_samples_per_s"]
    print(f"{'mcan train':44s} {s['median']:12.1f} {s['min']:12.1f} {s['max']:12.1f}  samples/s")

    key = f"{args.label}/t{args.threads}"
    allres = {}
    if os.path.exists(args.json):
        with open(args.json) as f:
            allres = json.load(f)
    entry = allres.get(key, {})
    entry.update(res)
    meta = entry.setdefault("meta", {})
    meta["sections_run"] = sorted(set(meta.get("sections_run", [])) | {"mcan"})
    allres[key] = entry
    with open(args.json, "w") as f:
        json.dump(allres, f, indent=1)
    del limiter


if __name__ == "__main__":
    main()
