from .amfunet import AMFUNet
from .dmfnet import DMFNet
from .dnanet import DNANet

__all__ = ['DNANet', 'AMFUNet', 'DMFNet']
