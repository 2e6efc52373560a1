"""Find originals by vehicle, camera and time; see a day per vehicle on a timeline."""

import datetime as dt

from hogo.clock import JST
from hogo.footage.ingest import ingest_file
from hogo.footage.search import Criteria, find_segments
from hogo.footage.tracks import track_of


def test_search_by_vehicle_and_time_range(recorder, clips, user):
    for clip in clips:
        ingest_file(recorder, clip, clip.name, by="test")
    department = recorder.vehicle.department_id
    found = find_segments(Criteria(
        department_ids=(department,), vehicle_id=recorder.vehicle_id, channel="front",
        start=dt.datetime(2025, 6, 3, 14, 1, 2, tzinfo=JST),
        end=dt.datetime(2025, 6, 3, 14, 2, 30, tzinfo=JST)))
    assert [s.original_name for s in found] == [clips[1].name, clips[2].name]
    other_department = find_segments(Criteria(department_ids=(department + 999,)))
    assert not other_department.exists()


def test_search_page_and_timeline(client_for, recorder, clips):
    for clip in clips[:2]:
        ingest_file(recorder, clip, clip.name, by="test")
    client = client_for("operator")
    page = client.get("/footage/", {"vehicle": recorder.vehicle_id,
                                    "start": "2025-06-03T13:00", "end": "2025-06-03T15:00"})
    body = page.content.decode()
    assert clips[0].name not in body  # names are not shown, times are
    assert body.count('href="/footage/segments/') == 2 and "令和7年6月3日 14:00:00" in body
    timeline = client.get(f"/footage/vehicles/{recorder.vehicle_id}/timeline/",
                          {"day": "2025-06-03"}).content.decode()
    assert timeline.count('class="bar') == 2


def test_gps_area_search(recorder, clips, tmp_path):
    from hogo.video.synth import make_nmea_track

    start = dt.datetime(2025, 6, 3, 14, 0, tzinfo=JST)
    track = make_nmea_track(tmp_path / "20250603_140000.nmea", start, 5,
                            origin=(34.7266, 135.3036))
    ingest_file(recorder, track, track.name, by="test")
    segment = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
    segment.refresh_from_db()
    assert track_of(segment) and 34.72 < segment.min_lat < 34.73
    inside = Criteria(department_ids=(recorder.vehicle.department_id,),
                      min_lat=34.7, max_lat=34.8, min_lon=135.2, max_lon=135.4)
    outside = Criteria(department_ids=(recorder.vehicle.department_id,),
                       min_lat=35.0, max_lat=35.1, min_lon=135.2, max_lon=135.4)
    assert segment in find_segments(inside) and segment not in find_segments(outside)
