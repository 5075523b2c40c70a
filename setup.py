"""Install mmdsad the way mmseg and mmrazor install themselves.

``mim install -e .`` (or ``pip install -e .``) runs ``setup.py develop``,
which links ``configs/``, ``tools/`` and ``model-index.yml`` into
``mmdsad/.mim`` so that ``mim train mmdsad <config>`` and ``mmdsad::``
config paths (MMRazor's ``cfg_path``) find them; a wheel or sdist build
copies them there instead. There is deliberately no ``pyproject.toml``: with
one, setuptools >= 80 turns ``develop`` into a PEP 660 editable install and the
``.mim`` links are never made (docs/installation.md).
"""
import os
import os.path as osp
import shutil
import sys
import warnings

from setuptools import find_packages, setup

MIM_FILES = ('configs', 'tools', 'model-index.yml')


def read_version() -> str:
    """Read ``__version__`` from ``mmdsad/version.py`` without importing."""
    namespace: dict = {}
    with open(osp.join('mmdsad', 'version.py'), encoding='utf-8') as f:
        exec(compile(f.read(), 'mmdsad/version.py', 'exec'), namespace)
    return namespace['__version__']


def read_requirements(path: str) -> list:
    """Requirement lines of ``path``, following ``-r`` includes."""
    requirements = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if line.startswith('-r '):
                included = osp.join(osp.dirname(path), line[3:].strip())
                requirements.extend(read_requirements(included))
            else:
                requirements.append(line)
    return requirements


def add_mim_extension() -> None:
    """Link (editable install) or copy (wheel/sdist) the MIM files."""
    if 'develop' in sys.argv:
        mode = 'symlink'
    elif {'sdist', 'bdist_wheel'} & set(sys.argv):
        mode = 'copy'
    else:
        return

    repo_root = osp.dirname(osp.abspath(__file__))
    mim_root = osp.join(repo_root, 'mmdsad', '.mim')
    os.makedirs(mim_root, exist_ok=True)
    for name in MIM_FILES:
        src = osp.join(repo_root, name)
        dst = osp.join(mim_root, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            try:
                os.symlink(osp.relpath(src, mim_root), dst)
                continue
            except OSError:
                warnings.warn(
                    f'Cannot link {src} to {dst}; copying instead.',
                    stacklevel=2)
        if osp.isdir(src):
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmdsad',
        version=read_version(),
        description='Infrared small target detection with knowledge '
        'distillation (DSAD, FDEP) for mmsegmentation and MMRazor',
        long_description=open('README.md', encoding='utf-8').read(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        python_requires='>=3.8',
        packages=find_packages(exclude=('configs', 'tools', 'tests')),
        include_package_data=True,
        zip_safe=False,
        install_requires=read_requirements('requirements/runtime.txt'),
        extras_require={'tests': read_requirements('requirements/tests.txt')},
    )
