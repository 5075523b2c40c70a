from .atomic_checkpoint_hook import AtomicCheckpointHook
from .distill_loss_warmup_hook import DistillLossWarmupHook

__all__ = ['AtomicCheckpointHook', 'DistillLossWarmupHook']
