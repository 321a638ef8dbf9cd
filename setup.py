"""The repository root is the `loom` package: map it and every sub-package found below it."""

from setuptools import find_packages, setup

subpackages = find_packages(".", exclude=["tests", "tests.*", "bench", "bench.*", "build*"])
setup(
    packages=["loom", *(f"loom.{name}" for name in subpackages)],
    package_dir={"loom": "."},
)
