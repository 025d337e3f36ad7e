"""Only here to tag the wheel: with a bundled libassemblyai in assemblyai_native/_lib/ the
wheel is platform-specific (py3-none-<platform>, files in the platform root); without one it
is pure Python (py3-none-any). Everything else is in pyproject.toml."""

import glob
import os

from setuptools import setup
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = bool(glob.glob(os.path.join(HERE, "assemblyai_native", "_lib", "libassemblyai.so*")))


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return BUNDLED


cmdclass = {}
try:
    try:
        from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:
        from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

    class bdist_wheel(_bdist_wheel):
        def get_tag(self):
            python, abi, plat = super().get_tag()
            if BUNDLED:
                # Loaded through ctypes: any Python 3, no ABI dependence, one platform.
                return "py3", "none", plat
            return python, abi, plat

    cmdclass["bdist_wheel"] = bdist_wheel
except ImportError:
    pass

setup(distclass=BinaryDistribution, cmdclass=cmdclass)
