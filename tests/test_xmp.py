"""XMP sidecars: written for other programs, read back by readers that are not exiv2, other
programs' data kept, keywords already in the photos imported, photo files never touched."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resnet_desktop.core import atomic, xmp
from resnet_desktop.core.classify import Prediction
from resnet_desktop.core.library import Library
from resnet_desktop.core.pipeline import Indexer
from tests import xmp_readers
from tests.fakes import ColourClassifier, make_photo

REPO = Path(__file__).resolve().parents[1]

# A sidecar as Lightroom / darktable / digiKam leave them: rating, label, title in two
# languages, description, creator, their own keywords (flat and hierarchical), a face
# region, edit history and a darktable processing history.
OTHER_PROGRAMS = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
    xmlns:darktable="http://darktable.sf.net/"
    xmp:Rating="4" xmp:Label="Red" exif:DateTimeOriginal="2024-05-01T12:00:00+02:00"
    photoshop:City="Paris" darktable:history_end="1">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Sunset over the Seine</rdf:li>
     <rdf:li xml:lang="fr-FR">Coucher de soleil</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Evening walk</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>Ann Example</rdf:li></rdf:Seq></dc:creator>
   <dc:subject><rdf:Bag><rdf:li>Paris</rdf:li><rdf:li>holiday</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|France|Paris</rdf:li>
     <rdf:li>Events|holiday</rdf:li></rdf:Bag></lr:hierarchicalSubject>
   <xmpMM:History><rdf:Seq><rdf:li stEvt:action="saved" stEvt:when="2024-05-02T10:00:00+02:00"
     stEvt:softwareAgent="Adobe Lightroom"/></rdf:Seq></xmpMM:History>
   <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description
     mwg-rs:Name="Ann" mwg-rs:Type="Face"><mwg-rs:Area stArea:x="0.5" stArea:y="0.4" stArea:w="0.1"
     stArea:h="0.2"/></rdf:Description></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
   <darktable:history><rdf:Seq><rdf:li darktable:operation="exposure" darktable:enabled="1"/>
     </rdf:Seq></darktable:history>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
"""
OUR_KEYS = {"dc:subject", "lr:hierarchicalSubject", "digiKam:TagsList"}


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix.lower() in (".jpg", ".png", ".tif")
    }


def _add(lib: Library, path: Path, preds, model: str = "resnet18") -> int:
    st = path.stat()
    [photo_id] = lib.add_pending([(path, st.st_size, st.st_mtime_ns)])
    lib.save_result(
        photo_id,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        content_hash=hashlib.md5(path.read_bytes()).hexdigest(),
        width=320,
        height=240,
        taken_at=None,
        camera=None,
        model=model,
        predictions=[Prediction(i + 1, c, label, p) for i, (c, label, p) in enumerate(preds)],
        embedding=None,
    )
    return photo_id


CAT = [(282, "tiger cat", 0.81), (281, "tabby", 0.12), (285, "Egyptian cat", 0.05)]
DOG = [(207, "golden retriever", 0.9), (208, "Labrador retriever", 0.06), (222, "kuvasz", 0.02)]


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "Photos"
    make_photo(folder / "cat.jpg", (200, 30, 30))
    make_photo(folder / "dog.png", (30, 200, 30))
    return folder


@pytest.fixture
def lib(tmp_path, photos):
    library = Library(tmp_path / "lib.sqlite3")
    _add(library, photos / "cat.jpg", CAT)
    _add(library, photos / "dog.png", DOG)
    yield library
    library.close()


def _id(lib: Library, path: Path) -> int:
    return lib.get_by_path(path).id


def test_sidecars_hold_tags_and_labels_as_other_readers_see_them(lib, photos):
    cat = _id(lib, photos / "cat.jpg")
    lib.set_user_tags(cat, add=["Holiday 2024"], remove=["tabby"])
    before = _digest(photos)

    report = xmp.write_sidecars(lib, lib.ids(), min_confidence=0.1)

    assert (report.written, report.problems) == (2, [])
    seen = xmp_readers.keywords(photos / "cat.jpg.xmp")
    # the person's tags and the labels at or above the threshold; the removed label is gone
    assert seen["subject"] == ["Holiday 2024", "tiger cat"]
    assert seen["hierarchical"] == ["Holiday 2024", "auto|Animals|Cats|tiger cat"]
    assert seen["tagslist"] == ["Holiday 2024", "auto/Animals/Cats/tiger cat"]
    # every label the person did not remove, with its confidence and model
    assert [
        (lb["resnetDesktop:Label"], lb["resnetDesktop:Confidence"], lb["resnetDesktop:Model"])
        for lb in seen["labels"]
    ] == [
        ("tiger cat", "0.8100", "resnet18"),
        ("Egyptian cat", "0.0500", "resnet18"),
    ]
    dog = xmp_readers.keywords(photos / "dog.png.xmp")
    assert dog["subject"] == ["golden retriever"]
    assert dog["hierarchical"] == ["auto|Animals|Dogs|golden retriever"]
    assert _digest(photos) == before


def test_existing_sidecar_keeps_every_field_of_other_programs(lib, photos):
    sidecar = photos / "cat.jpg.xmp"
    sidecar.write_text(OTHER_PROGRAMS, encoding="utf-8")
    original = xmp_readers.read_with_xml(sidecar)
    original_exiftool = xmp_readers.read_with_exiftool(sidecar) if xmp_readers.exiftool() else None

    xmp.write_sidecars(lib, [_id(lib, photos / "cat.jpg")])

    after = xmp_readers.read_with_xml(sidecar)
    for key, value in original.items():
        if key not in OUR_KEYS:
            assert after[key] == value, key
    assert after["xmp:Rating"] == "4" and after["dc:title"]["fr-FR"] == "Coucher de soleil"
    assert after["mwg-rs:Regions"]["mwg-rs:RegionList"][0]["mwg-rs:Name"] == "Ann"
    # their keywords first, in their order, then ours
    assert after["dc:subject"] == ["Paris", "holiday", "tiger cat"]
    assert after["lr:hierarchicalSubject"] == [
        "Places|France|Paris",
        "Events|holiday",
        "auto|Animals|Cats|tiger cat",
    ]
    if original_exiftool is not None:
        now = xmp_readers.read_with_exiftool(sidecar)
        ours = ("XMP-dc:Subject", "XMP-lr:", "XMP-digiKam:", "XMP-resnetDesktop:", "XMP-x:XMPToolkit")
        for key, value in original_exiftool.items():
            if not key.startswith(ours):
                assert now.get(key) == value, key


def test_second_write_and_new_labels_replace_ours_without_duplicates(lib, photos):
    cat = _id(lib, photos / "cat.jpg")
    sidecar = photos / "cat.jpg.xmp"
    sidecar.write_text(OTHER_PROGRAMS, encoding="utf-8")
    xmp.write_sidecars(lib, [cat])
    first = sidecar.read_bytes()

    again = xmp.write_sidecars(lib, [cat])
    assert (again.written, again.unchanged) == (0, 1)
    assert sidecar.read_bytes() == first

    # the model changes its mind and the person adds a tag: ours are replaced, theirs stay
    st = (photos / "cat.jpg").stat()
    lib.save_result(
        cat, size=st.st_size, mtime_ns=st.st_mtime_ns, content_hash="h", width=1, height=1,
        taken_at=None, camera=None, model="efficientnet_lite0",
        predictions=[Prediction(1, 281, "tabby", 0.7), Prediction(2, 282, "tiger cat", 0.1)], embedding=None,
    )  # fmt: skip
    lib.set_user_tags(cat, add=["Paris"])
    xmp.write_sidecars(lib, [cat])
    xmp.write_sidecars(lib, [cat])
    seen = xmp_readers.keywords(sidecar)
    assert seen["subject"] == ["Paris", "holiday", "tabby"]
    assert seen["hierarchical"] == [
        "Places|France|Paris",
        "Events|holiday",
        "Paris",
        "auto|Animals|Cats|tabby",
    ]
    assert [lb["resnetDesktop:Model"] for lb in seen["labels"]] == ["efficientnet_lite0"] * 2


def test_only_sidecars_with_other_programs_data_wait_for_the_disk(lib, photos, monkeypatch):
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    (photos / "cat.jpg.xmp").write_text(OTHER_PROGRAMS, encoding="utf-8")
    xmp.write_sidecars(lib, lib.ids())
    assert len(synced) == 1  # the other program's sidecar; our new one for dog.png is not synced
    lib.set_user_tags(_id(lib, photos / "dog.png"), add=["Rex"])
    xmp.write_sidecars(lib, lib.ids())
    assert len(synced) == 1  # an update of a sidecar holding only ours is not synced either


def test_a_file_that_failed_to_read_gets_no_sidecar(lib, photos):
    broken = photos / "x.jpg"
    broken.write_text("not a photo")
    (photo_id,) = lib.add_pending([(broken, broken.stat().st_size, broken.stat().st_mtime_ns)])
    lib.save_failure(photo_id, "not an image (unrecognised format)")
    report = xmp.write_sidecars(lib, lib.ids())
    assert not (photos / "x.jpg.xmp").exists()
    assert (photos / "cat.jpg.xmp").exists() and report.written == 2


def test_stem_style_names_the_sidecar_like_lightroom(lib, photos):
    xmp.write_sidecars(lib, lib.ids(), style="stem")
    assert (photos / "cat.xmp").is_file() and (photos / "dog.xmp").is_file()
    assert not (photos / "cat.jpg.xmp").exists()
    assert xmp_readers.keywords(photos / "cat.xmp")["subject"] == ["tiger cat"]


def test_stem_style_never_gives_two_photos_one_sidecar(lib, photos):
    twin = make_photo(photos / "cat.png", (200, 30, 30))
    _add(lib, twin, DOG)
    xmp.write_sidecars(lib, lib.ids(), style="stem")
    assert xmp_readers.keywords(photos / "cat.jpg.xmp")["subject"] == ["tiger cat"]
    assert xmp_readers.keywords(photos / "cat.png.xmp")["subject"] == ["golden retriever"]
    assert not (photos / "cat.xmp").exists() and (photos / "dog.xmp").is_file()


def _embed_keywords(path: Path, iptc: list[str], subject: list[str], hierarchical: list[str]) -> None:
    """Make a photo as a camera app or another organizer leaves it (test set-up only)."""
    import exiv2

    image = exiv2.ImageFactory.open(str(path))
    image.readMetadata()
    data = image.iptcData()
    for word in iptc:
        data.add(exiv2.IptcKey("Iptc.Application2.Keywords"), exiv2.StringValue(word))
    xmp_data = image.xmpData()
    for key, words in (("Xmp.dc.subject", subject), ("Xmp.lr.hierarchicalSubject", hierarchical)):
        value = exiv2.XmpArrayValue(exiv2.TypeId.xmpBag)
        for word in words:
            value.read(word)
        xmp_data.add(exiv2.XmpKey(key), value)
    image.writeMetadata()


def test_keywords_in_photos_and_sidecars_become_the_persons_tags(tmp_path):
    folder = tmp_path / "Trip"
    photo = make_photo(folder / "beach.jpg", (30, 30, 200))
    _embed_keywords(
        photo, ["sea", "Brittany"], ["sea", "sunset"], ["Places|France|Brittany", "Events|Trip 2023"]
    )
    other = make_photo(folder / "plain.jpg", (200, 30, 30))
    (folder / "plain.jpg.xmp").write_text(OTHER_PROGRAMS, encoding="utf-8")
    before = _digest(folder)

    classifier = ColourClassifier()
    summary = Indexer(tmp_path / "lib.sqlite3", lambda: classifier, decode_threads=1).run([folder])

    assert summary.indexed == 2 and summary.sidecar_problems == []
    with Library(tmp_path / "lib.sqlite3") as lib:
        beach = {t.tag: t.source for t in lib.tags(_id(lib, photo))}
        for word in ("sea", "Brittany", "sunset", "Trip 2023"):
            assert beach[word] == "user"
        plain = {t.tag for t in lib.tags(_id(lib, other)) if t.source == "user"}
        assert {"Paris", "holiday"} <= plain
        # searched like any other tag
        assert [r.name for r in lib.photos(search="Brittany")] == ["beach.jpg"]
    assert _digest(folder) == before


def test_a_changed_sidecar_alone_is_reread_without_the_model(tmp_path):
    folder = tmp_path / "Photos"
    photo = make_photo(folder / "a.jpg", (200, 30, 30))
    classifier = ColourClassifier()
    indexer = Indexer(tmp_path / "lib.sqlite3", lambda: classifier, decode_threads=1)
    indexer.run([folder])
    inferred = list(classifier.batches)
    with Library(tmp_path / "lib.sqlite3") as lib:
        xmp.write_sidecars(lib, lib.ids())
    # our own write is not a change to re-read
    summary = indexer.run([folder])
    assert (summary.unchanged, summary.sidecars_reread) == (1, 0)

    # another program adds a keyword to the sidecar
    sidecar = folder / "a.jpg.xmp"
    text = sidecar.read_text(encoding="utf-8")
    sidecar.write_text(
        text.replace("<rdf:li>tabby</rdf:li>", "<rdf:li>tabby</rdf:li><rdf:li>Grandma's cat</rdf:li>", 1)
    )
    summary = indexer.run([folder])

    assert (summary.unchanged, summary.indexed, summary.retagged, summary.sidecars_reread) == (1, 0, 0, 1)
    assert classifier.batches == inferred  # the model did not run again
    with Library(tmp_path / "lib.sqlite3") as lib:
        tags = {t.tag: t.source for t in lib.tags(_id(lib, photo))}
    assert tags["Grandma's cat"] == "user"
    assert tags["tabby"] == "auto"  # our own label in the sidecar is not taken for the person's


def test_imported_keywords_never_override_a_persons_decision(lib, photos):
    cat = _id(lib, photos / "cat.jpg")
    lib.set_user_tags(cat, remove=["Paris"])
    (photos / "cat.jpg.xmp").write_text(OTHER_PROGRAMS, encoding="utf-8")
    report = xmp.read_keywords(lib, [cat])
    tags = {t.tag for t in lib.tags(cat)}
    assert "holiday" in tags and "Paris" not in tags
    assert report.tags_added == 1  # "holiday"; "Paris" was removed here and stays removed


def test_read_only_folder_goes_to_the_mirror(lib, photos, tmp_path, monkeypatch):
    """Simulated: as root, chmod does not stop writes, so os.access is made to say the
    photos' folder is read-only (what it says on a read-only mount or share)."""
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if Path(p) == photos else real_access(p, mode, **kw)
    )
    before = _digest(photos)

    report = xmp.write_sidecars(lib, lib.ids())
    assert report.written == 0 and len(report.problems) == 2
    assert "read-only" in report.problems[0][1] and "mirror" in report.problems[0][1]

    mirror = tmp_path / "Mirror"
    report = xmp.write_sidecars(lib, lib.ids(), mirror=mirror)
    assert (report.written, report.mirrored, report.problems) == (2, 2, [])
    assert not list(photos.glob("*.xmp"))
    in_mirror = xmp.mirror_path(photos / "cat.jpg", mirror)
    assert in_mirror == mirror.joinpath(*photos.parts[1:], "cat.jpg.xmp")
    assert xmp_readers.keywords(in_mirror)["subject"] == ["tiger cat"]
    assert _digest(photos) == before


def test_a_write_refused_by_the_file_system_falls_back_to_the_mirror(lib, photos, tmp_path, monkeypatch):
    """os.access says yes (as it does for root) but the file system refuses the write, as a
    read-only mount does: the temporary file is never created beside the photo."""
    real_open = os.open

    def refusing_open(path, flags, mode=0o777, **kw):
        if Path(path).parent == photos and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(atomic.os, "open", refusing_open)
    report = xmp.write_sidecars(lib, lib.ids())
    assert report.written == 0 and "Read-only file system" in report.problems[0][1]
    report = xmp.write_sidecars(lib, lib.ids(), mirror=tmp_path / "Mirror")
    assert (report.written, report.mirrored) == (2, 2)
    assert not [p for p in photos.iterdir() if p.suffix in (".xmp", ".tmp")]


def test_corrupt_sidecar_is_left_alone_and_reported(lib, photos):
    cat = _id(lib, photos / "cat.jpg")
    sidecar = photos / "cat.jpg.xmp"
    broken = OTHER_PROGRAMS.encode()[:900]  # cut off mid-way, as a crashed program leaves it
    sidecar.write_bytes(broken)

    report = xmp.write_sidecars(lib, lib.ids())
    assert report.written == 1  # the other photo
    [(path, reason)] = report.problems
    assert "cat.jpg" in path and "cat.jpg.xmp" in reason and "left as it is" in reason
    assert sidecar.read_bytes() == broken

    read = xmp.read_keywords(lib, [cat])
    assert len(read.problems) == 1 and sidecar.read_bytes() == broken


def _run(*args, cwd: Path, extra_env=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "resnet_desktop", *map(str, args)],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
    )  # fmt: skip


def test_cli_write_and_read(lib, photos, tmp_path):
    library = tmp_path / "lib.sqlite3"
    lib.set_user_tags(_id(lib, photos / "dog.png"), add=["Rex"])
    (photos / "cat.jpg.xmp").write_text(OTHER_PROGRAMS, encoding="utf-8")
    before = _digest(photos)

    done = _run("--library", library, "xmp", "write", photos, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Sidecars: 2 written, 0 already up to date"
    assert xmp_readers.keywords(photos / "dog.png.xmp")["subject"] == ["Rex", "golden retriever"]
    again = _run("--library", library, "xmp", "write", photos / "dog.png", cwd=tmp_path)
    assert again.stdout.strip() == "Sidecars: 0 written, 1 already up to date"

    read = _run("--library", library, "xmp", "read", cwd=tmp_path)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "Read keywords of 2 photos: new tags 2"  # Paris and holiday
    assert _digest(photos) == before


def test_cli_reports_a_corrupt_sidecar_and_bad_input_in_one_line(lib, photos, tmp_path):
    library = tmp_path / "lib.sqlite3"
    (photos / "cat.jpg.xmp").write_bytes(b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta")
    done = _run("--library", library, "xmp", "write", cwd=tmp_path)
    assert done.returncode == 1
    assert "Sidecars: 1 written, 0 already up to date, 1 not written" in done.stdout
    assert "cat.jpg.xmp" in done.stderr and "left as it is" in done.stderr and "Traceback" not in done.stderr

    bad = _run("--library", library, "xmp", "write", tmp_path / "nowhere", cwd=tmp_path)
    assert (
        bad.returncode == 2
        and bad.stderr.strip() == f"resnet-desktop: {tmp_path / 'nowhere'}: no such file or folder"
    )
    bad = _run("--library", library, "xmp", "write", "--name-style", "odd", cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def _read_only_mount_works() -> bool:
    if not (
        hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") and shutil.which("mount")
    ):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _read_only_mount_works(), reason="needs root and unshare(1) for a private read-only mount"
)
def test_cli_on_a_really_read_only_folder_uses_the_mirror(lib, photos, tmp_path):
    """A real read-only bind mount of the photos' folder, private to the command's own mount
    namespace (nothing outside it sees the mount; it ends with the command)."""
    library, mirror = tmp_path / "lib.sqlite3", tmp_path / "Mirror"
    before = _digest(photos)
    command = (
        f"mount --bind '{photos}' '{photos}' && mount -o remount,bind,ro '{photos}' && "
        f"! touch '{photos}/probe' 2>/dev/null && "
        f"'{sys.executable}' -m resnet_desktop --library '{library}' xmp write {{mirror}}"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    refused = subprocess.run(
        ["unshare", "-m", "sh", "-c", command.format(mirror="")], capture_output=True, text=True, env=env
    )
    assert refused.returncode == 1, refused.stderr
    assert (
        "read-only" in refused.stderr and "--mirror" in refused.stderr and "Traceback" not in refused.stderr
    )

    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", command.format(mirror=f"--mirror '{mirror}'")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "2 of them in the mirror" in done.stdout
    assert xmp_readers.keywords(xmp.mirror_path(photos / "cat.jpg", mirror))["subject"] == ["tiger cat"]
    assert not list(photos.glob("*.xmp")) and _digest(photos) == before


@pytest.mark.slow
def test_cli_index_rereads_a_changed_sidecar_without_tagging_again(tmp_path, real_photos):
    folder = tmp_path / "Photos"
    folder.mkdir()
    shutil.copy(real_photos["coffee"], folder / "coffee.png")
    library = tmp_path / "lib.sqlite3"
    first = _run("--library", library, "index", folder, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Indexed 1,")
    (folder / "coffee.png.xmp").write_text(OTHER_PROGRAMS, encoding="utf-8")  # another program's

    again = _run("--library", library, "index", folder, cwd=tmp_path)

    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Indexed 0, unchanged 1, moved 0, re-tagged 0")
    assert (
        "keywords in photos and XMP sidecars: new tags 2; sidecars changed since last read: 1" in again.stdout
    )
    tags = _run("--library", library, "tag", folder / "coffee.png", cwd=tmp_path).stdout
    assert "Paris" in tags and "holiday" in tags
