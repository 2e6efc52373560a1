import datetime as dt

import pytest

from hogo.video.naming import JST, PROFILES, NameInfo, parse_name, sidecar_for


def at(hour: int, minute: int, second: int, day: int = 3) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, minute, second, tzinfo=JST)


@pytest.mark.parametrize(
    ("path", "channel"),
    [
        ("20250603_141500_F.mp4", "front"),
        ("20250603_141500_R.MP4", "rear"),
        ("20250603_141500_L.mp4", "left"),
        ("20250603_141500_RI.mp4", "right"),
        ("20250603_141500_rt.mp4", "right"),
        ("20250603_141500_I.mp4", "cabin"),
        ("20250603_141500_IN.mov", "cabin"),
        ("20250603_141500_front.mp4", "front"),
        ("20250603-141500_Rear.mp4", "rear"),
        ("DCIM/Movie/20250603_141500_F.mp4", "front"),
        ("Event\\20250603_141500_F.MP4", "front"),
    ],
)
def test_flat_names(path, channel):
    assert parse_name("flat", path) == NameInfo(at(14, 15, 0), channel)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2025-06-03/141500_front.mp4", NameInfo(at(14, 15, 0), "front")),
        ("2025-06-03/235959_REAR.MP4", NameInfo(at(23, 59, 59), "rear")),
        ("20250603/141500_F.mp4", NameInfo(at(14, 15, 0), "front")),
        ("20250603/F/141500.MP4", NameInfo(at(14, 15, 0), "front")),
        ("20250604/r/000001.mp4", NameInfo(at(0, 0, 1, day=4), "rear")),
        ("DCIM/2025-06-03/IN/141500.mp4", NameInfo(at(14, 15, 0), "cabin")),
    ],
)
def test_date_folder_names(path, expected):
    assert parse_name("date_folders", path) == expected


def test_the_start_is_japanese_time():
    start = parse_name("flat", "20250603_000500_F.mp4").start
    assert start.utcoffset() == dt.timedelta(hours=9)
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 6, 2, 15, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("profile", "path"),
    [
        ("flat", "20250603_141500_X.mp4"),  # unknown camera letter
        ("flat", "20250603_141500.mp4"),  # no camera at all
        ("flat", "20251303_141500_F.mp4"),  # month 13
        ("flat", "20250603_246000_F.mp4"),  # no such time
        ("flat", "20250603_141500_F.nmea"),  # a sidecar, not a clip
        ("flat", "holiday.mp4"),
        ("flat", "2025-06-03/141500_front.mp4"),  # the other profile's convention
        ("date_folders", "20250603_141500_F.mp4"),  # no day folder
        ("date_folders", "2025-06/141500_front.mp4"),  # not a day
        ("date_folders", "2025-0603/141500_front.mp4"),  # mixed date forms
        ("date_folders", "2025-06-03/Q/141500.mp4"),  # unknown channel folder
        ("date_folders", "141500_front.mp4"),
    ],
)
def test_unrecognised_names_give_none(profile, path):
    assert parse_name(profile, path) is None


def test_an_unknown_profile_is_a_programming_error():
    with pytest.raises(ValueError, match="flat"):
        parse_name("viofo", "20250603_141500_F.mp4")


def test_every_profile_parses_its_own_examples():
    for profile in PROFILES.values():
        for example in profile.examples:
            assert parse_name(profile.key, example) is not None, example


def test_sidecar_beside_the_clip_in_either_case(tmp_path):
    clip = tmp_path / "20250603_141500_F.MP4"
    clip.touch()
    assert sidecar_for(clip) is None
    (tmp_path / "20250603_141500_F.NMEA").touch()
    assert sidecar_for(clip).name.lower() == "20250603_141500_f.nmea"


def test_one_sidecar_shared_by_every_camera(tmp_path):
    (tmp_path / "20250603_141500.nmea").touch()
    for suffix in ("F", "R"):
        clip = tmp_path / f"20250603_141500_{suffix}.mp4"
        assert sidecar_for(clip) == tmp_path / "20250603_141500.nmea"


def test_sidecar_in_the_day_folder_above_a_channel_folder(tmp_path):
    (tmp_path / "F").mkdir()
    (tmp_path / "141500.nmea").touch()
    assert sidecar_for(tmp_path / "F" / "141500.mp4") == tmp_path / "141500.nmea"
