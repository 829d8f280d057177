#!/usr/bin/python3
"""The PyTorch peer of hotel-predict, for the README's start-up comparison: the same model folder, the same
bookings CSV, the same "row,probability" lines, with the network as the PyTorch twin builds it
(/work/shared/peers/hotel_reference.py, make_model; BatchNorm in inference mode is nn.BatchNorm1d's).

    /usr/bin/python3 torch_predict.py --model out/hotel --input bookings.csv

It reads model.safetensors itself (Debian has no safetensors package) and applies model.preparation.json (impute,
standardise, one-hot, as ModelGen.Data wrote it) in plain Python, so that the figure is what torch costs, not pandas
or scikit-learn; a booking that cannot be read stops it (no per-row reporting: a timing peer, not a product).
"""
import argparse, csv, json, struct, sys

import torch
import torch.nn as nn

MONTHS = {m: i + 1 for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"])}


def load_weights(path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = memoryview(data)[8 + size:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[entry["dtype"]]
        tensors[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype).reshape(entry["shape"])
    return tensors


def make_model(weights):
    """The twin's layers (hotel_reference.make_model), named as ModelGen names them, in inference mode."""
    model = nn.Sequential()
    model.add_module("norm0", nn.BatchNorm1d(63, eps=1e-3))
    model.add_module("dense0", nn.Linear(63, 256))
    model.add_module("relu0", nn.ReLU())
    model.add_module("norm1", nn.BatchNorm1d(256, eps=1e-3))
    model.add_module("dense1", nn.Linear(256, 256))
    model.add_module("relu1", nn.ReLU())
    model.add_module("norm2", nn.BatchNorm1d(256, eps=1e-3))
    model.add_module("dense2", nn.Linear(256, 1))
    model.add_module("sigmoid", nn.Sigmoid())
    model.load_state_dict(weights, strict=False)
    return model.eval()


def preparation(path):
    with open(path) as f:
        spec = json.load(f)
    numeric, categorical = spec["transformers"]
    imputer, scaler = numeric["steps"]
    encoder = categorical["steps"][1]
    names = [c["name"] for c in numeric["columns"]]
    cats = [(c["name"], [str(v) for v in cat["values"]]) for c, cat in zip(categorical["columns"], encoder["categories"])]

    def prepare(row):
        features = []
        for name, fill, mean, scale in zip(names, imputer["fills"], scaler["means"], scaler["scales"]):
            text = row[name]
            value = float(fill) if text in ("", "NA", "NULL") else float(text)
            features.append((value - mean) / scale)
        for name, values in cats:
            text = row[name]
            text = str(MONTHS.get(text, text)) if name == "arrival_date_month" else text
            features.extend(1.0 if text == v else 0.0 for v in values)
        return features

    return prepare


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = make_model(load_weights(f"{args.model}/model.safetensors"))
    prepare = preparation(f"{args.model}/model.preparation.json")
    print("row,probability", flush=True)
    with open(args.input, newline="") as f, torch.inference_mode():
        for number, row in enumerate(csv.DictReader(f), start=1):
            probability = model(torch.tensor([prepare(row)], dtype=torch.float32))[0, 0].item()
            print(f"{number},{probability:.6f}", flush=True)


if __name__ == "__main__":
    main()
