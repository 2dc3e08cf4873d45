"""Two readers of XMP that share no code with the app's (exiv2): the stdlib XML parser, and
exiftool where it is installed (Debian: libimage-exiftool-perl).

Both turn a sidecar into ``{"ns-prefix:Name": value}`` where a value is a string, a list
(rdf:Bag / rdf:Seq), a dict (rdf:Alt by language, or a struct), so tests can compare what
another program would see before and after the app touched a file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What ElementTree calls a namespace URI -> the prefix tests use (the usual ones).
PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/lightroom/1.0/": "lr",
    "http://www.digikam.org/ns/1.0/": "digiKam",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://www.metadataworkinggroup.com/schemas/regions/": "mwg-rs",
    "http://ns.adobe.com/xmp/sType/Area#": "stArea",
    "http://ns.adobe.com/xap/1.0/sType/Dimensions#": "stDim",
    "http://darktable.sf.net/": "darktable",
    "https://ns.resnet-desktop.org/xmp/1.0/": "resnetDesktop",
}


def _name(tag: str) -> str:
    uri, _, local = tag[1:].partition("}")
    return f"{PREFIXES.get(uri, uri)}:{local}"


def _value(element: ET.Element):
    for kind in ("Bag", "Seq", "Alt"):
        container = element.find(f"{{{RDF}}}{kind}")
        if container is not None:
            items = container.findall(f"{{{RDF}}}li")
            if kind == "Alt":
                return {li.get(XML_LANG, ""): (li.text or "") for li in items}
            return [_struct_or_text(li) for li in items]
    return _struct_or_text(element)


def _struct_or_text(element: ET.Element):
    fields = _fields(element)
    description = element.find(f"{{{RDF}}}Description")
    if description is not None:
        fields.update(_fields(description))
    return fields if fields else (element.text or "").strip()


def _fields(element: ET.Element) -> dict:
    out = {_name(k): v for k, v in element.attrib.items() if not k.startswith(f"{{{RDF}}}") and k != XML_LANG}
    for child in element:
        if child.tag.startswith(f"{{{RDF}}}"):
            continue
        out[_name(child.tag)] = _value(child)
    return out


def read_with_xml(path: Path) -> dict:
    """Every property of the sidecar's rdf:Description elements, read with the stdlib."""
    root = ET.fromstring(Path(path).read_bytes())
    result: dict = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        if description.get(f"{{{RDF}}}about") is None:
            continue  # a struct inside a list, read with its parent
        result.update(_fields(description))
    return result


def exiftool() -> str | None:
    return shutil.which("exiftool")


def read_with_exiftool(path: Path) -> dict:
    """exiftool's view (-struct: lists and structs as JSON), keyed "group:Name"."""
    out = subprocess.run(
        [exiftool(), "-j", "-struct", "-G1", "-n", "-XMP:all", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    data = json.loads(out)[0]
    data.pop("SourceFile", None)
    return data


def keywords(path: Path) -> dict[str, list]:
    """The keyword lists of a sidecar as the stdlib reader and (if present) exiftool see them;
    the two must agree."""
    mine = read_with_xml(path)
    result = {
        "subject": mine.get("dc:subject", []),
        "hierarchical": mine.get("lr:hierarchicalSubject", []),
        "tagslist": mine.get("digiKam:TagsList", []),
        "labels": mine.get("resnetDesktop:Labels", []),
    }
    if exiftool():
        theirs = read_with_exiftool(path)

        def as_list(value):
            return value if isinstance(value, list) else ([] if value is None else [value])

        assert [str(v) for v in as_list(theirs.get("XMP-dc:Subject"))] == result["subject"]
        assert [str(v) for v in as_list(theirs.get("XMP-lr:HierarchicalSubject"))] == result["hierarchical"]
        assert [str(v) for v in as_list(theirs.get("XMP-digiKam:TagsList"))] == result["tagslist"]
        labels = as_list(theirs.get("XMP-resnetDesktop:Labels"))
        assert [str(lb["Label"]) for lb in labels] == [lb["resnetDesktop:Label"] for lb in result["labels"]]
    return result
