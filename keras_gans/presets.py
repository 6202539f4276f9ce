"""The named settings of the package's runs: every default a command, the comparison or a tutorial uses, once.

A `Preset` is the size of the images and networks, the batch, how long to train and
the two learning rates of one kind of run. The entry points name theirs:

    DEFAULT_RUN       `keras-gans train` with no options: DCGAN (or cdcgan) on the digits
    TRAIN[size]       `keras-gans train` for every other variant, by image size
    COMPARE["quick"]  `keras-gans compare --quick` and tutorial 3; COMPARE["full"] without --quick;
                      COMPARE_LEARNING_RATES[mode]: the variants whose learning rates it changes
    TUTORIAL["quick"] what every tutorial builds in quick mode; TUTORIAL["full"] in full mode
    VGG16_EXPERIMENT  `keras-gans vgg16-experiment` (scratch against a frozen VGG16 discriminator)

A learning rate of None means the variant's own: the optimizers of its paper, which each
variant's class states (`keras_gans.DCGAN.default_d_optimizer()`: Adam(2e-4, beta_1=0.5)).
The README's table of `keras-gans train` defaults is checked against this module by a test.
Why each value was chosen is measured in `benchmarks/` (named beside each preset).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Preset:
    """The settings of one kind of run.

    Args:
        image_size: side of the square images, in pixels.
        latent_dim: size of the generator's input vector.
        width: base channel count of both networks.
        batch_size: images per training step.
        epochs: passes over the data (runs that count epochs), or None.
        steps: training steps (runs that count steps), or None.
        d_lr: the discriminator's learning rate; None: the variant's own.
        g_lr: the generator's learning rate; None: the variant's own.
    """

    image_size: int
    latent_dim: int
    width: int
    batch_size: int
    epochs: int | None = None
    steps: int | None = None
    d_lr: float | None = None
    g_lr: float | None = None

    def replace(self, **changes):
        """A copy with some settings changed: `DEFAULT_RUN.replace(epochs=30)`."""
        return dataclasses.replace(self, **changes)


# `keras-gans train`: DCGAN (and the conditional DCGAN) on the embedded digits at 32 px. Half the
# article's channels and batch 32 drew better digits in less time than width 64 / batch 64, and
# 6e-4 reached the same digits FID as 2e-4 in under half the images
# (benchmarks/default_run_settings.py, its tables in benchmarks/README.md#the-default-runs-settings).
DEFAULT_RUN = Preset(image_size=32, latent_dim=128, width=32, batch_size=32, epochs=16, d_lr=6e-4, g_lr=6e-4)
# The variants whose default run is DEFAULT_RUN at 32 px.
DEFAULT_RUN_MODELS = ("dcgan", "cdcgan")

# `keras-gans train` for the other variants (and for every variant at 64 or 128 px): at 64 px and
# above the GANs 101 article's networks and batch, at 32 px half of them; each variant's own optimizers.
TRAIN = {
    32: Preset(image_size=32, latent_dim=128, width=32, batch_size=32, epochs=35),
    64: Preset(image_size=64, latent_dim=128, width=64, batch_size=128, epochs=35),
    128: Preset(image_size=128, latent_dim=128, width=64, batch_size=128, epochs=35),
}

# `keras-gans compare`: every run trains the same number of generator steps, each with its variant's
# critic updates (5 for WGAN and WGAN-GP), whatever its number of images (equal epochs would give
# 1,000 images a fifth of the steps of 5,000). Quick: networks small enough for a 2-core CPU of
# either kind, and enough steps for DCGAN, LSGAN and WGAN-GP to draw readable digits in both
# columns (benchmarks/compare_quick.py; its tables, the digits FID, ms per step and seconds of
# every run per CPU kind, are in benchmarks/README.md). Full: the GANs 101 article's networks at
# 32 px and longer runs, for a GPU (not timed: no GPU was reached from this project).
COMPARE = {
    "quick": Preset(image_size=32, latent_dim=32, width=16, batch_size=32, steps=1200),
    "full": Preset(image_size=32, latent_dim=128, width=64, batch_size=64, steps=10_000),
}
# The comparison's learning rates, (d_lr, g_lr) by variant and mode. Only the rates change, never
# the optimizer; a variant not named keeps its paper's (WGAN its RMSprop 5e-5 and clipping: its slow
# start is the lesson). Quick: at the papers' rates (Adam 2e-4 for DCGAN and LSGAN, 1e-4 with betas
# 0 / 0.9 for WGAN-GP) these three are still blurred after the quick steps, and SAGAN's two
# time-scales (D 4e-4, G 1e-4) let its discriminator win: the same pattern in every cell. One faster
# rate for both networks draws digits in both columns (`python benchmarks/compare_quick.py` against
# `... --learning-rates papers`, their tables in benchmarks/README.md). DCGAN goes above the default
# run's 6e-4 because this run is shorter, LSGAN highest because it spends its first few hundred
# steps on grey backgrounds and a faster start ends them sooner; SAGAN's generator gets its
# discriminator's 4e-4 (one rate of 2e-4 for both still lost to the discriminator). Full: the papers'.
COMPARE_LEARNING_RATES = {
    "quick": {"dcgan": (1e-3, 1e-3), "lsgan": (2e-3, 2e-3), "wgan-gp": (3e-4, 3e-4), "sagan": (4e-4, 4e-4)},
    "full": {},
}

# The tutorials. Quick: 32 px digits and small networks on a CPU, the discriminator at half the
# generator's rate (in a short run an equally fast discriminator wins the first few hundred steps,
# tutorial 5 shows why that stalls the generator). Full: the GANs 101 article's 64 px DCGAN on faces.
# Each tutorial states these in its first cell; tests/test_tutorials.py checks they match.
TUTORIAL = {
    "quick": Preset(image_size=32, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4),
    "full": Preset(image_size=64, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4),
}

# `keras-gans vgg16-experiment`: the GANs 101 article's LSGAN with Adam(2e-4, beta_1=0.5) for all four optimizers.
VGG16_EXPERIMENT = Preset(image_size=32, latent_dim=128, width=64, batch_size=64, epochs=5, d_lr=2e-4, g_lr=2e-4)


def train_preset(model, image_size, fine_tuning=False):
    """The preset `keras-gans train` starts from: `DEFAULT_RUN`, or `TRAIN[image_size]`.

    Args:
        model: the variant's name ("dcgan", "wgan-gp", ...).
        image_size: 32, 64 or 128.
        fine_tuning: a run that starts from a saved GAN (`--init-from`) keeps the variant's own rates.

    Example:
    >>> train_preset("dcgan", 32).d_lr
    0.0006
    >>> train_preset("lsgan", 32).d_lr is None
    True
    """
    if image_size == DEFAULT_RUN.image_size and model in DEFAULT_RUN_MODELS and not fine_tuning:
        return DEFAULT_RUN
    return TRAIN[image_size]
