#!/usr/bin/env python3
"""Writes the book's own PyTorch float64 reference cases, in the schema of
Tests/Fixtures/reference/SCHEMA.md (version 1), to Tests/Fixtures/reference/.

Optional: the tests never run this; they read the committed files. To regenerate:

    python3 -m venv .venv && .venv/bin/pip install torch
    .venv/bin/python Tools/make_fixtures.py [OUTPUT_DIR]

Every case is built from a fixed seed, so running the script again with the same PyTorch
version rewrites the same files.
"""

import hashlib
import json
import os
import sys

import torch

SET = "unrolled"
SCRIPT = "Tools/make_fixtures.py"
torch.set_default_dtype(torch.float64)


def tensor(t):
    t = t.detach()
    return {"dtype": "int64" if t.dtype == torch.int64 else "float64", "shape": list(t.shape), "data": t.tolist()}


def recurrent_module(kind, input_size, hidden, layers=1, bidirectional=False, nonlinearity="tanh",
                     batch_first=False, bias=True):
    args = dict(input_size=input_size, hidden_size=hidden, num_layers=layers, bidirectional=bidirectional,
                batch_first=batch_first, bias=bias)
    if kind == "RNN":
        module = torch.nn.RNN(nonlinearity=nonlinearity, **args)
    else:
        module = getattr(torch.nn, kind)(**args)
    config = dict(args, nonlinearity=nonlinearity if kind == "RNN" else None)
    config = {k: config[k] for k in ["input_size", "hidden_size", "num_layers", "bidirectional", "nonlinearity",
                                     "batch_first", "bias"]}
    return module, {"name": "rnn", "type": kind, "config": config}


def states(module, batch):
    d = 2 if module.bidirectional else 1
    shape = (module.num_layers * d, batch, module.hidden_size)
    h0 = torch.randn(*shape, requires_grad=True)
    c0 = torch.randn(*shape, requires_grad=True) if isinstance(module, torch.nn.LSTM) else None
    return h0, c0


def run_rnn(module, x, h0, c0):
    if c0 is None:
        output, h_n = module(x, h0)
        return output, h_n, None
    output, (h_n, c_n) = module(x, (h0, c0))
    return output, h_n, c_n


class Case:
    """One case: modules, inputs, a loss closure, and the optional clip or optimizer part."""

    def __init__(self, name, seed, description, kind):
        torch.manual_seed(seed)
        self.name, self.seed, self.description, self.kind = name, seed, description, kind
        self.modules, self.specs = torch.nn.ModuleDict(), []
        self.inputs, self.float_inputs = {}, {}

    def add(self, module, spec):
        self.modules[spec["name"]] = module
        self.specs.append(spec)

    def input(self, name, value, differentiable=False):
        self.inputs[name] = value
        if differentiable:
            self.float_inputs[name] = value

    def evaluate(self):
        """Returns (loss tensor, forward dict, loss dict without value)."""
        raise NotImplementedError

    def gradients(self):
        for p in self.modules.parameters():
            p.grad = None
        for v in self.float_inputs.values():
            v.grad = None
        loss, forward, loss_spec = self.evaluate()
        loss.backward()
        grads = {n: p.grad.clone() for n, p in self.modules.named_parameters()}
        return loss, forward, loss_spec, grads

    def document(self, clip=None, optimizer=None):
        parameters = {n: tensor(p) for n, p in self.modules.named_parameters()}
        loss, forward, loss_spec, grads = self.gradients()
        doc = {
            "schema_version": 1, "name": self.name, "set": SET, "seed": self.seed, "description": self.description,
            "generator": {"script": SCRIPT, "torch_version": torch.__version__, "dtype": "float64"},
            "model": {"kind": self.kind, "modules": self.specs},
            "parameters": parameters,
            "inputs": {k: tensor(v) for k, v in self.inputs.items()},
            "forward": {k: tensor(v) for k, v in forward.items()},
            "loss": dict(loss_spec, value=loss.item()),
            "grads": {"parameters": {n: tensor(g) for n, g in grads.items()},
                      "inputs": {k: tensor(v.grad) for k, v in self.float_inputs.items()}},
        }
        if clip is not None:
            before = {n: tensor(p.grad) for n, p in self.modules.named_parameters()}
            total = torch.nn.utils.clip_grad_norm_(self.modules.parameters(), clip, norm_type=2.0).item()
            coef = clip / (total + 1e-6)
            doc["clip_grad_norm"] = {
                "max_norm": clip, "norm_type": 2.0, "eps": 1e-6,
                "definition": "total_norm = sqrt(sum over all parameter grads g of sum(g^2)); "
                              "clip_coef = max_norm / (total_norm + 1e-6); grad *= min(clip_coef, 1.0)",
                "total_norm": total, "clip_coef": coef, "clip_coef_clamped": min(coef, 1.0),
                "grads_before": before,
                "grads_after": {n: tensor(p.grad) for n, p in self.modules.named_parameters()},
            }
        if optimizer is not None:
            kind, settings, steps = optimizer
            opt = getattr(torch.optim, kind)(self.modules.parameters(), **settings)
            taken = []
            names = [n for n, _ in self.modules.named_parameters()]
            for step in range(1, steps + 1):
                opt.zero_grad()
                loss, _, _, grads = self.gradients()
                opt.step()
                state = {}
                for key in {"Adam": ["exp_avg", "exp_avg_sq"], "Adagrad": ["sum"], "SGD": []}[kind]:
                    state[key] = {n: tensor(opt.state[p][key]) for n, p in self.modules.named_parameters()}
                taken.append({"step": step, "loss": loss.item(), "grads": {n: tensor(grads[n]) for n in names},
                              "params_after": {n: tensor(p) for n, p in self.modules.named_parameters()},
                              "state_after": state})
            definitions = {
                "SGD": "param <- param - lr * grad",
                "Adam": "m <- beta1*m + (1-beta1)*g; v <- beta2*v + (1-beta2)*g*g; "
                        "param <- param - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)",
                "Adagrad": "sum <- sum + g*g; param <- param - lr * g / (sqrt(sum) + eps)",
            }
            doc["optimizer"] = dict({"type": kind}, **{k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
                                    steps=steps, definition=definitions[kind], steps_taken=taken)
        return doc


class Recurrent(Case):
    def __init__(self, name, seed, kind, T, B, I, H, description="", **options):
        super().__init__(name, seed, description or f"{kind} {options}, T={T}, B={B}, I={I}, H={H}", "recurrent")
        rnn, spec = recurrent_module(kind, I, H, **options)
        self.add(rnn, spec)
        shape = (B, T, I) if rnn.batch_first else (T, B, I)
        self.input("x", torch.randn(*shape, requires_grad=True), differentiable=True)
        h0, c0 = states(rnn, B)
        self.input("h0", h0, differentiable=True)
        if c0 is not None:
            self.input("c0", c0, differentiable=True)
        with torch.no_grad():
            output, h_n, c_n = run_rnn(rnn, self.inputs["x"], h0, c0)
        self.weights = {"R_output": torch.randn(*output.shape), "R_h_n": torch.randn(*h_n.shape)}
        if c_n is not None:
            self.weights["R_c_n"] = torch.randn(*c_n.shape)

    def evaluate(self):
        output, h_n, c_n = run_rnn(self.modules["rnn"], self.inputs["x"], self.inputs["h0"], self.inputs.get("c0"))
        loss = (output * self.weights["R_output"]).sum() + (h_n * self.weights["R_h_n"]).sum()
        forward = {"output": output, "h_n": h_n}
        if c_n is not None:
            loss = loss + (c_n * self.weights["R_c_n"]).sum()
            forward["c_n"] = c_n
        spec = {"type": "weighted_sum", "definition": "sum(output * R_output) + sum(h_n * R_h_n) [+ sum(c_n * R_c_n)]",
                "tensors": {k: tensor(v) for k, v in self.weights.items()}}
        return loss, forward, spec


class EmbedRNNLinearCE(Case):
    def __init__(self, name, seed, kind, T, B, V, E, H, **options):
        super().__init__(name, seed, f"Embedding({V}, {E}) -> {kind} {options} -> Linear, cross-entropy", "embed_rnn_linear_ce")
        self.add(torch.nn.Embedding(V, E),
                 {"name": "embedding", "type": "Embedding",
                  "config": {"num_embeddings": V, "embedding_dim": E, "padding_idx": None, "max_norm": None}})
        rnn, spec = recurrent_module(kind, E, H, **options)
        self.add(rnn, spec)
        width = H * (2 if rnn.bidirectional else 1)
        self.add(torch.nn.Linear(width, V),
                 {"name": "fc", "type": "Linear", "config": {"in_features": width, "out_features": V, "bias": True}})
        sequence = torch.randint(0, V, (T + 1, B))
        ids, targets = sequence[:-1], sequence[1:]
        if rnn.batch_first:
            ids, targets = ids.t().contiguous(), targets.t().contiguous()
        self.input("input_ids", ids)
        self.input("targets", targets)
        h0, c0 = states(rnn, B)
        self.input("h0", h0, differentiable=True)
        if c0 is not None:
            self.input("c0", c0, differentiable=True)

    def evaluate(self):
        embedded = self.modules["embedding"](self.inputs["input_ids"])
        output, h_n, c_n = run_rnn(self.modules["rnn"], embedded, self.inputs["h0"], self.inputs.get("c0"))
        logits = self.modules["fc"](output)
        V = logits.shape[-1]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), self.inputs["targets"].reshape(-1))
        forward = {"embedded": embedded, "output": output, "h_n": h_n, "logits": logits}
        if c_n is not None:
            forward["c_n"] = c_n
        spec = {"type": "cross_entropy_mean", "definition": "mean_n(logsumexp(logits_n) - logits_n[target_n])", "tensors": {}}
        return loss, forward, spec


class RNNLinearMSELast(Case):
    def __init__(self, name, seed, kind, L, B, H):
        super().__init__(name, seed, f"{kind}(1 -> {H}, batch_first) -> Linear on the last step, MSE", "rnn_linear_mse_last")
        rnn, spec = recurrent_module(kind, 1, H, batch_first=True)
        self.add(rnn, spec)
        self.add(torch.nn.Linear(H, 1), {"name": "fc", "type": "Linear", "config": {"in_features": H, "out_features": 1, "bias": True}})
        self.input("x", torch.rand(B, L, 1, requires_grad=True), differentiable=True)
        self.input("y", torch.rand(B, 1, requires_grad=True), differentiable=True)
        h0, c0 = states(rnn, B)
        self.input("h0", h0, differentiable=True)
        if c0 is not None:
            self.input("c0", c0, differentiable=True)

    def evaluate(self):
        output, h_n, c_n = run_rnn(self.modules["rnn"], self.inputs["x"], self.inputs["h0"], self.inputs.get("c0"))
        prediction = self.modules["fc"](output[:, -1, :])
        loss = torch.nn.functional.mse_loss(prediction, self.inputs["y"])
        forward = {"output": output, "h_n": h_n, "prediction": prediction}
        if c_n is not None:
            forward["c_n"] = c_n
        return loss, forward, {"type": "mse_mean", "definition": "mean((prediction - y)^2)", "tensors": {}}


class TutorialCell(Case):
    def __init__(self, name, seed, T, I, H, O):
        super().__init__(name, seed, f"the names tutorial's cell, I={I}, H={H}, O={O}, T={T}", "tutorial_cell_nll")
        self.add(torch.nn.Linear(I + H, H), {"name": "i2h", "type": "Linear", "config": {"in_features": I + H, "out_features": H, "bias": True}})
        self.add(torch.nn.Linear(I + H, O), {"name": "i2o", "type": "Linear", "config": {"in_features": I + H, "out_features": O, "bias": True}})
        letters = torch.randint(0, I, (T,))
        x = torch.zeros(T, 1, I)
        x[torch.arange(T), 0, letters] = 1
        self.input("x", x.requires_grad_(), differentiable=True)
        self.input("h0", torch.randn(1, H, requires_grad=True), differentiable=True)
        self.input("target", torch.randint(0, O, (1,)))
        self.input("letter_indices", letters)

    def evaluate(self):
        h, log_probs, hiddens = self.inputs["h0"], [], []
        for t in range(self.inputs["x"].shape[0]):
            combined = torch.cat((self.inputs["x"][t], h), 1)
            log_probs.append(torch.log_softmax(self.modules["i2o"](combined), dim=1))
            h = self.modules["i2h"](combined)
            hiddens.append(h)
        loss = -log_probs[-1][0, self.inputs["target"][0]]
        forward = {"log_probs": torch.stack(log_probs), "hiddens": torch.stack(hiddens), "h_n": h}
        return loss, forward, {"type": "nll_last_step", "definition": "-log_probs[T-1][0, target[0]]", "tensors": {}}


def cases():
    yield Recurrent("rnn_tanh_3layer", 101, "RNN", T=11, B=4, I=5, H=9, layers=3), {}
    yield Recurrent("rnn_relu_bidirectional_2layer_nobias_batchfirst", 102, "RNN", T=7, B=3, I=4, H=6, layers=2,
                    bidirectional=True, nonlinearity="relu", batch_first=True, bias=False), {}
    yield Recurrent("rnn_tanh_single_step", 103, "RNN", T=1, B=1, I=2, H=3), {}
    yield Recurrent("lstm_3layer_batchfirst", 104, "LSTM", T=9, B=3, I=4, H=7, layers=3, batch_first=True), {}
    yield Recurrent("lstm_bidirectional_2layer_nobias", 105, "LSTM", T=8, B=4, I=3, H=5, layers=2, bidirectional=True, bias=False), {}
    yield Recurrent("gru_bidirectional_2layer", 106, "GRU", T=11, B=4, I=6, H=9, layers=2, bidirectional=True), {}
    yield Recurrent("gru_3layer_nobias_batchfirst", 107, "GRU", T=6, B=2, I=3, H=8, layers=3, batch_first=True, bias=False), {}
    yield EmbedRNNLinearCE("embed_lstm_linear_ce_batchfirst", 108, "LSTM", T=9, B=3, V=11, E=5, H=6, batch_first=True), {}
    yield EmbedRNNLinearCE("embed_gru_bidirectional_linear_ce", 109, "GRU", T=7, B=4, V=9, E=4, H=5, bidirectional=True), {}
    yield RNNLinearMSELast("lstm_linear_mse_last", 110, "LSTM", L=10, B=4, H=6), {}
    yield RNNLinearMSELast("gru_linear_mse_last", 111, "GRU", L=12, B=3, H=2), {}
    yield Recurrent("clip_grad_norm_gru_2layer", 112, "GRU", T=6, B=3, I=4, H=5, layers=2), {"clip": 0.5}
    yield Recurrent("adam_steps_lstm", 113, "LSTM", T=5, B=2, I=3, H=4), {"optimizer": ("Adam", {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8}, 5)}
    yield EmbedRNNLinearCE("adagrad_steps_embed_gru", 114, "GRU", T=6, B=2, V=8, E=3, H=4), {"optimizer": ("Adagrad", {"lr": 0.1, "eps": 1e-10}, 4)}
    yield Recurrent("sgd_steps_rnn_relu", 115, "RNN", T=5, B=3, I=3, H=4, nonlinearity="relu"), {"optimizer": ("SGD", {"lr": 0.05, "momentum": 0.0}, 3)}
    yield TutorialCell("tutorial_cell_nll_long", 116, T=11, I=9, H=7, O=5), {}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "reference")
    os.makedirs(out, exist_ok=True)
    index = []
    for case, extras in cases():
        doc = case.document(**extras)
        text = json.dumps(doc, indent=None, separators=(",", ":")) + "\n"
        path = os.path.join(out, case.name + ".json")
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        index.append({"name": case.name, "kind": case.kind, "modules": [s["type"] for s in case.specs],
                      "loss": doc["loss"]["type"], "extras": sorted(k for k in ("clip_grad_norm", "optimizer") if k in doc),
                      "seed": case.seed, "description": case.description,
                      "sha256": hashlib.sha256(text.encode()).hexdigest()})
        print(f"wrote {path}")
    with open(os.path.join(out, "INDEX.json"), "w") as f:
        json.dump({"schema_version": 1, "set": SET, "cases": index}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
