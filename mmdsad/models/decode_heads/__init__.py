from .amfunet_head import AMFUNetHead
from .dmfnet_head import DMFNetHead
from .dnanet_head import DNANetHead
from .irstd_head import IRSTDHead

__all__ = ['IRSTDHead', 'DNANetHead', 'AMFUNetHead', 'DMFNetHead']
