"""Folders as a tree: the library's folders nested by path, sorted by name, counts with subfolders.

``Library.folders()`` lists the folders that directly hold photos. A person thinks of
"Pictures" holding "2023" and "2024", and expects "Pictures" to count the photos below it
too (which is what its view shows: a folder rule matches subfolders). Plain data, no Qt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass
class FolderNode:
    path: str
    title: str  # what the sidebar shows: the name, or a short relative path for collapsed chains
    count: int = 0  # photos in this folder and every folder below it
    children: list[FolderNode] = field(default_factory=list)


def _sort_key(title: str) -> tuple[str, str]:
    return (title.casefold(), title)


def folder_tree(folders: list[tuple[str, int]]) -> list[FolderNode]:
    """Nest ``(folder, direct count)`` pairs into trees.

    A node is a folder that holds photos or where folders with photos branch; chains of
    folders without photos in between are skipped (``Pictures`` -> ``Trips/Rome``), so the
    tree is no deeper than the photos need. Siblings are sorted by name, case-insensitively.
    """
    direct: dict[str, int] = {}
    for folder, count in folders:
        key = os.path.normpath(folder)
        direct[key] = direct.get(key, 0) + count
    if not direct:
        return []

    # Branch points: where two folders part ways (the lowest common ancestor of neighbours in
    # depth-first order gives every one of them). A file-system root is not one.
    paths = sorted(direct, key=lambda p: p.split(os.sep))
    points = set(paths)
    for a, b in zip(paths, paths[1:], strict=False):
        try:
            common = os.path.commonpath([a, b])
        except ValueError:  # different drives
            continue
        if common not in direct and common != os.path.dirname(common):
            points.add(common)

    nodes = {p: FolderNode(p, "", direct.get(p, 0)) for p in points}
    roots: list[FolderNode] = []
    for path in sorted(points, key=lambda p: p.count(os.sep)):
        parent = _nearest_ancestor(path, points)
        node = nodes[path]
        if parent is None:
            node.title = os.path.basename(path) or path
            roots.append(node)
        else:
            node.title = os.path.relpath(path, parent)
            nodes[parent].children.append(node)

    def finish(node: FolderNode) -> int:
        node.children.sort(key=lambda n: _sort_key(n.title))
        node.count = direct.get(node.path, 0) + sum(finish(child) for child in node.children)
        return node.count

    for root in roots:
        finish(root)
    roots.sort(key=lambda n: _sort_key(n.title))
    return roots


def _nearest_ancestor(path: str, points: set[str]) -> str | None:
    parent = os.path.dirname(path)
    while parent and parent != path:
        if parent in points:
            return parent
        path, parent = parent, os.path.dirname(parent)
    return None
