"""The expected results the tutorials' exercises state, checked on small settings.

Each test names its tutorial and exercise ("T04 E2": tutorial 4, exercise 2). The
exercises themselves are at the end of each tutorial; the teacher's answers are in
tutorials/WORKSHOP_ANSWERS.md. Everything here takes seconds: small networks, a few
steps, or exact arithmetic. Exercises whose answer is a picture after minutes of
training are checked by looking, and their expected result says what to look for.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_networks

import keras_gans
from keras_gans import data, evaluation, losses, transfer
from keras_gans.callbacks import Diagnostics


def slope_at(loss, logit):
    """|d loss / d logit| at one logit."""
    value = tf.constant([logit])
    with tf.GradientTape() as tape:
        tape.watch(value)
        result = loss(value)
    return abs(float(tape.gradient(result, value)[0]))


def test_t01_e1_and_t03_e1_generator_slopes_where_the_discriminator_rejects_the_fake():
    # At a fake's logit of -4: minimax sigmoid(-4) = 0.018, non-saturating 1 - sigmoid(-4) = 0.982
    # (e^4 = 55 times steeper), least squares |(-4) - 1| = 5, Wasserstein / hinge 1.
    assert slope_at(losses.minimax_generator_loss, -4.0) == pytest.approx(0.0180, abs=1e-3)
    assert slope_at(losses.bce_generator_loss, -4.0) == pytest.approx(0.9820, abs=1e-3)
    ratio = slope_at(losses.bce_generator_loss, -4.0) / slope_at(losses.minimax_generator_loss, -4.0)
    assert ratio == pytest.approx(np.exp(4.0), rel=1e-3)
    assert slope_at(losses.least_squares_generator_loss, -4.0) == pytest.approx(5.0)
    assert slope_at(losses.wasserstein_generator_loss, -4.0) == pytest.approx(1.0)


def test_t01_e2_a_discriminator_trained_alone_wins_within_a_hundred_steps():
    keras.utils.set_random_seed(0)
    generator, discriminator = tiny_networks()
    optimizer = keras.optimizers.Adam(1e-4, beta_1=0.5)  # quick mode's discriminator rate
    real = next(iter(data.load_mnist_5k(32, batch_size=32, seed=0)))
    fake = generator(keras.random.normal((32, 16), seed=1))
    for _ in range(100):
        with tf.GradientTape() as tape:
            d_loss = losses.bce_discriminator_loss(discriminator(real, training=True),
                                                   discriminator(fake, training=True))
        gradients = tape.gradient(d_loss, discriminator.trainable_variables)
        optimizer.apply(gradients, discriminator.trainable_variables)
    # It starts near 2 log 2 = 1.386 and ends below 0.1: the generator's images are easy to spot.
    assert float(d_loss) < 0.1


def test_t03_e2_the_lsgan_papers_other_coding():
    # a = -1 (fake), b = 1 (real), c = 0 (what the generator asks for): at outputs 0 and 0
    # the discriminator pays 0.5 (1 + 1) = 1.0 (0.5 with the default 0/1 coding), the generator 0.
    zeros = keras.ops.zeros(4)
    assert float(losses.least_squares_discriminator_loss(zeros, zeros, a=-1.0, b=1.0)) == pytest.approx(1.0)
    assert float(losses.least_squares_discriminator_loss(zeros, zeros)) == pytest.approx(0.5)
    assert float(losses.least_squares_generator_loss(zeros, c=0.0)) == pytest.approx(0.0)


@pytest.mark.parametrize("norm, penalty", [(0.0, 1.0), (1.0, 0.0), (2.0, 1.0), (3.0, 4.0)])
def test_t04_e2_the_penalty_of_a_critic_of_known_slope(norm, penalty):
    # A linear critic f(x) = w.x has gradient w everywhere: the penalty is (|w| - 1)^2.
    critic = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                               keras.layers.Dense(1, use_bias=False,
                                                  kernel_initializer=keras.initializers.Constant(norm / 4))])
    assert np.linalg.norm(critic.get_weights()[0]) == pytest.approx(norm)
    images = keras.random.uniform((8, 4, 4, 1), -1, 1, seed=0)
    assert float(losses.gradient_penalty(critic, images, -images)) == pytest.approx(penalty, abs=1e-4)


def critic_gradient_norm(clip_value, steps=20):
    keras.utils.set_random_seed(0)
    generator, critic = tiny_networks()
    gan = keras_gans.WGAN(generator, critic, clip_value=clip_value, seed=0)
    gan.compile()
    real = next(iter(data.load_mnist_5k(32, batch_size=32, seed=0)))
    gan.fit(tf.data.Dataset.from_tensors(real).repeat(steps), epochs=1, verbose=0)
    points = 0.5 * real + 0.5 * gan.generator(gan.draw_latents(32))
    with tf.GradientTape() as tape:
        tape.watch(points)
        scores = gan.discriminator(points, training=False)
    gradients = tape.gradient(scores, points)
    return float(tf.reduce_mean(tf.norm(tf.reshape(gradients, (32, -1)), axis=1)))


def test_t04_e1_a_looser_clip_gives_a_steeper_critic():
    # Four weighted layers each allowed 10x larger weights: the slope grows by orders of magnitude.
    tight, loose = critic_gradient_norm(0.01), critic_gradient_norm(0.1)
    assert tight < 0.1 and loose > 10 * tight


def test_t05_e2_clipping_keeps_the_reckless_critic_finite():
    # Tutorial 5's NaN run (SGD with learning rate 50, one critic step) with the paper's clip 0.01:
    # the critic's scores stay bounded, no loss becomes NaN.
    keras.utils.set_random_seed(0)
    generator, critic = tiny_networks(critic_normalization="none")
    gan = keras_gans.WGAN(generator, critic, clip_value=0.01, discriminator_steps=1, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(50.0), g_optimizer=keras.optimizers.SGD(50.0))
    watch = Diagnostics()
    history = gan.fit(data.load_mnist_5k(32, batch_size=32, num_images=640, seed=0), epochs=1, verbose=0,
                      callbacks=[watch])
    assert "non_finite" not in {warning["kind"] for warning in watch.warnings}
    assert np.isfinite(history.history["d_loss"]).all() and abs(history.history["d_loss"][-1]) < 1.0


def frozen_weights(frozen_until, unfreeze_from=None):
    """What tutorial 6 prints as "frozen": every non-trainable weight of the discriminator."""
    discriminator = keras_gans.networks.vgg16_discriminator(32, 1, weights=None, frozen_until=frozen_until,
                                                            unfreeze_from=unfreeze_from)
    return sum(int(np.prod(w.shape)) for w in discriminator.non_trainable_weights)


def test_t06_e1_and_e2_what_the_cut_and_the_unfreezing_leave_frozen():
    # VGG16's 3x3 convolutions with biases: block 1 1,792 + 36,928; block 2 73,856 + 147,584
    # (260,160); block 3 295,168 + 2 x 590,080 = 1,475,328. The printed count adds the head's
    # batch-norm moving mean and variance (2 x 512), which no gradient trains.
    head_statistics = 2 * 512
    assert frozen_weights("block2_conv2") == 260_160 + head_statistics
    assert frozen_weights("block3_conv3") == 1_735_488 + head_statistics
    assert frozen_weights("block3_conv3", unfreeze_from="block3_conv1") == 260_160 + head_statistics


def test_t07_e2_freezed_freezes_what_it_is_told(tmp_path):
    keras.utils.set_random_seed(0)
    source = keras_gans.DCGAN(*tiny_networks(), seed=0)
    source.compile()
    path = str(tmp_path / "gan.keras")
    source.save(path)
    trainable = {}
    for layers_frozen in (0, 2, 4):
        gan = transfer.fine_tune(path, transfer="both", freeze_discriminator_layers=layers_frozen, seed=1)
        trainable[layers_frozen] = [layer.name for layer in gan.discriminator.layers
                                    if layer.trainable and layer.weights]
    # The 32 px discriminator has 6 weighted layers: conv1 norm1 conv2 norm2 conv3 logit... each
    # frozen layer leaves the trainable list, from the input upward.
    assert len(trainable[0]) - len(trainable[2]) == 2 and len(trainable[0]) - len(trainable[4]) == 4
    assert trainable[4] == trainable[0][4:]


@pytest.fixture(scope="module")
def digits_sets():
    images = data.to_float(data.resize_uint8(data.mnist_5k_arrays()[0], 32))
    rng = np.random.default_rng(0)
    order = rng.permutation(len(images))
    return images[order[:1000]], images[order[1000:2000]], evaluation.get_feature_extractor("digits")


def blur(images, factor):
    small = keras.ops.image.resize(images, (32 // factor, 32 // factor))
    return keras.ops.convert_to_numpy(keras.ops.image.resize(small, (32, 32)))


def test_t08_e1_milder_blur_scores_between_real_and_the_tutorials_blur(digits_sets):
    set_a, set_b, extractor = digits_sets
    features_a = extractor.features(set_a)
    fid = {name: evaluation.frechet_distance(features_a, extractor.features(images))
           for name, images in (("real", set_b), ("blur 2", blur(set_b, 2)), ("blur 4", blur(set_b, 4)))}
    assert fid["real"] < fid["blur 2"] < fid["blur 4"]


def test_t08_e2_ten_repeated_digits_score_better_than_one_but_far_worse_than_real(digits_sets):
    set_a, set_b, extractor = digits_sets
    features_a = extractor.features(set_a)
    labels = data.mnist_5k_arrays()[1]
    images = data.to_float(data.resize_uint8(data.mnist_5k_arrays()[0], 32))
    one_of_each = np.stack([images[np.argmax(labels == digit)] for digit in range(10)])
    scores = {}
    for name, chosen in (("one", one_of_each[:1]), ("ten", one_of_each)):
        repeated = np.resize(chosen, (1000, 32, 32, 1))
        scores[name] = evaluation.frechet_distance(features_a, extractor.features(repeated))
    real = evaluation.frechet_distance(features_a, extractor.features(set_b))
    assert real * 5 < scores["ten"] < scores["one"]


def test_t08_e3_fewer_images_raise_the_fid_of_real_against_real(digits_sets):
    set_a, set_b, extractor = digits_sets
    fa, fb = extractor.features(set_a), extractor.features(set_b)
    fid_100 = evaluation.frechet_distance(fa[:100], fb[:100])
    fid_1000 = evaluation.frechet_distance(fa, fb)
    assert fid_100 > 2 * fid_1000


def test_t09_e1_spectral_norm_holds_every_sagan_kernel_near_one():
    keras.utils.set_random_seed(0)
    discriminator = keras_gans.networks.sagan_discriminator(32, 1, width=8)
    batch = keras.random.uniform((8, 32, 32, 1), -1, 1, seed=0)
    for _ in range(20):
        discriminator(batch, training=True)
    for weight in discriminator.weights:
        if weight.path.endswith("kernel") and len(weight.shape) == 4:
            matrix = keras.ops.convert_to_numpy(weight).reshape(-1, weight.shape[-1])
            assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, abs=0.1), weight.path


def test_t11_e1_the_projection_logit_by_hand():
    # phi = (1, 2, 3), psi = (1, 0, -1): psi.phi = -2; V_0 = (0.5, 0.5, 0): V_0.phi = 1.5, so class 0's
    # logit is -0.5; V_1 = (0, 0, 2): 6, class 1's logit 4 (the tutorial's cell, then exercise 1).
    phi = keras.Input((3,))
    label = keras.Input((), dtype="int32")
    head = keras.Model([phi, label], keras_gans.networks.conditional.projection_logits(phi, label, num_classes=2))
    head.get_layer("to_logit").set_weights([np.array([[1.0], [0.0], [-1.0]])])
    head.get_layer("label_projection").set_weights([np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 2.0]])])
    logits = np.asarray(head([np.array([[1.0, 2.0, 3.0]] * 2), np.array([0, 1])])).ravel()
    assert logits.tolist() == pytest.approx([-0.5, 4.0])


def test_t11_e2_what_the_label_costs_each_network():
    networks = keras_gans.networks
    generator = networks.conditional_generator(32, 1, 64, num_classes=10, width=32)
    discriminator = networks.conditional_discriminator(32, 1, num_classes=10, width=32)
    # The generator: the embedding (10 x 32) and 32 more input channels of its first 4x4 transposed
    # convolution into 128 channels. The discriminator: one vector V_y per class, as long as phi(x)
    # (4 x 4 x 128 = 2,048), in place of nothing (its psi replaces DCGAN's last convolution, same size).
    extra_generator = generator.count_params() - networks.dcgan_generator(32, 1, 64, width=32).count_params()
    extra_discriminator = discriminator.count_params() - networks.dcgan_discriminator(32, 1, width=32).count_params()
    assert extra_generator == 10 * 32 + 32 * 4 * 4 * 128 == 65_856
    assert extra_discriminator == 10 * 2048 == 20_480


@pytest.mark.parametrize("steps, decay", [(10, 0.55), (100, 0.918), (1500, 0.994), (8990, 0.999), (20000, 0.999)])
def test_t12_e1_the_moving_averages_ramp(steps, decay):
    # d = min(ema, (1 + t) / (10 + t)): with ema=0.999 the ramp reaches 0.999 at t = 8,990, so quick
    # mode's 1,500 steps end at d = 0.994, an average over about 1 / (1 - d) = 170 steps.
    keras.utils.set_random_seed(0)
    gan = keras_gans.DCGAN(*tiny_networks(), ema=0.999, seed=0)
    gan.compile()
    gan.g_optimizer.build(gan.generator.trainable_variables)
    gan.g_optimizer.iterations.assign(steps)
    for average in gan.ema_generator.weights:
        average.assign(keras.ops.zeros_like(average))
    kernel = next(i for i, w in enumerate(gan.generator.weights) if w.path.endswith("kernel"))
    gan.generator.weights[kernel].assign(keras.ops.ones_like(gan.generator.weights[kernel]))
    gan.update_ema()  # w_ema = d * 0 + (1 - d) * 1
    moved = float(keras.ops.convert_to_numpy(gan.ema_generator.weights[kernel]).ravel()[0])
    assert 1 - moved == pytest.approx(decay, abs=5e-4)


def test_t12_e2_how_far_diffaugment_moves_and_cuts_a_32_pixel_digit():
    images = keras.ops.ones((64, 32, 32, 1))
    seed = keras.random.SeedGenerator(0)
    cut = keras.ops.convert_to_numpy(keras_gans.augment.random_cutout(images, seed=seed))
    # a square of half the side (16 x 16 = 256 pixels) set to 0, clipped where it leaves the image
    assert (cut == 0).sum(axis=(1, 2, 3)).max() == 16 * 16
    point = np.zeros((256, 32, 32, 1), "float32") - 1
    point[:, 16, 16] = 1.0
    moved = keras.ops.convert_to_numpy(keras_gans.augment.random_translation(point, seed=seed))
    rows, columns = np.nonzero(moved[..., 0] > 0)[1:]
    # up to an eighth of the side (4 pixels) in each direction, every shift drawn
    assert set(rows - 16) == set(range(-4, 5)) and set(columns - 16) == set(range(-4, 5))

