"""YAML read by mmengine with PyYAML's safe loader.

mmengine's YAML handler loads with PyYAML's full ``Loader``, which builds
Python objects from tags such as ``!!python/object/apply:os.system``. Its
YAML files in an mmdsad process (``model-index.yml`` when a ``cfg_path``
resolves, metafiles, YAML configs) hold plain data only, so they are read
with ``SafeLoader``: such a tag is an error instead of a call.
"""
import yaml
from mmengine.fileio import register_handler
from mmengine.fileio.handlers import YamlHandler

SAFE_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


class SafeYamlHandler(YamlHandler):
    """mmengine's YAML handler, loading with PyYAML's safe loader."""

    def load_from_fileobj(self, file, **kwargs):
        kwargs['Loader'] = SAFE_LOADER
        return yaml.load(file, **kwargs)


def register_safe_yaml() -> None:
    """Make ``mmengine.load`` read ``.yml`` / ``.yaml`` files safely."""
    register_handler(['yaml', 'yml'])(SafeYamlHandler)
