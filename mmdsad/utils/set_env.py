"""What mmengine needs to resolve ``mmdsad::<dir>/<config>.py``.

MMRazor builds a network from another config with ``dict(cfg_path=
'mmdsad::dnanet/dnanet_num4_nudt.py', pretrained=False)`` through
``mmengine.hub.get_model``, which

1. accepts only the packages listed in mmengine's ``MODULE2PACKAGE``
   (OpenMMLab's own): :func:`register_config_package` adds mmdsad;
2. reads ``<package>/.mim/model-index.yml`` and then the config under
   ``<package>/.mim/configs/`` (setup.py links or copies both there);
3. calls ``<package>.utils.register_all_modules()`` before building.
"""
from mmengine.config.utils import MODULE2PACKAGE

PACKAGE = 'mmdsad'


def register_config_package() -> None:
    """Let ``mmdsad::`` config paths resolve (module and pip names agree)."""
    MODULE2PACKAGE.setdefault(PACKAGE, PACKAGE)


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register every mmdsad and mmseg component in their registries.

    mmdsad's networks live in mmseg's registries, so the default scope to
    build them in is mmseg's.

    Args:
        init_default_scope (bool): Whether to make ``mmseg`` the current
            default scope (as ``mmseg.utils.register_all_modules`` does).
    """
    from mmseg.utils import register_all_modules as register_mmseg

    import mmdsad  # noqa: F401  (importing registers every component)
    register_mmseg(init_default_scope=init_default_scope)
