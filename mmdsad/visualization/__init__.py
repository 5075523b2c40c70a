"""Visualizers of IRSTD predictions."""
from .irstd_visualizer import IRSTDVisualizer

__all__ = ['IRSTDVisualizer']
