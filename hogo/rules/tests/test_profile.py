"""Policy profiles: every shipped profile is valid, and a bad one is refused naming the field."""

import tomllib
from pathlib import Path

import pytest

from hogo.rules.profile import ProfileError, load_profile, load_profiles, parse_profile

PROFILES = Path(__file__).resolve().parents[1] / "profiles"


def city_data() -> dict:
    return tomllib.loads((PROFILES / "city.toml").read_text(encoding="utf-8"))


def test_shipped_profiles_cover_every_kind():
    profiles = load_profiles(PROFILES)
    assert {p.kind for p in profiles.values()} == {
        "city", "transport_bureau", "bus_taxi_operator", "driving_school"}


@pytest.mark.parametrize(("key", "threshold", "association", "public"), [
    ("city", 100, False, True),
    ("transport_bureau", 100, False, True),
    ("bus_taxi_operator", 1000, False, False),
    ("driving_school", 1000, True, False),
])
def test_profile_defaults_follow_the_organisation_type(key, threshold, association, public):
    profile = load_profile(PROFILES / f"{key}.toml")
    assert profile.value("incidents.reporting_threshold") == threshold
    assert profile.value("incidents.association_report") is association
    assert profile.is_public_body is public
    assert profile.value("copies.retention_months") == 12
    assert profile.value("requests.fees.correction") == 0


def test_driving_school_charges_1000_yen_per_disclosure():
    profile = load_profile(PROFILES / "driving_school.toml")
    assert profile.value("requests.fees.disclosure") == 1000


def test_city_permitted_uses_are_ashiya_article_8():
    profile = load_profile(PROFILES / "city.toml")
    assert [u.code for u in profile.permitted_uses] == ["accident_investigation",
                                                         "accident_evidence"]


@pytest.mark.parametrize("key", ["city", "transport_bureau", "bus_taxi_operator",
                                 "driving_school"])
def test_training_material_is_declared_as_an_unlisted_use(key):
    """The request form offers it (to refuse it with the reason); it is never permitted."""
    profile = load_profile(PROFILES / f"{key}.toml")
    assert [u.code for u in profile.unlisted_uses] == ["training_material"]
    use = profile.unlisted_uses[0]
    assert use.label(None) == "研修・教材として使用"
    assert use.label("en") == "Use as training material"
    assert "training_material" not in {u.code for u in profile.permitted_uses}
    overridden = profile.with_overrides({"copies.max_range_minutes": 45})
    assert overridden.unlisted_uses == profile.unlisted_uses


def test_unlisted_uses_may_be_left_out():
    data = city_data()
    data["copies"].pop("unlisted_uses")
    assert parse_profile(data, "city.toml").unlisted_uses == ()


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda d: d["incidents"].pop("reporting_threshold"), "incidents.reporting_threshold"),
    (lambda d: d["incidents"].update(reporting_threshold="100"), "incidents.reporting_threshold"),
    (lambda d: d["incidents"].update(final_report_days=31), "incidents.final_report_days"),
    (lambda d: d["requests"]["fees"].update(correction=500), "requests.fees.correction"),
    (lambda d: d.update(kind="driving_school"), "kind"),
    (lambda d: d.update(organisation_type="ngo"), "organisation_type"),
    (lambda d: d["copies"].update(retention_month=12), "copies.retention_month"),
    (lambda d: d["copies"]["permitted_uses"][0].pop("label_ja"),
     "copies.permitted_uses[0].label_ja"),
    (lambda d: d["copies"]["unlisted_uses"][0].pop("label_en"),
     "copies.unlisted_uses[0].label_en"),
    (lambda d: d["copies"]["unlisted_uses"][0].update(source="x"),
     "copies.unlisted_uses[0].source"),
    (lambda d: d["copies"]["unlisted_uses"][0].update(code="accident_evidence"),
     "copies.unlisted_uses[0].code"),
    (lambda d: d["copies"].update(unlisted_uses="training_material"), "copies.unlisted_uses"),
])
def test_invalid_profile_names_the_field(mutate, field):
    data = city_data()
    mutate(data)
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "city.toml")
    assert caught.value.field == field
    assert field in str(caught.value)


def test_overrides_are_checked_like_the_file():
    profile = load_profile(PROFILES / "city.toml")
    changed = profile.with_overrides({"incidents.preliminary_report_days": 5})
    assert changed.value("incidents.preliminary_report_days") == 5
    assert profile.value("incidents.preliminary_report_days") == 3
    with pytest.raises(ProfileError, match="requests.fees.suspension"):
        profile.with_overrides({"requests.fees.suspension": 300})
    with pytest.raises(ProfileError, match="not a setting"):
        profile.with_overrides({"copies.colour": "red"})


def test_invalid_toml_names_the_file(tmp_path):
    bad = tmp_path / "city.toml"
    bad.write_text("key = ", encoding="utf-8")
    with pytest.raises(ProfileError, match="city.toml"):
        load_profile(bad)


def test_key_must_match_file_name(tmp_path):
    other = tmp_path / "town.toml"
    other.write_text((PROFILES / "city.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ProfileError, match="key"):
        load_profile(other)


def test_an_organisations_own_permitted_uses_replace_the_files_and_are_checked():
    from hogo.rules.profile import PERMITTED_USES_PATH

    profile = load_profile(PROFILES / "city.toml")
    own = [*profile.permitted_uses_data(),
           {"code": "inquiry", "label_ja": "照会への回答", "label_en": "Answering an inquiry",
            "source": "{main}第8条第3号"}]
    changed = profile.with_overrides({PERMITTED_USES_PATH: own})
    assert [u.code for u in changed.permitted_uses][-1] == "inquiry"
    assert changed.use_source(changed.permitted_uses[-1], "デモ市").endswith("規則第8条第3号")
    assert [u.code for u in profile.permitted_uses][-1] == "accident_evidence"  # unchanged
    for broken, field in [([], PERMITTED_USES_PATH),
                          ([{**own[0], "extra": "x"}], f"{PERMITTED_USES_PATH}[0].extra"),
                          ([{**own[0], "code": "training_material"}],
                           f"{PERMITTED_USES_PATH}[0].code")]:
        with pytest.raises(ProfileError) as error:
            profile.with_overrides({PERMITTED_USES_PATH: broken})
        assert error.value.field == field


def test_the_version_is_shown_in_words():
    assert load_profile(PROFILES / "city.toml").version_label.endswith("版")
