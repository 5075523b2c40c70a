"""Make ``mmrazor`` 1.0.0 importable on torch 2.x.

``import mmrazor.models`` fails on torch >= 2 (upstream open-mmlab/mmrazor
#632) for two reasons, both in its quantization code, which distillation
never uses:

1. ``common_operator_config_utils`` imports ``reverse2``, ``reverse3`` and
   ``reverse_sequential_wrapper2`` from
   ``torch.ao.quantization.fuser_method_mappings``; torch 2 removed them.
2. ``backend_config/mapping.py`` builds every quantization backend config at
   import time through private torch APIs that no longer exist.

:func:`patch_mmrazor` restores the three helpers (same semantics as torch
1.13) and registers a stand-in for the ``mapping`` module that holds the
fallback mmrazor itself uses on old torch: every backend ``None``. It must
run before anything of mmrazor is imported; ``import mmdsad`` does that.
Quantization in mmrazor stays unusable, as it is upstream on torch 2.
"""
import sys
import types
from typing import Callable

MAPPING_MODULE = 'mmrazor.structures.quantization.backend_config.mapping'
QUANTIZATION_BACKENDS = ('academic', 'native', 'tensorrt', 'openvino')


def _reverse2(fuser: Callable) -> Callable:
    """Fuser taking ``(is_qat, x, y)`` that calls ``fuser(is_qat, y, x)``."""

    def reversed_fuser(is_qat, x, y):
        return fuser(is_qat, y, x)

    return reversed_fuser


def _reverse3(fuser: Callable) -> Callable:
    """Fuser taking ``(is_qat, x, (y, z))`` calling ``fuser(is_qat, z, y,
    x)``."""

    def reversed_fuser(is_qat, x, pair):
        y, z = pair
        return fuser(is_qat, z, y, x)

    return reversed_fuser


def _reverse_sequential_wrapper2(sequential: Callable) -> Callable:
    """Fuser taking ``(is_qat, x, y)`` that returns ``sequential(x, y)``."""

    def sequential_fuser(is_qat, x, y):
        return sequential(x, y)

    return sequential_fuser


def patch_mmrazor() -> None:
    """Apply both fixes; idempotent, and a no-op once mmrazor is loaded."""
    from torch.ao.quantization import fuser_method_mappings

    for name, helper in (('reverse2', _reverse2), ('reverse3', _reverse3),
                         ('reverse_sequential_wrapper2',
                          _reverse_sequential_wrapper2)):
        if not hasattr(fuser_method_mappings, name):
            setattr(fuser_method_mappings, name, helper)

    if MAPPING_MODULE not in sys.modules:
        mapping = types.ModuleType(MAPPING_MODULE)
        mapping.__doc__ = 'mmdsad stand-in: no quantization backend on ' \
            'torch 2 (see mmdsad.utils.mmrazor_compat).'
        mapping.BackendConfigs = dict.fromkeys(QUANTIZATION_BACKENDS)
        sys.modules[MAPPING_MODULE] = mapping
