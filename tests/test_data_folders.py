"""Image folders and CelebA folders: the shared crop/resize/cache path and every bad input."""

import os
import zipfile

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import data

RED, BLACK, BLUE, GREEN, CYAN = (255, 0, 0), (0, 0, 0), (0, 0, 255), (0, 255, 0), (0, 255, 255)


def celeba_face(shade=0):
    """A 178x218 (W x H) image like a CelebA face, with a pattern that shows the crop.

    The 20 rows above and below the centred 178x178 square are red, so any red in
    the output means the crop was not centred. The square has four quadrants of
    different colours (black, blue / green, cyan), so a flip or a transpose shows.
    `shade` tints the blue channel of the black quadrant, to tell the faces apart.
    """
    image = np.zeros((218, 178, 3), dtype="uint8")
    image[:] = RED
    square = image[20:198]
    square[:89, :89] = (0, 0, shade)
    square[:89, 89:] = BLUE
    square[89:, :89] = GREEN
    square[89:, 89:] = CYAN
    return image


def write_faces(folder, count, start=0):
    os.makedirs(folder, exist_ok=True)
    for i in range(start, start + count):
        # 4:4:4 chroma so that the red bands do not bleed into the square through the colour planes.
        Image.fromarray(celeba_face(shade=2 * i % 256)).save(
            os.path.join(folder, f"{i + 1:06d}.jpg"), quality=95, subsampling=0)
    return folder


def test_the_crop_is_the_exact_centre_square():
    portrait = tf.reshape(tf.range(218 * 178 * 1) % 251, (218, 178, 1))
    portrait = tf.cast(portrait, tf.uint8)
    # Resizing to the crop's own size is the identity, so the output is the crop itself.
    np.testing.assert_array_equal(data.center_crop_and_resize(portrait, 178), portrait[20:198])
    landscape = tf.cast(tf.reshape(tf.range(4 * 9 * 3), (4, 9, 3)), tf.uint8)
    np.testing.assert_array_equal(data.center_crop_and_resize(landscape, 4), landscape[:, 2:6])


def test_celeba_shaped_jpegs_come_out_centred_and_upright(tmp_path):
    folder = write_faces(str(tmp_path / "img_align_celeba"), 3)
    images = data.image_folder_arrays(folder, image_size=32)
    assert images.shape == (3, 32, 32, 3) and images.dtype == np.uint8
    # No trace of the red bands (measured: at most 2 from JPEG ringing), where a crop
    # shifted by one source row already puts about 30 of red into the first or last row.
    assert images[..., 0].max() < 20
    quadrants = {(4, 4): (0, 0, 0), (4, 27): BLUE, (27, 4): GREEN, (27, 27): CYAN}
    for (row, column), colour in quadrants.items():
        np.testing.assert_allclose(images[1, row, column], colour, atol=6)
    assert images[1, 4, 4, 2] == pytest.approx(2, abs=3)  # the second face, in file order


def test_load_image_folder_keeps_the_data_contract(tmp_path):
    folder = write_faces(str(tmp_path / "faces"), 20)
    images = data.image_folder_arrays(folder, image_size=16)
    dataset = data.load_image_folder(folder, image_size=16, batch_size=8, seed=0)
    batches = [batch.numpy() for batch in dataset]
    assert len(batches) == 2  # 20 images, the last incomplete batch is dropped
    assert all(batch.shape == (8, 16, 16, 3) and batch.dtype == np.float32 for batch in batches)
    assert min(batch.min() for batch in batches) >= -1.0 and max(batch.max() for batch in batches) <= 1.0
    ordered = np.concatenate(list(data.load_image_folder(folder, image_size=16, batch_size=8, shuffle=False,
                                                         drop_remainder=False)))
    np.testing.assert_array_equal(ordered, images.astype("float32") / 127.5 - 1.0)
    # The shuffled batches are whole images of the folder (the blue shade tells them apart).
    shades = sorted(np.rint((batch[:, 4, 4, 2] + 1) * 127.5).astype(int).tolist()[0] for batch in batches)
    assert len(set(shades)) == 2


def test_kaggle_and_official_layouts_with_their_partition_files(tmp_path):
    kaggle = tmp_path / "celeba-dataset"
    write_faces(str(kaggle / "img_align_celeba" / "img_align_celeba"), 12)
    (kaggle / "list_eval_partition.csv").write_text(
        "image_id,partition\n" + "".join(f"{i + 1:06d}.jpg,{0 if i < 8 else 1 if i < 10 else 2}\n"
                                         for i in range(12)))
    sizes = {split: sum(len(b) for b in data.load_celeba(source=str(kaggle), split=split, image_size=16,
                                                         batch_size=2))
             for split in ("train", "validation", "test", "all")}
    assert sizes == {"train": 8, "validation": 2, "test": 2, "all": 12}

    official = tmp_path / "official"
    write_faces(str(official / "img_align_celeba"), 6)
    (official / "list_eval_partition.txt").write_text(
        "".join(f"{i + 1:06d}.jpg {i % 2}\n" for i in range(6)))
    # The folder passed is the image folder; the list is one level above it.
    train = data.load_celeba(source=str(official / "img_align_celeba"), image_size=16, batch_size=3)
    assert sum(len(batch) for batch in train) == 3

    bare = write_faces(str(tmp_path / "bare"), 4)
    with pytest.warns(UserWarning, match="No list_eval_partition.txt or .csv found .* using all 4 images"):
        data.load_celeba(source=bare, image_size=16, batch_size=2)


def test_a_zip_is_read_as_it_is_the_same_as_its_folder(tmp_path):
    """Kaggle's CelebA comes as one zip: read it without unpacking, with the partition file inside it."""
    kaggle = tmp_path / "celeba-dataset"
    write_faces(str(kaggle / "img_align_celeba" / "img_align_celeba"), 6)
    (kaggle / "list_eval_partition.csv").write_text(
        "image_id,partition\n" + "".join(f"{i + 1:06d}.jpg,{0 if i < 4 else 1}\n" for i in range(6)))
    archive = str(tmp_path / "celeba-dataset.zip")
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(kaggle.rglob("*")):
            zipped.write(path, path.relative_to(kaggle))
        zipped.writestr("__MACOSX/img_align_celeba/._000001.jpg", b"resource fork, not an image")
    assert data.list_images(archive)[0] == f"{archive}::img_align_celeba/img_align_celeba/000001.jpg"
    assert len(data.list_images(archive)) == 6
    np.testing.assert_array_equal(data.image_folder_arrays(archive, image_size=16),
                                  data.image_folder_arrays(str(kaggle), image_size=16))
    train = data.load_celeba(source=archive, image_size=16, batch_size=2)
    assert sum(len(batch) for batch in train) == 4
    assert next(iter(data.load(archive, image_size=16, batch_size=3))).shape == (3, 16, 16, 3)
    # A cache keyed on the archive: a second call reads the .npy instead of the zip.
    first = data.image_folder_arrays(archive, image_size=16, cache_dir=str(tmp_path / "cache"))
    assert isinstance(data.image_folder_arrays(archive, image_size=16, cache_dir=str(tmp_path / "cache")),
                      np.memmap)
    np.testing.assert_array_equal(first, data.image_folder_arrays(str(kaggle), image_size=16))


def test_subsets_are_deterministic(tmp_path):
    folder = write_faces(str(tmp_path / "faces"), 30)

    def shades(seed):
        images = data.image_folder_arrays(folder, image_size=16, num_images=10, seed=seed)
        return images[:, 2, 2, 2].astype(int).tolist()

    assert len(shades(1)) == 10
    assert shades(1) == shades(1)
    assert shades(1) != shades(2)
    assert shades(1) == sorted(shades(1))  # a subset keeps the folder's order
    first = np.concatenate(list(data.load_image_folder(folder, 16, batch_size=5, num_images=10, seed=3)))
    again = np.concatenate(list(data.load_image_folder(folder, 16, batch_size=5, num_images=10, seed=3)))
    np.testing.assert_array_equal(first, again)


def test_the_disk_cache_holds_uint8_and_is_reused(tmp_path, monkeypatch):
    folder = write_faces(str(tmp_path / "faces"), 8)
    cache = tmp_path / "cache"
    images = data.image_folder_arrays(folder, image_size=16, cache_dir=str(cache))
    (file,) = os.listdir(cache)
    stored = np.load(cache / file)
    assert stored.dtype == np.uint8 and stored.shape == (8, 16, 16, 3)
    assert isinstance(images, np.memmap)
    np.testing.assert_array_equal(stored, data.image_folder_arrays(folder, image_size=16))

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again despite the cache")

    with monkeypatch.context() as patch:
        patch.setattr(data, "decode_image_files", no_decoding)
        batches = list(data.load_image_folder(folder, image_size=16, batch_size=4, cache_dir=str(cache)))
    assert len(batches) == 2 and batches[0].dtype == np.float32
    # A changed file is a different cache entry: stale images are never served.
    os.utime(os.path.join(folder, "000001.jpg"), (1, 1))
    data.image_folder_arrays(folder, image_size=16, cache_dir=str(cache))
    assert len(os.listdir(cache)) == 2


def test_missing_or_empty_folders_fail_at_call_time(tmp_path):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match=f"{missing}' does not exist"):
        data.load_image_folder(missing)
    (tmp_path / "notes.txt").write_text("no images here")
    with pytest.raises(FileNotFoundError, match="is a file, but not a zip archive"):
        data.load_image_folder(str(tmp_path / "notes.txt"))
    with pytest.raises(FileNotFoundError, match=f"No images in '{tmp_path}'"):
        data.load_image_folder(str(tmp_path))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_celeba(source=missing)


def test_corrupt_and_truncated_files_are_named_or_skipped(tmp_path):
    folder = write_faces(str(tmp_path / "faces"), 6)
    with open(os.path.join(folder, "000002.jpg"), "rb") as f:
        whole = f.read()
    with open(os.path.join(folder, "000002.jpg"), "wb") as f:
        f.write(whole[: len(whole) // 2])  # truncated, as by an interrupted unzip
    with open(os.path.join(folder, "000005.jpg"), "wb") as f:
        f.write(b"<html>quota exceeded</html>")  # not an image at all
    with pytest.raises(ValueError, match=r"Could not decode 2 of 6 image files .*000002.jpg, .*000005.jpg\. "
                                         r".*skip_corrupt=True"):
        data.load_image_folder(folder, image_size=16, batch_size=2)
    with pytest.warns(UserWarning, match=r"Skipped 2 of 6 image files .*000002.jpg, .*000005.jpg"):
        images = data.image_folder_arrays(folder, image_size=16, skip_corrupt=True)
    assert images.shape == (4, 16, 16, 3)
    # The survivors keep their order: faces 1, 3, 4, 6 (shades 0, 4, 6, 10).
    assert images[:, 2, 2, 2].astype(int).tolist() == pytest.approx([0, 4, 6, 10], abs=3)


def test_grey_rgba_and_palette_images_are_converted(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    colour = np.zeros((40, 40, 3), dtype="uint8")
    colour[:, :20] = (200, 40, 10)
    colour[:, 20:] = (10, 40, 200)
    Image.fromarray(colour).save(folder / "a_rgb.png")
    Image.fromarray(colour).convert("L").save(folder / "b_grey.png")
    rgba = np.concatenate([colour, np.full((40, 40, 1), 30, "uint8")], axis=-1)
    Image.fromarray(rgba, "RGBA").save(folder / "c_rgba.png")
    palette = Image.fromarray((colour[..., 2] > 100).astype("uint8"), "P")
    palette.putpalette([200, 40, 10, 10, 40, 200])
    palette.save(folder / "d_palette.png")
    Image.fromarray(colour).convert("L").save(folder / "e_grey.jpg", quality=95)

    rgb = data.image_folder_arrays(str(folder), image_size=32, channels=3)
    assert rgb.shape == (5, 32, 32, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb[2], rgb[0])  # alpha dropped, colours kept
    np.testing.assert_array_equal(rgb[3], rgb[0])  # palette expanded
    for grey in (rgb[1], rgb[4]):
        assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    grey = data.image_folder_arrays(str(folder), image_size=32, channels=1)
    assert grey.shape == (5, 32, 32, 1)
    # Luma of (200, 40, 10): 0.299 * 200 + 0.587 * 40 + 0.114 * 10 = 84.3.
    assert grey[0, 16, 4, 0] == pytest.approx(84, abs=2)


def test_small_images_are_upscaled_with_a_warning(tmp_path):
    folder = write_faces(str(tmp_path / "faces"), 2)
    Image.fromarray(np.full((20, 24, 3), 128, "uint8")).save(os.path.join(folder, "tiny.png"))
    with pytest.warns(UserWarning, match=r"1 of 3 images are smaller than image_size=32 .*tiny.png"):
        images = data.image_folder_arrays(folder, image_size=32)
    assert images.shape == (3, 32, 32, 3) and (images[2] == 128).all()


def test_bad_arguments_are_named(tmp_path):
    folder = write_faces(str(tmp_path / "faces"), 2)
    with pytest.raises(ValueError, match=r"Expected one of 16, 28, 32, 64, 128. Received: image_size=50"):
        data.load_image_folder(folder, image_size=50)
    with pytest.raises(ValueError, match=r"Expected 1 \(greyscale\) or 3 \(RGB\). Received: channels=4"):
        data.load_image_folder(folder, channels=4)
    with pytest.raises(ValueError, match="The dataset has 2 images. Received: num_images=5"):
        data.load_image_folder(folder, num_images=5)
    with pytest.raises(ValueError, match="Received: split='training'"):
        data.load_celeba(source=folder, split="training")


def test_load_by_name_takes_a_folder(tmp_path):
    folder = write_faces(str(tmp_path / "faces"), 4)
    batch = next(iter(data.load(folder, image_size=16, batch_size=4, seed=0)))
    assert batch.shape == (4, 16, 16, 3)
    with pytest.raises(ValueError, match="or a folder or .zip of images. Received: name='celebb'"):
        data.load("celebb")


def test_the_fast_jpeg_path_agrees_with_full_decoding(tmp_path):
    # JPEGs are decoded straight into the centre square, at half size when it is at
    # least twice image_size; a lossless PNG of the same face takes the generic path.
    folder = tmp_path / "same_face"
    folder.mkdir()
    rows, columns = np.mgrid[0:218, 0:178]
    face = np.stack([rows * 255 // 217, columns * 255 // 177, (rows + columns) % 256 // 2], axis=-1)
    Image.fromarray(face.astype("uint8")).save(folder / "a.png")
    Image.fromarray(face.astype("uint8")).save(folder / "b.jpg", quality=100, subsampling=0)
    for image_size in (32, 64, 128):  # half-size decoding at 32 and 64, full size at 128
        png, jpeg = data.image_folder_arrays(str(folder), image_size=image_size).astype(int)
        # Rows 20..197, all columns, averaged down: one row off and the gradients would show it.
        square = tf.image.resize(face[20:198].astype("float32"), (image_size, image_size), method="area")
        np.testing.assert_array_equal(png, np.round(square.numpy()))
        assert np.abs(png - jpeg).mean() < 1.5, image_size


def test_the_command_line_takes_a_folder_as_dataset(tmp_path, capsys):
    from keras_gans import cli

    folder = write_faces(str(tmp_path / "faces"), 1)
    assert cli.parse(["train", "--dataset", folder])[1].dataset == folder
    assert cli.parse(["train", "--dataset", "cifar10"])[1].dataset == "cifar10"
    with pytest.raises(SystemExit):
        cli.parse(["train", "--dataset", str(tmp_path / "nowhere")])
    assert "a folder or .zip of images, got" in capsys.readouterr().err
