import datetime as dt

import pytest

from hogo.video.nmea import BoundingBox, TrackPoint, bounding_box, checksum, parse_nmea, read_nmea


def sentence(body: str) -> str:
    return f"${body}*{checksum(body)}"


RMC = "GPRMC,051500.00,A,3443.5960,N,13518.2160,E,16.2,90.0,030625,,,A"
GGA = "GNGGA,051501.00,3443.5960,N,13518.2260,E,1,08,0.9,12.0,M,34.0,M,,"


def test_the_checksum_of_a_textbook_sentence():
    body = "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"
    assert checksum(body) == "47"


def test_rmc_and_gga_become_dated_utc_points():
    track = parse_nmea("\r\n".join([sentence(RMC), sentence(GGA)]))
    first, second = track.points
    assert first.time == dt.datetime(2025, 6, 3, 5, 15, 0, tzinfo=dt.UTC)
    assert first.lat == pytest.approx(34 + 43.596 / 60)
    assert first.lon == pytest.approx(135 + 18.216 / 60)
    assert first.speed_kmh == pytest.approx(16.2 * 1.852)
    assert second.time == dt.datetime(2025, 6, 3, 5, 15, 1, tzinfo=dt.UTC)
    assert second.speed_kmh is None  # GGA carries no speed
    assert track.bad == 0


def test_bad_checksums_and_broken_lines_are_skipped_and_counted():
    good = sentence(RMC)
    wrong = good[:-2] + ("00" if not good.endswith("00") else "01")
    text = "\n".join([
        good,
        wrong,
        f"${RMC}",  # no checksum at all
        sentence("GPRMC,0515,A,34,N,135,E,,,030625,,,A"),  # fields malformed
        good[:30],  # the recorder lost power mid-line
        "",
        "not a sentence",
    ])
    track = parse_nmea(text)
    assert len(track.points) == 1
    assert track.bad == 4


def test_sentences_without_a_fix_are_counted_not_plotted():
    void = "GPRMC,051500.00,V,,,,,,,030625,,,N"
    no_fix = "GPGGA,051501.00,,,,,0,00,99.9,,,,,,"
    track = parse_nmea("\n".join([sentence(void), sentence(no_fix)]))
    assert track.points == () and track.no_fix == 2 and track.bad == 0


def test_southern_and_western_hemispheres_are_negative():
    body = "GPRMC,120000,A,3351.0000,S,15112.0000,W,0.0,0.0,010125,,,A"
    (point,) = parse_nmea(sentence(body)).points
    assert point.lat == pytest.approx(-33.85) and point.lon == pytest.approx(-151.2)


def test_gga_after_midnight_takes_the_next_date():
    rmc = "GPRMC,235959.00,A,3443.5960,N,13518.2160,E,0.0,0.0,030625,,,A"
    gga = "GPGGA,000000.00,3443.5960,N,13518.2160,E,1,08,0.9,12.0,M,34.0,M,,"
    times = [p.time for p in parse_nmea(f"{sentence(rmc)}\n{sentence(gga)}").points]
    assert times[-1] == dt.datetime(2025, 6, 4, 0, 0, tzinfo=dt.UTC)


def test_gga_alone_needs_a_day_to_be_dated():
    assert parse_nmea(sentence(GGA)).undated == 1
    (point,) = parse_nmea(sentence(GGA), day=dt.date(2025, 6, 3)).points
    assert point.time == dt.datetime(2025, 6, 3, 5, 15, 1, tzinfo=dt.UTC)


def test_a_sidecar_file_with_stray_bytes_still_parses(tmp_path):
    sidecar = tmp_path / "20250603_141500_F.NMEA"
    damaged = sentence(GGA).replace("3443", "34\xff3").encode("latin-1")
    sidecar.write_bytes(b"\r\n".join([sentence(RMC).encode(), damaged, b"\xfe\xff", b""]))
    track = read_nmea(sidecar)
    assert len(track.points) == 1 and track.bad == 1


def test_bounding_box_of_a_track():
    points = [TrackPoint(dt.datetime(2025, 6, 3, tzinfo=dt.UTC), lat, lon)
              for lat, lon in [(34.72, 135.30), (34.75, 135.28), (34.71, 135.33)]]
    box = bounding_box(points)
    assert box == BoundingBox(south=34.71, west=135.28, north=34.75, east=135.33)
    assert box.contains(34.73, 135.31) and not box.contains(34.80, 135.31)
    assert bounding_box([]) is None
