from .coisd import COISD

__all__ = ['COISD']
