from .frozen_dinov2 import FrozenDINOv2, evenly_spaced_blocks
from .tiny_dinov2 import save_tiny_dinov2

__all__ = ['FrozenDINOv2', 'evenly_spaced_blocks', 'save_tiny_dinov2']
