from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channels_last_hook import ChannelsLastHook
from .distill_loss_warmup_hook import DistillLossWarmupHook

__all__ = ['AtomicCheckpointHook', 'ChannelsLastHook', 'DistillLossWarmupHook']
