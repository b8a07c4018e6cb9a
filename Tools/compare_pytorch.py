#!/usr/bin/env python3
"""Times the book's training steps in PyTorch (one thread) beside the chapters' own `--bench` (one
thread too), and prints both columns and their ratio.

Optional: nothing else in the book needs Python. Usage, from any directory:

    python3 Tools/compare_pytorch.py --data DIR [--rounds 3]

It builds the release executables, then for each experiment runs its chapter's `--bench` and the
PyTorch (or numpy) version back to back, `--rounds` times, and prints the medians and the median
of the per-round ratios, with every round's ratio. Each PyTorch experiment repeats the
configuration of its chapter; the step counts here are shorter, which does not change a time per step.
"""
import argparse, csv, io, os, random, subprocess, sys, time

try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:  # say so plainly, and stop
    sys.exit(f"compare_pytorch.py needs PyTorch and numpy ({e}). Install them (pip install torch numpy) "
             "or run `make bench` alone for this book's timings.")

torch.set_num_threads(1)
torch.manual_seed(0)


def median(xs):
    """The middle value (the upper one of the two middle values for an even count)."""
    return sorted(xs)[len(xs) // 2]


def median_ms(fn, steps, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(steps)
        times.append((time.perf_counter() - t) / steps * 1000)
    return median(times)


def classifier_cell(data):
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'"
    folder = os.path.join(data, "names")
    names = {}
    for f in sorted(os.listdir(folder)):
        if f.endswith(".txt"):
            names[f[:-4]] = [l for l in open(os.path.join(folder, f), encoding="utf-8").read().split("\n") if l]
    langs = sorted(names)

    class Cell(nn.Module):
        def __init__(self):
            super().__init__()
            self.i2h = nn.Linear(57 + 128, 128)
            self.i2o = nn.Linear(57 + 128, len(langs))
            self.soft = nn.LogSoftmax(dim=1)

        def forward(self, x, h):
            c = torch.cat((x, h), 1)
            return self.soft(self.i2o(c)), self.i2h(c)

    cell, loss_fn = Cell(), nn.NLLLoss()

    def tensor(name):
        t = torch.zeros(len(name), 1, 57)
        for i, ch in enumerate(name):
            t[i][0][max(letters.find(ch), 0)] = 1
        return t

    def run(steps):
        for _ in range(steps):
            lang = random.choice(langs)
            x, y = tensor(random.choice(names[lang])), torch.tensor([langs.index(lang)])
            h = torch.zeros(1, 128)
            cell.zero_grad()
            for t in range(x.size(0)):
                out, h = cell(x[t], h)
            loss_fn(out, y).backward()
            for p in cell.parameters():
                p.data.add_(p.grad.data, alpha=-0.005)
    return median_ms(run, 2000)


def char_toy():
    text = ["hey how are you", "good i am fine", "have a nice day"]
    chars = sorted(set("".join(text)))
    idx = {c: i for i, c in enumerate(chars)}
    text = [s.ljust(15) for s in text]
    x = torch.zeros(3, 14, len(chars))
    for b, s in enumerate(text):
        for t, c in enumerate(s[:-1]):
            x[b, t, idx[c]] = 1
    y = torch.tensor([idx[c] for s in text for c in s[1:]])
    rnn, fc = nn.RNN(len(chars), 12, batch_first=True), nn.Linear(12, len(chars))
    opt = torch.optim.Adam(list(rnn.parameters()) + list(fc.parameters()), lr=0.01)

    def run(steps):
        for _ in range(steps):
            opt.zero_grad()
            out, _ = rnn(x)
            nn.functional.cross_entropy(fc(out.reshape(-1, 12)), y).backward()
            opt.step()
    return median_ms(run, 100)


def min_char_rnn(data):
    raw = open(os.path.join(data, "timemachine", "timemachine.txt"), encoding="utf-8").read()
    chars = sorted(set(raw))
    V, H, T = len(chars), 100, 25
    ix = [chars.index(c) for c in raw[:20000]]
    rng = np.random.default_rng(0)
    Wxh, Whh, Why = rng.standard_normal((H, V)) * 0.01, rng.standard_normal((H, H)) * 0.01, rng.standard_normal((V, H)) * 0.01
    bh, by = np.zeros((H, 1)), np.zeros((V, 1))
    params = [Wxh, Whh, Why, bh, by]
    mem = [np.zeros_like(p) for p in params]

    def loss_fun(inputs, targets, hprev):
        xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
        loss = 0
        for t in range(len(inputs)):
            xs[t] = np.zeros((V, 1)); xs[t][inputs[t]] = 1
            hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
            y = Why @ hs[t] + by
            ps[t] = np.exp(y - y.max()) / np.sum(np.exp(y - y.max()))
            loss += -np.log(ps[t][targets[t], 0])
        grads = [np.zeros_like(p) for p in params]
        dhnext = np.zeros((H, 1))
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t]); dy[targets[t]] -= 1
            grads[2] += dy @ hs[t].T; grads[4] += dy
            dh = Why.T @ dy + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            grads[3] += dhraw; grads[0] += dhraw @ xs[t].T; grads[1] += dhraw @ hs[t - 1].T
            dhnext = Whh.T @ dhraw
        for g in grads:
            np.clip(g, -5, 5, out=g)
        return loss, grads, hs[len(inputs) - 1]

    def run(steps):
        h, p = np.zeros((H, 1)), 0
        for _ in range(steps):
            if p + T + 1 >= len(ix):
                p, h = 0, np.zeros((H, 1))
            _, grads, h = loss_fun(ix[p:p + T], ix[p + 1:p + T + 1], h)
            for q, g, m in zip(params, grads, mem):
                m += g * g
                q += -0.1 * g / np.sqrt(m + 1e-8)
            p += T
    return median_ms(run, 300)


def word_model(data):
    words = open(os.path.join(data, "timemachine", "timemachine.txt"), encoding="utf-8").read().split()
    vocab = {w: i for i, w in enumerate(sorted(set(words)))}   # the order does not change the cost
    V = len(vocab)
    ids = torch.tensor([vocab[w] for w in words])
    cols = len(ids) // 16
    grid = ids[:16 * cols].view(16, cols)
    emb, rnn, fc = nn.Embedding(V, 64), nn.RNN(64, 64, batch_first=True), nn.Linear(64, V)
    params = list(emb.parameters()) + list(rnn.parameters()) + list(fc.parameters())
    opt = torch.optim.Adam(params, lr=0.01)

    def run(steps):
        h = torch.zeros(1, 16, 64)
        for k in range(steps):
            x, y = grid[:, k * 20:(k + 1) * 20], grid[:, k * 20 + 1:(k + 1) * 20 + 1]
            opt.zero_grad()
            out, h = rnn(emb(x), h.detach())
            nn.functional.cross_entropy(fc(out).reshape(-1, V), y.reshape(-1)).backward()
            nn.utils.clip_grad_norm_(params, 5)
            opt.step()
    return median_ms(run, 20)


def airline_lstm(data):
    rows = list(csv.reader(open(os.path.join(data, "airline", "airline-passengers.csv"))))[1:]
    y = np.array([float(r[1]) for r in rows])
    y = (y - y.min()) / (y.max() - y.min())
    x = torch.tensor(np.array([y[i:i + 4] for i in range(93)]), dtype=torch.float32).unsqueeze(-1)
    t = torch.tensor(y[4:97], dtype=torch.float32).unsqueeze(-1)
    lstm, fc = nn.LSTM(1, 2, batch_first=True), nn.Linear(2, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(fc.parameters()), lr=0.01)

    def run(steps):
        for _ in range(steps):
            opt.zero_grad()
            out, _ = lstm(x)
            nn.functional.mse_loss(fc(out[:, -1]), t).backward()
            opt.step()
    return median_ms(run, 300)


def birnn(bidirectional):
    rnn = nn.RNN(10, 32, batch_first=True, bidirectional=bidirectional)
    fc = nn.Linear(64 if bidirectional else 32, 10)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(fc.parameters()), lr=0.01)
    x = torch.randint(0, 10, (32, 20))

    def run(steps):
        for _ in range(steps):
            opt.zero_grad()
            out, _ = rnn(nn.functional.one_hot(x, 10).float())
            nn.functional.cross_entropy(fc(out[:, :18]).reshape(-1, 10), x[:, 2:].reshape(-1)).backward()
            opt.step()
    return median_ms(run, 300)


# The repository (this file is in its Tools/), and each experiment's chapter executable, whose
# --bench prints its row.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXECUTABLES = {"classifier-tutorial-cell": "classifier", "char-toy": "char-model", "min-char-rnn": "char-model",
               "word-model": "word-model", "airline-lstm": "time-series", "birnn": "bidirectional"}


def ours(name, data):
    """This book's ms per step for one experiment: its chapter's --bench on one thread, as PyTorch
    runs here, run now (release build)."""
    out = subprocess.run([os.path.join(ROOT, ".build", "release", EXECUTABLES[name]), "--bench", "--data", data,
                          "--threads", "1"],
                         check=True, capture_output=True, text=True).stdout
    rows = {r["experiment"]: float(r["ms_per_step"]) for r in csv.DictReader(io.StringIO("experiment,steps,seconds,ms_per_step\n" + out))}
    return rows[name]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="the datasets directory (as for make DATA=...)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of side-by-side runs (default 3)")
    args = ap.parse_args()
    if args.rounds < 1:
        sys.exit("--rounds needs a whole number of at least 1")
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    theirs = [
        ("classifier-tutorial-cell", "PyTorch", lambda: classifier_cell(args.data)),
        ("char-toy", "PyTorch", char_toy),
        ("min-char-rnn", "numpy", lambda: min_char_rnn(args.data)),
        ("word-model", "PyTorch", lambda: word_model(args.data)),
        ("airline-lstm", "PyTorch", lambda: airline_lstm(args.data)),
        ("birnn", "PyTorch", lambda: birnn(True)),
    ]
    # Shared machines change speed from minute to minute, so each experiment runs here and in
    # PyTorch back to back, round after round; the ratio of each round is taken within the round.
    print(f"{'experiment':<26} {'Unrolled ms/step':>17} {'reference ms/step':>18} {'ratio':>7}  ratios of {args.rounds} rounds")
    for name, who, fn in theirs:
        pairs = [(ours(name, args.data), fn()) for _ in range(args.rounds)]
        ratios = sorted(r / m for m, r in pairs)
        spread = ", ".join(f"{x:.1f}" for x in ratios)
        print(f"{name:<26} {median([m for m, _ in pairs]):>17.4f} {median([r for _, r in pairs]):>14.4f} {who[:3]:>3} "
              f"{median(ratios):>6.1f}x  {spread}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
