"""What the package holds, read back with pyzipper, and what it refuses to build."""

import datetime as dt
import io
import json

import pytest
import pyzipper

from hogo.export import DEFAULT_OBLIGATIONS_JA, PackageError, build_package, generate_password
from hogo.export.documents import CHECKSUMS_NAME, CUSTODY_NAME, MANIFEST_NAME, OBLIGATIONS_NAME

from .conftest import CREATED, CUSTODY, FRONT, MANIFEST, MARKER, REAR, sha256

UTF8_FLAG = 0x800


def read_all(path, password):
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(password.encode())
        return {info.filename: zf.read(info.filename) for info in zf.infolist()}


def test_result_describes_the_written_file(built):
    data = built.path.read_bytes()
    assert built.result.size == len(data)
    assert built.result.sha256 == sha256(data)
    assert [m.name for m in built.result.members] == [
        OBLIGATIONS_NAME, CUSTODY_NAME, FRONT, REAR, MANIFEST_NAME, CHECKSUMS_NAME]


def test_pyzipper_reads_it_back(built):
    files = read_all(built.path, built.password)
    for member in built.result.members:
        assert sha256(files[member.name]) == member.sha256
    assert files[FRONT] == built.contents[FRONT]
    assert files[REAR] == built.contents[REAR]


def test_every_member_is_aes_256_ae2_and_japanese_names_are_utf8_flagged(built):
    with pyzipper.AESZipFile(built.path) as zf:
        infos = zf.infolist()
    for info in infos:
        assert info.flag_bits & 0x1, info.filename  # encrypted
        assert (info.wz_aes_strength, info.wz_aes_version) == (3, 2), info.filename
        assert info.CRC == 0  # AE-2: no CRC of the plaintext in the clear
        if not info.filename.isascii():
            assert info.flag_bits & UTF8_FLAG, info.filename
    assert infos[2].date_time == (2025, 6, 3, 15, 0, 0)  # created, Japan time


def test_without_the_password_nothing_can_be_read(built):
    with pyzipper.AESZipFile(built.path) as zf:
        with pytest.raises(RuntimeError, match="requires a password"):
            zf.read(FRONT)
        zf.setpassword(b"wrong-password-wrong")
        with pytest.raises(RuntimeError, match="Bad password"):
            zf.read(FRONT)


def test_no_plaintext_in_the_zip_bytes(built):
    data = built.path.read_bytes()
    assert MARKER not in data
    assert "山田".encode() not in data  # the custody summary is encrypted too
    assert "遵守".encode() not in data.replace(OBLIGATIONS_NAME.encode(), b"")


def test_names_and_sizes_are_not_secret(built):
    # A limit of ZIP encryption, stated here so nobody relies on it: names are in the clear.
    assert FRONT.encode() in built.path.read_bytes()
    with pyzipper.AESZipFile(built.path) as zf:
        assert zf.getinfo(FRONT).file_size == len(built.contents[FRONT])


def test_manifest_is_the_callers_dict_plus_the_files(built):
    files = read_all(built.path, built.password)
    manifest = json.loads(files[MANIFEST_NAME].decode("utf-8"))
    assert manifest["purpose"] == MANIFEST["purpose"]
    assert "事故の原因究明".encode() in files[MANIFEST_NAME]  # not \\u-escaped
    assert manifest["requested_range"]["start"] == "2025-06-03T14:10:00+09:00"
    assert manifest["sources"] == MANIFEST["sources"]
    assert manifest["files"] == [
        {"name": name, "size": len(built.contents[name]), "sha256": sha256(built.contents[name])}
        for name in (FRONT, REAR)]
    lines = files[CHECKSUMS_NAME].decode().splitlines()
    assert f"{sha256(built.contents[FRONT])}  {FRONT}" in lines
    assert len(lines) == 5


def test_documents_are_japanese_text_for_windows(built):
    files = read_all(built.path, built.password)
    obligations = files[OBLIGATIONS_NAME]
    assert obligations.startswith(b"\xef\xbb\xbf") and b"\r\n" in obligations
    text = obligations.decode("utf-8-sig")
    assert text.replace("\r\n", "\n") == DEFAULT_OBLIGATIONS_JA
    assert "目的以外の利用及び第三者への無断提供を行わないこと。" in text
    custody = files[CUSTODY_NAME].decode("utf-8-sig")
    assert "2025-06-03 14:00:00 JST（令和7年6月3日）" in custody  # 05:00 UTC
    assert "佐藤 花子（管理責任者）" in custody and "提供を承認（芦屋警察署）" in custody
    assert "2025-06-03 15:00:00 JST" in custody  # the package's creation


def test_callers_obligations_text_replaces_the_default(tmp_path):
    text = "遵守事項\n\n本データは保険金請求の審査にのみ利用してください。\n"
    build_package(tmp_path / "p.zip", [("a.bin", b"x", sha256(b"x"))], manifest={},
                  custody=CUSTODY, obligations_text=text, password="p" * 16, created=CREATED)
    got = read_all(tmp_path / "p.zip", "p" * 16)[OBLIGATIONS_NAME].decode("utf-8-sig")
    assert got.replace("\r\n", "\n") == text


def test_a_data_mismatch_leaves_no_package_at_a_path(tmp_path):
    good, bad = b"good" * 1000, b"tampered" * 1000
    target = tmp_path / "p.zip"
    with pytest.raises(PackageError, match="expected") as caught:
        build_package(target, [("ok.mp4", good, sha256(good)),
                               ("bad.mp4", iter([bad]), sha256(b"original"))],
                      manifest={}, custody=CUSTODY, password=generate_password())
    assert caught.value.member == "bad.mp4"
    assert list(tmp_path.iterdir()) == []  # no package, no temporary file


def test_a_data_mismatch_truncates_a_file_object_sink():
    sink = io.BytesIO(b"HEAD")
    sink.seek(4)
    with pytest.raises(PackageError):
        build_package(sink, [("bad.mp4", b"data", sha256(b"other"))], manifest={},
                      custody=CUSTODY, password=generate_password())
    assert sink.getvalue() == b"HEAD"


def test_a_failing_source_leaves_no_package(tmp_path):
    def broken():
        yield b"some data"
        raise OSError("decryption failed")

    with pytest.raises(OSError, match="decryption failed"):
        build_package(tmp_path / "p.zip", [("a.mp4", broken(), "0" * 64)], manifest={},
                      custody=CUSTODY, password=generate_password())
    assert list(tmp_path.iterdir()) == []


def test_a_file_object_sink_gets_the_same_package():
    sink = io.BytesIO()
    password = generate_password()
    result = build_package(sink, [("a.mp4", b"abc", sha256(b"abc"))], manifest={},
                           custody=CUSTODY, password=password)
    assert result.sha256 == sha256(sink.getvalue()) and result.size == len(sink.getvalue())
    assert read_all(sink, password)["a.mp4"] == b"abc"


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../up.mp4", "a//b.mp4", "a\\b.mp4",
                                  "c:x.mp4", "a\nb", "manifest.json", "遵守事項.TXT"])
def test_unsafe_or_reserved_names_are_refused(tmp_path, name):
    with pytest.raises(PackageError):
        build_package(tmp_path / "p.zip", [(name, b"x", sha256(b"x"))], manifest={},
                      custody=CUSTODY, password=generate_password())
    assert list(tmp_path.iterdir()) == []


def test_names_differing_only_in_case_are_refused(tmp_path):
    items = [("A.mp4", b"x", sha256(b"x")), ("a.mp4", b"x", sha256(b"x"))]
    with pytest.raises(PackageError, match="twice"):
        build_package(tmp_path / "p.zip", items, manifest={}, custody=CUSTODY,
                      password=generate_password())


def test_a_path_is_not_accepted_as_data(tmp_path):
    with pytest.raises(PackageError, match="not a path"):
        build_package(tmp_path / "p.zip", [("a.mp4", tmp_path / "clip.mp4", "0" * 64)],
                      manifest={}, custody=CUSTODY, password=generate_password())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"password": "short"}, "at least 16"),
    ({"password": "ｐａｓｓｗｏｒｄ-ｐａｓｓｗｏｒｄ"}, "ASCII"),
    ({"custody": []}, "at least one event"),
    ({"custody": [(dt.datetime(2025, 6, 3, 14, 0), "a", "b")]}, "aware"),
    ({"obligations_text": " "}, "obligations"),
    ({"manifest": {"files": []}}, "computed"),
])
def test_incomplete_requests_are_refused(tmp_path, kwargs, message):
    arguments = {"manifest": {}, "custody": CUSTODY, "password": generate_password(), **kwargs}
    with pytest.raises(ValueError, match=message):
        build_package(tmp_path / "p.zip", [("a.mp4", b"x", sha256(b"x"))], **arguments)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "p.zip").write_bytes(b"earlier package")
    with pytest.raises(FileExistsError):
        build_package(tmp_path / "p.zip", [("a.mp4", b"x", sha256(b"x"))], manifest={},
                      custody=CUSTODY, password=generate_password())
    assert (tmp_path / "p.zip").read_bytes() == b"earlier package"


def test_a_write_only_sink_is_enough():
    class WriteOnly:  # e.g. a pipe or an upload stream: no tell, no seek
        def __init__(self):
            self.data = bytearray()

        def write(self, chunk):
            self.data += chunk
            return len(chunk)

        def flush(self):
            pass

    sink = WriteOnly()
    password = generate_password()
    result = build_package(sink, [("a.mp4", b"abc", sha256(b"abc"))], manifest={},
                           custody=CUSTODY, password=password)
    assert result.sha256 == sha256(bytes(sink.data))
    assert read_all(io.BytesIO(bytes(sink.data)), password)["a.mp4"] == b"abc"


def test_the_undertaking_cites_the_rule_it_is_given_and_none_otherwise():
    """The provider's own rule comes from its policy profile (through the caller); without
    one the parenthetical is left out, and no other organisation's rule is ever named."""
    from hogo.export.documents import obligations_text

    rule = "デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第10条"
    cited = obligations_text(rule)
    assert f"（{rule}）" in cited.splitlines()
    assert "目的以外の利用及び第三者への無断提供を行わないこと。" in cited
    plain = obligations_text("")
    assert "（" not in plain.splitlines()[3] and "規則" not in plain
    assert plain == DEFAULT_OBLIGATIONS_JA and "芦屋" not in plain + cited
