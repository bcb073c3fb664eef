#!/bin/sh
# Zips the XML parts in this folder into ../Resources/skeleton.docx, the package the
# Documents module copies (all of it but word/document.xml, which it writes whole).
# Deterministic: fixed order ([Content_Types].xml first), fixed timestamps, deflate.
# Run it after editing any part here, then commit both the parts and the .docx:
#
#   sh Sources/Documents/Skeleton/make-skeleton.sh
set -eu
cd "$(dirname "$0")"
exec python3 - <<'PY'
import os, zipfile
parts = sorted(
    os.path.relpath(os.path.join(root, name), ".")
    for root, _, names in os.walk(".")
    for name in names
    if name.endswith((".xml", ".rels"))
)
parts.sort(key=lambda p: (p != "[Content_Types].xml", p))
out = os.path.join("..", "Resources", "skeleton.docx")
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    for part in parts:
        info = zipfile.ZipInfo(part.replace(os.sep, "/"), date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(part, "rb") as f:
            z.writestr(info, f.read())
os.replace(tmp, out)
print("wrote", os.path.normpath(out), "with", len(parts), "parts")
PY
