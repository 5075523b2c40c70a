"""Input check shared by the losses on one-logit-channel maps."""
from torch import Tensor


def check_logit_pair(loss: str, preds_S: Tensor, preds_T: Tensor,
                     hint: str = '') -> None:
    """Refuse logits that are not one-channel maps of equal shape.

    Args:
        loss (str): The loss's name, for the message.
        preds_S (Tensor): Student-side logits, expected (N, 1, H, W).
        preds_T (Tensor): Teacher logits, expected the same shape.
        hint (str): What to fix, appended to the message.

    Raises:
        ValueError: The shapes differ or have more than one channel.
    """
    if preds_S.shape != preds_T.shape or preds_S.shape[1] != 1:
        raise ValueError(
            f'{loss}: expects one-channel logits of equal shape '
            f'(N, 1, H, W); got {tuple(preds_S.shape)} and '
            f'{tuple(preds_T.shape)}. {hint}'.rstrip())
