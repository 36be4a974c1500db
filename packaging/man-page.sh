#!/bin/sh
# man-page.sh PROGRAM SUMMARY INCLUDE OUTPUT: writes OUTPUT (a gzipped man page, section 1) made
# by help2man from PROGRAM's --help and --version, with the sections in INCLUDE (a help2man
# include file, packaging/man/*.h2m) added. Run by the build (packaging/CMakeLists.txt).
#
# The help texts list their further usage lines indented; help2man's synopsis wants GNU's
# "  or: PROGRAM ..." form, so a small wrapper rewrites them. The wrapper also runs PROGRAM with
# a placeholder HOME and prints it as "~", so no build machine's home lands in the page.
set -eu

program="$1"
summary="$2"
include="$3"
output="$4"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
name="$(basename "$program")"
home=/nonexistent/deskboard-man-home

cat >"$tmp/$name" <<WRAPPER
#!/bin/sh
HOME='$home' XDG_DATA_HOME= QT_QPA_PLATFORM=offscreen '$program' "\$@" |
    sed -E -e '1,/^\$/ s/^ {5,}([a-z])/  or: \\1/' -e 's|$home|~|g'
WRAPPER
chmod +x "$tmp/$name"

help2man --no-info --section=1 --name="$summary" --include="$include" \
    --output="$tmp/$name.1" "$tmp/$name"
gzip -9 -n -c "$tmp/$name.1" >"$output.tmp"
mv "$output.tmp" "$output"
