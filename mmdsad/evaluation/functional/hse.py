"""HSE: a multi-threshold score of pixel quality and target robustness.

FDEP (arXiv 2512.05511) names HSE "multi-threshold integral evaluation at
both pixel-level confidence and target-level robustness" but does not
publish its formula. **This is mmdsad's own definition**
(docs/paper-spec.md §2.2), not the paper's: over probability thresholds T,

* pixel term    P = mean over t in T of (IoU(t) + nIoU(t)) / 2,
* target term   R = mean over t in T of Pd(t) * (1 - min(1, Fa(t) / Fa_ref)),
* HSE = (P + R) / 2,

with IoU, nIoU, Pd and Fa as fractions (Fa per pixel), so P, R and HSE lie
in [0, 1]. A threshold whose false-alarm rate reaches ``Fa_ref`` contributes
nothing to R however many targets it finds.
"""
from numbers import Real
from typing import Dict, Mapping, Sequence

# Thresholds 0.05, 0.10, ..., 0.95 on the sigmoid probability.
DEFAULT_HSE_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))
DEFAULT_FA_REF = 1e-4


def check_fa_ref(fa_ref: float) -> float:
    """Validate the reference false-alarm rate of HSE.

    Args:
        fa_ref (float): False-alarm rate per pixel (a fraction, e.g. 1e-4)
            at which a threshold's target term drops to zero.

    Returns:
        float: ``fa_ref`` as a float.
    """
    if isinstance(fa_ref, bool) or not isinstance(fa_ref, Real) or not (
            0 < fa_ref < float('inf')):
        raise ValueError('hse_fa_ref must be a positive false-alarm rate per '
                         f'pixel (e.g. 1e-4), got {fa_ref!r}.')
    return float(fa_ref)


def hse_scores(summaries: Sequence[Mapping[str, float]],
               fa_ref: float = DEFAULT_FA_REF) -> Dict[str, float]:
    """HSE and its two terms (mmdsad's definition, see the module).

    Args:
        summaries (Sequence[Mapping[str, float]]): One entry per HSE
            threshold, as :func:`summarize_counts` returns it: ``IoU``,
            ``nIoU``, ``Pd`` and ``Fa`` as fractions.
        fa_ref (float): Reference false-alarm rate per pixel.
            Defaults to 1e-4.

    Returns:
        dict[str, float]: ``HSE``, ``HSE_pixel`` (P) and ``HSE_target`` (R),
        fractions in [0, 1].
    """
    if len(summaries) == 0:
        raise ValueError('HSE needs at least one threshold.')
    fa_ref = check_fa_ref(fa_ref)
    pixel = sum((s['IoU'] + s['nIoU']) / 2
                for s in summaries) / len(summaries)
    target = sum(s['Pd'] * (1 - min(1.0, s['Fa'] / fa_ref))
                 for s in summaries) / len(summaries)
    return dict(HSE=(pixel + target) / 2, HSE_pixel=pixel, HSE_target=target)
