"""Build hook: copy the shipped data files into the package, so a wheel is as complete as a clone.

Everything else about the package is in pyproject.toml. The list of files is
`keras_gans.shipped.FILES`, read here without importing keras_gans (no TensorFlow
needed to build).
"""

import ast
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def shipped_files():
    tree = ast.parse(open(os.path.join(HERE, "keras_gans", "shipped.py")).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "FILES":
            return ast.literal_eval(node.value)
    raise RuntimeError("keras_gans/shipped.py has no FILES list")


class BuildWithShippedFiles(build_py):
    def run(self):
        super().run()
        for relative in shipped_files():
            target = os.path.join(self.build_lib, "keras_gans", "_shipped", relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(os.path.join(HERE, relative), target)


setup(cmdclass={"build_py": BuildWithShippedFiles})
