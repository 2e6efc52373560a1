"""Masks change the pixels inside their boxes, and only those."""

import numpy as np
import pytest

from hogo.redact.masking import KINDS, mask_bgr, mask_i420


def textured(height=120, width=160):
    return np.random.default_rng(3).integers(0, 256, (height, width, 3), np.uint8)


@pytest.mark.parametrize("kind", KINDS)
def test_bgr_mask_changes_inside_only(kind):
    image = textured()
    before = image.copy()
    mask_bgr(image, [(40.2, 30.7, 100.0, 90.0)], kind)
    inside = (slice(31, 90), slice(41, 100))
    outside = np.ones(image.shape[:2], bool)
    outside[30:90, 40:100] = False
    assert np.abs(image[inside].astype(int) - before[inside]).mean() > 30
    assert (image[outside] == before[outside]).all()
    # the masked face keeps no detail: far fewer distinct values than the texture had
    assert len(np.unique(image[inside][..., 0])) < len(np.unique(before[inside][..., 0])) / 2


def test_solid_is_black_and_boxes_are_clipped_to_the_picture():
    image = textured()
    mask_bgr(image, [(-20, -20, 30, 30)], "solid")
    assert (image[:30, :30] == 0).all()
    assert image[30:, 30:].any()


@pytest.mark.parametrize("kind", KINDS)
def test_i420_mask_changes_luma_and_chroma_inside_only(kind):
    width, height = 160, 120
    planes = np.random.default_rng(4).integers(0, 256, (height * 3 // 2, width), np.uint8)
    before = planes.copy()
    mask_i420(planes, width, height, [(40, 40, 104, 88)], kind)
    luma, luma_before = planes[:height], before[:height]
    assert np.abs(luma[40:88, 40:104].astype(int) - luma_before[40:88, 40:104]).mean() > 30
    luma_outside = np.ones((height, width), bool)
    luma_outside[40:88, 40:104] = False
    assert (luma[luma_outside] == luma_before[luma_outside]).all()
    u = planes.reshape(-1)[width * height:width * height * 5 // 4].reshape(height // 2,
                                                                           width // 2)
    u_before = before.reshape(-1)[width * height:width * height * 5 // 4].reshape(
        height // 2, width // 2)
    assert np.abs(u[20:44, 20:52].astype(int) - u_before[20:44, 20:52]).mean() > 30
    assert (u[:20] == u_before[:20]).all()


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="mask must be one of"):
        mask_bgr(textured(), [(0, 0, 10, 10)], "pixelate")
