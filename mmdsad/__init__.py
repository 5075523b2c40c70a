"""mmdsad: infrared small target detection with knowledge distillation.

``import mmdsad`` registers every component in mmseg's registries and
changes five things in the process. This is the one list of them; each
module named says the details. They happen on import, not in a CLI, so
that every entry point gets them: the tools, third-party scripts,
``Runner.from_cfg`` and MMRazor building a network from ``cfg_path``.

1. **MMRazor on torch 2** (:mod:`mmdsad.utils.mmrazor_compat`, first,
   before anything imports mmrazor): mmrazor 1.0.0's quantization code
   fails to import on torch >= 2, which takes ``import mmrazor.models`` and
   all of distillation with it; the patch restores the three torch helpers
   it imports and stubs its quantization backend table. Quantization stays
   unusable, as upstream.
2. **Weights-only checkpoints** (:mod:`mmdsad.utils.checkpoint`): every
   scheme of mmengine's ``CheckpointLoader`` (files, URLs, model-zoo names)
   loads with ``torch.load(weights_only=True)`` and a named allow-list for
   full training checkpoints, so loading a checkpoint can never run code
   (docs/security.md).
3. **Safe YAML** (:mod:`mmdsad.utils.safe_yaml`): ``mmengine.load`` reads
   ``.yml``/``.yaml`` with PyYAML's safe loader instead of its full one, so
   a tag such as ``!!python/object/apply`` in a metafile or
   ``model-index.yml`` is an error rather than a call.
4. **The pytorch launcher without CUDA**
   (:mod:`mmdsad.utils.mmengine_compat`): mmengine 0.10 calls
   ``torch.cuda.set_device`` before starting the process group, which
   fails on a CPU-only torch; without CUDA the group starts without a
   device, so ``--launcher pytorch`` runs on CPU with gloo. With CUDA
   mmengine's own function is kept.
5. **The ``mmdsad::`` config scope** (:mod:`mmdsad.utils.set_env`):
   mmengine's ``MODULE2PACKAGE`` learns the package, so
   ``cfg_path='mmdsad::<dir>/<config>.py'`` (how distillation configs name
   their teacher and student) resolves.
"""
from .utils.mmrazor_compat import patch_mmrazor

patch_mmrazor()

from . import (  # noqa: E402,F401
    datasets,
    engine,
    evaluation,
    models,
    visualization,
)
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
