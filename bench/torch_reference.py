"""PyTorch reference timings for `npm run bench` (run with a Python that has torch).

Usage: python3 bench/torch_reference.py '<json config>'  → prints one JSON object of seconds per epoch.
Config: {"cases": [{"cell": "elman|jordan|lstm|gru|dense", "batch": 1, "windows": 2980, "steps": 20,
"features": 1, "units": [5, 5], "batches": 200}], "threads": 1}. When "batches" is set, only that
many batches are timed and the epoch time is extrapolated. "dense" is Flatten -> Linear(units[0]) ->
ReLU -> Linear(1) (Jena's dense model); the others end in Linear(1) on the last step.
"""
import json
import sys
import time

import torch
import torch.nn as nn


class Jordan(nn.Module):
    """Hidden stack fed by the input and the previous output (documento 000)."""

    def __init__(self, features, units):
        super().__init__()
        self.inp = nn.Linear(features, units[0])
        self.rec = nn.Linear(1, units[0], bias=False)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(units[:-1], units[1:]))
        self.out = nn.Linear(units[-1], 1)

    def forward(self, x):
        y = torch.zeros(x.shape[0], 1)
        for t in range(x.shape[1]):
            h = torch.tanh(self.inp(x[:, t]) + self.rec(y))
            for layer in self.hidden:
                h = torch.tanh(layer(h))
            y = self.out(h)
        return y


class Stack(nn.Module):
    def __init__(self, cell, features, units):
        super().__init__()
        cls = {"elman": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = cls(features, units[0], num_layers=len(units), batch_first=True)
        self.out = nn.Linear(units[-1], 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.out(out[:, -1])


def time_case(c):
    torch.manual_seed(0)
    n, steps, features = c["windows"], c["steps"], c["features"]
    x = torch.randn(n, steps, features)
    y = torch.randn(n, 1)
    if c["cell"] == "jordan":
        model = Jordan(features, c["units"])
    elif c["cell"] == "dense":
        model = nn.Sequential(nn.Flatten(), nn.Linear(steps * features, c["units"][0]), nn.ReLU(), nn.Linear(c["units"][0], 1))
    else:
        model = Stack(c["cell"], features, c["units"])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    batch = c["batch"]
    total = (n + batch - 1) // batch
    timed = min(total, c.get("batches") or total)
    for b in range(min(timed, 3)):  # warm-up, untimed (the engine and tfjs get one too)
        xb, yb = x[b * batch:(b + 1) * batch], y[b * batch:(b + 1) * batch]
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
    runs = []
    for _ in range(3):  # the median of three timed passes, as the engine's three epochs
        start = time.perf_counter()
        for b in range(timed):
            xb, yb = x[b * batch:(b + 1) * batch], y[b * batch:(b + 1) * batch]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        runs.append((time.perf_counter() - start) * total / timed)
    return sorted(runs)[1]


def main():
    config = json.loads(sys.argv[1])
    torch.set_num_threads(config.get("threads", 1))
    print(json.dumps({"torch": torch.__version__, "seconds": [time_case(c) for c in config["cases"]]}))


if __name__ == "__main__":
    main()
