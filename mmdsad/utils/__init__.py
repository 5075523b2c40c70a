from .checkpoint import (
                         CheckpointReadError,
                         UnsafeCheckpointError,
                         load_checkpoint_file,
                         register_safe_checkpoint_loader,
)
from .mmrazor_compat import patch_mmrazor
from .set_env import register_all_modules, register_config_package

__all__ = [
    'patch_mmrazor', 'CheckpointReadError', 'UnsafeCheckpointError',
    'load_checkpoint_file', 'register_safe_checkpoint_loader',
    'register_all_modules', 'register_config_package'
]
