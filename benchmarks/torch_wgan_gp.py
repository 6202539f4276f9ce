"""The PyTorch anchor for `train_speed.py --config wgan-gp64`: WGAN-GP on the GANs 101 article's networks.

Same networks as the GANs 101 article's 64 px DCGAN (`shared/bench/seed_torch_dcgan.py`), with the
critic's batch norm replaced by layer norm over (C, H, W), as `keras_gans` builds it
for WGAN-GP. One training iteration, as `keras_gans.WGANGP.train_step`: 5 critic
updates on the same real batch, each with fresh latents and one alpha per example,
penalty weight 10; then one generator update. Adam(1e-4, betas=(0, 0.9)) for both.
Like the GANs 101 article's anchor, it times iterations on a synthetic batch held in memory.

    python benchmarks/torch_wgan_gp.py STEPS     # prints {"images_per_s": ...}
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_speed import BENCH  # noqa: E402

sys.path.insert(0, BENCH)
from seed_torch_dcgan import BATCH, LATENT, generator  # noqa: E402

CRITIC_STEPS, PENALTY_WEIGHT = 5, 10.0


def critic():
    layers, channels, size = [], 3, 64
    for width in (64, 128, 256, 512):
        size //= 2
        layers += [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LayerNorm([width, size, size]),
                   nn.LeakyReLU(0.2, True)]
        channels = width
    return nn.Sequential(*layers, nn.Conv2d(512, 1, 4, 1, 0, bias=False), nn.Flatten())


def gradient_penalty(D, real, fake):
    """(||grad_x_hat D(x_hat)|| - 1)^2, x_hat = alpha * real + (1 - alpha) * fake, alpha per example."""
    alpha = torch.rand(real.shape[0], 1, 1, 1)
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).pow(2).sum(1) + 1e-12).sqrt() - 1).pow(2).mean()


def run(steps, warm=1):
    torch.manual_seed(0)
    G, D = generator(), critic()
    opt_d = torch.optim.Adam(D.parameters(), 1e-4, betas=(0.0, 0.9))
    opt_g = torch.optim.Adam(G.parameters(), 1e-4, betas=(0.0, 0.9))
    real = torch.rand(BATCH, 3, 64, 64) * 2 - 1

    def step():
        D.requires_grad_(True)
        for _ in range(CRITIC_STEPS):
            with torch.no_grad():  # the critic's update needs no gradient through G
                fake = G(torch.randn(BATCH, LATENT, 1, 1))
            loss_d = D(fake).mean() - D(real).mean() + PENALTY_WEIGHT * gradient_penalty(D, real, fake)
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        D.requires_grad_(False)  # the generator's update needs no gradient for D's weights
        loss_g = -D(G(torch.randn(BATCH, LATENT, 1, 1))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()

    for _ in range(warm):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    return {"anchor": "pytorch-wgan-gp-seed-networks", "images_per_s": round(steps * BATCH / seconds, 1),
            "steps": steps, "torch": torch.__version__}


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2)), flush=True)
