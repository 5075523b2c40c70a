from .irstd_data_preprocessor import IRSTDDataPreProcessor

__all__ = ['IRSTDDataPreProcessor']
