#!/bin/sh
# validate-metadata.sh DESKTOP_FILE METAINFO_FILE: the desktop entry must pass
# desktop-file-validate and the AppStream metadata `appstreamcli validate --no-net` (pedantic
# hints aside), with no warning or error from either. A missing validator skips the test
# (packaging/apt-packages.txt installs both: desktop-file-utils, appstream).
set -u
desktop="$1"
metainfo="$2"
for tool in desktop-file-validate appstreamcli; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (apt-get install desktop-file-utils appstream)"
        exit 0
    fi
done

status=0
echo "desktop-file-validate $desktop"
output="$(desktop-file-validate "$desktop" 2>&1)" || status=1
if [ -n "$output" ]; then
    # It prints nothing for a clean file; hints are advice, anything else fails.
    printf '%s\n' "$output"
    if printf '%s\n' "$output" | grep -v ': hint: ' | grep -q .; then
        status=1
    fi
fi

echo "appstreamcli validate --no-net $metainfo"
output="$(appstreamcli validate --no-net --no-color "$metainfo" 2>&1)" || status=1
printf '%s\n' "$output"
# Errors fail appstreamcli itself; warnings fail here too (infos and pedantic hints do not).
if printf '%s\n' "$output" | grep -qE '^[[:space:]]*[EW]: '; then
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "both validators passed"
fi
exit "$status"
