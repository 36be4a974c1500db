#!/bin/sh
# lintian-packages.sh PACKAGE_DIR: lintian on deskboard_*.deb and deskboard-server_*.deb in
# PACKAGE_DIR (written by `./dev package` or `./dev test`). An error fails the test; warnings and
# the reasons of the overrides in packaging/lintian/ are printed. Skips (exit 77) without lintian
# or without the packages.
set -u
package_dir="$1"
if ! command -v lintian >/dev/null 2>&1; then
    echo "SKIP: lintian is not installed (apt-get install lintian)"
    exit 77
fi
set -- "$package_dir"/deskboard_*.deb "$package_dir"/deskboard-server_*.deb
for deb in "$@"; do
    if [ ! -f "$deb" ]; then
        echo "SKIP: no deskboard_*.deb and deskboard-server_*.deb in $package_dir: run ./dev package"
        exit 77
    fi
done
echo "lintian --fail-on error $*"
lintian --fail-on error --tag-display-limit 0 --show-overrides "$@" || exit 1
echo "lintian found no error"
