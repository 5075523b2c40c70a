from .frozen_dinov2 import FrozenDINOv2, evenly_spaced_blocks

__all__ = ['FrozenDINOv2', 'evenly_spaced_blocks']
