#!/bin/sh
# Refresh the translation sources from the GUI code, then compile them to .qm.
# Translate new strings in resources/translations/*.ts (Qt Linguist: pyside6-linguist) before compiling.
set -e
cd "$(dirname "$0")/.."
for ts in resources/translations/*.ts; do
    pyside6-lupdate resnet_desktop/gui/*.py -ts "$ts" -no-obsolete
    pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done
