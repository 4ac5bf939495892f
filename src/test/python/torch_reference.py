"""PyTorch reference for bin/bench-vs-torch: Bytewise's model and training step, same shapes.

GPT-2 shaped, byte vocabulary (256): learned token + position embeddings, pre-LayerNorm blocks of
causal multi-head attention and a tanh-GELU MLP, final LayerNorm, head tied to the token
embedding; init N(0, 0.02), residual projections 0.02/sqrt(2L), biases 0, LayerNorm gains 1
(as bytewise.model.Gpt.initialize). AdamW (decay on matrices only), gradient clipping, warmup +
cosine learning rate: the step Bytewise's Trainer takes.

Prints one JSON object per line:
  {"type":"train","preset":..,"threads":..,"tokens_per_s":..}   median over steps after warm-up
  {"type":"gemm","shape":"RxIxO","product":"forward|input_gradient|weight_gradient","gflops":..}

With --baton IN,OUT it takes turns with Bytewise's side (src/test/java/bytewise/bench/TakeTurns.java,
whose comment says why) one unit at a time, and prints each measured unit instead:
  {"type":"train_step","preset":..,"step":..,"tokens_per_s":..}
  {"type":"gemm_round","shape":..,"product":..,"threads":..,"round":..,"best_gflops":..,"median_gflops":..}
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # (seq_len, d_model, n_layer, n_head, batch) as samples/presets/*.json
    "tiny": (64, 64, 1, 4, 4),
    "small": (64, 128, 4, 4, 12),
    "medium": (256, 384, 6, 6, 8),
}


SETTLE_S = 0.15  # as TakeTurns.SETTLE_MS: the other side's threads stop spinning first
GEMM_UNIT_S = 0.25  # as TakeTurns.GEMM_UNIT_NS


class Baton:
    """Named pipes: IN brings this side its turn, OUT hands it on (see TakeTurns.Baton)."""

    def __init__(self, spec):
        i, o = spec.split(",")
        self.inp = os.open(i, os.O_RDWR)  # read-write: opening does not wait for the other end
        self.out = os.open(o, os.O_RDWR)

    def take(self):
        if not os.read(self.inp, 1):
            raise RuntimeError("baton pipe closed")
        time.sleep(SETTLE_S)

    def pass_on(self):
        os.write(self.out, b"x")


class NoBaton:
    def take(self):
        pass

    def pass_on(self):
        pass


class Block(nn.Module):
    def __init__(self, c, nh, t):
        super().__init__()
        self.nh = nh
        self.ln1 = nn.LayerNorm(c, eps=1e-5)
        self.qkv = nn.Linear(c, 3 * c)
        self.attproj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c, eps=1e-5)
        self.fc = nn.Linear(c, 4 * c)
        self.fcproj = nn.Linear(4 * c, c)
        self.register_buffer("mask", torch.tril(torch.ones(t, t, dtype=torch.bool)).view(1, 1, t, t))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q = q.view(b, t, self.nh, c // self.nh).transpose(1, 2)
        k = k.view(b, t, self.nh, c // self.nh).transpose(1, 2)
        v = v.view(b, t, self.nh, c // self.nh).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(~self.mask[:, :, :t, :t], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.attproj(y)
        return x + self.fcproj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, t, c, layers, nh):
        super().__init__()
        self.wte = nn.Embedding(256, c)
        self.wpe = nn.Embedding(t, c)
        self.blocks = nn.ModuleList(Block(c, nh, t) for _ in range(layers))
        self.lnf = nn.LayerNorm(c, eps=1e-5)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)
            elif "ln" in name and name.endswith("weight"):
                nn.init.ones_(p)
            else:
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        t = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for blk in self.blocks:
            x = blk(x)
        logits = self.lnf(x) @ self.wte.weight.t()  # tied head
        return F.cross_entropy(logits.view(-1, 256), targets.view(-1))


def train(preset, data, steps, warmup_steps, baton=NoBaton(), each_step=None, per_turn=0):
    """With per_turn (taking turns): a first turn of the warm-up steps, then turns of one settling
    step and per_turn measured steps until `steps` are measured (as TakeTurns.train)."""
    t, c, layers, nh, batch = PRESETS[preset]
    torch.manual_seed(1337)
    model = Gpt(t, c, layers, nh)
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.99), eps=1e-8, foreach=True)
    turns = -(-steps // per_turn) if per_turn else 0
    total = warmup_steps + (turns * (1 + per_turn) if per_turn else steps)
    measured = 0
    gen = torch.Generator().manual_seed(1)
    rates = []
    for step in range(total):
        in_turn = (step - warmup_steps) % (1 + per_turn) if per_turn and step >= warmup_steps else -1  # 0: settling
        if step == 0 or in_turn == 0:
            baton.take()
        lr = 1e-3 * (step + 1) / 100 if step < 100 else 1e-4 + 0.5 * (1e-3 - 1e-4) * (1 + math.cos(math.pi * step / 2000))
        for g in opt.param_groups:
            g["lr"] = lr
        t0 = time.perf_counter()
        ix = torch.randint(len(data) - t - 1, (batch,), generator=gen)
        x = torch.stack([data[i:i + t] for i in ix])
        y = torch.stack([data[i + 1:i + 1 + t] for i in ix])
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        dt = time.perf_counter() - t0
        if step == warmup_steps - 1 or in_turn == per_turn:
            baton.pass_on()
        if step >= warmup_steps and (not per_turn or in_turn > 0):
            rates.append(batch * t / dt)
            measured += 1
            if each_step:
                each_step(measured, batch * t / dt)
    return statistics.median(rates), float(loss)


def products_of(shape):
    rows, i, o = (int(v) for v in shape.split("x"))
    x, w, dy = torch.randn(rows, i), torch.randn(o, i), torch.randn(rows, o)
    return 2.0 * rows * i * o, {
        "forward": lambda: x @ w.t(),
        "input_gradient": lambda: dy @ w,
        "weight_gradient": lambda: dy.t() @ x,
    }


def time_for(f, seconds):
    """Calls f for about `seconds`: the times of its calls, shortest first."""
    times = []
    end = time.perf_counter() + seconds
    while True:
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() >= end:
            return sorted(times)


def gemm_turns(shapes, rounds, threads, baton):
    """TakeTurns.gemm's sequence of turns: per shape, one warm-up turn for the three products, then
    ROUNDS rounds of a turn per product."""
    for shape in shapes:
        flops, products = products_of(shape)
        baton.take()
        for f in products.values():
            time_for(f, 2 * GEMM_UNIT_S)
        baton.pass_on()
        for rnd in range(1, rounds + 1):
            for name, f in products.items():
                baton.take()
                times = time_for(f, GEMM_UNIT_S)
                baton.pass_on()
                print(json.dumps({"type": "gemm_round", "shape": shape, "product": name, "threads": threads, "round": rnd,
                                  "best_gflops": round(flops / times[0] / 1e9, 1),
                                  "median_gflops": round(flops / times[len(times) // 2] / 1e9, 1)}), flush=True)


def gemm(shapes, seconds=1.0):
    out = []
    for shape in shapes:
        flops, products = products_of(shape)
        for name, f in products.items():
            for _ in range(20):
                f()
            best = time_for(f, seconds)[0]
            out.append({"type": "gemm", "shape": shape, "product": name, "gflops": round(flops / best / 1e9, 1)})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", required=True)
    ap.add_argument("--preset", action="append", default=[])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=8)
    ap.add_argument("--gemm", default="")
    ap.add_argument("--rounds", type=int, default=8, help="with --baton and --gemm: measured turns per product")
    ap.add_argument("--baton", default="", help="IN,OUT: named pipes to take turns through")
    ap.add_argument("--per-turn", type=int, default=3, help="with --baton: measured training steps per turn")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(a.data, "rb") as f:
        data = torch.tensor(list(f.read()), dtype=torch.long)
    if a.baton:
        baton = Baton(a.baton)
        for p in a.preset:
            train(p, data, a.steps, a.warmup, baton, lambda i, r: print(json.dumps(
                {"type": "train_step", "preset": p, "step": i, "tokens_per_s": round(r, 1)}), flush=True), a.per_turn)
        if a.gemm:
            gemm_turns(a.gemm.split(","), a.rounds, a.threads, baton)
        return
    for p in a.preset:
        rate, loss = train(p, data, a.steps, a.warmup)
        print(json.dumps({"type": "train", "preset": p, "threads": a.threads, "tokens_per_s": round(rate), "last_loss": round(loss, 3)}), flush=True)
    if a.gemm:
        for e in gemm(a.gemm.split(",")):
            e["threads"] = a.threads
            print(json.dumps(e), flush=True)


if __name__ == "__main__":
    main()
