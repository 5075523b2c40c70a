"""mmdsad: infrared small target detection with knowledge distillation.

Importing the package registers every component in mmseg's registries,
makes MMRazor importable on torch 2.x (the patch runs first, before any
mmrazor import), lets mmengine's pytorch launcher run without CUDA
(:mod:`mmdsad.utils.mmengine_compat`), routes mmengine's checkpoint
loading through the weights-only loader of :mod:`mmdsad.utils.checkpoint`,
makes mmengine read YAML with PyYAML's safe loader
(:mod:`mmdsad.utils.safe_yaml`) and lets ``mmdsad::`` config paths resolve
(:mod:`mmdsad.utils.set_env`).
"""
from .utils.mmrazor_compat import patch_mmrazor

patch_mmrazor()

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .utils.checkpoint import register_safe_checkpoint_loader  # noqa: E402
from .utils.mmengine_compat import patch_mmengine_dist  # noqa: E402
from .utils.safe_yaml import register_safe_yaml  # noqa: E402
from .utils.set_env import register_config_package  # noqa: E402
from .version import __version__  # noqa: E402

register_safe_checkpoint_loader()
register_safe_yaml()
patch_mmengine_dist()
register_config_package()

__all__ = ['__version__']
