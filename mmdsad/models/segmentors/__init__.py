from .coisd import COISD
from .irstd_encoder_decoder import IRSTDEncoderDecoder

__all__ = ['COISD', 'IRSTDEncoderDecoder']
