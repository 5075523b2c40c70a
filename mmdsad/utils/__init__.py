from .checkpoint import (
                         UnsafeCheckpointError,
                         is_trusted,
                         load_checkpoint_file,
                         register_safe_checkpoint_loader,
                         trust_checkpoint_dir,
)
from .mmrazor_compat import patch_mmrazor
from .set_env import register_all_modules, register_config_package

__all__ = [
    'patch_mmrazor', 'UnsafeCheckpointError', 'is_trusted',
    'load_checkpoint_file', 'register_safe_checkpoint_loader',
    'trust_checkpoint_dir', 'register_all_modules', 'register_config_package'
]
