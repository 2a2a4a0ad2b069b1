#!/usr/bin/env bash
# Builds the Windows (amd64) test binaries of PKG... and runs each under
# Wine, in its package directory as go test would, through .ci/winetest.go.
# Needs Debian's wine64. The Wine prefix gets the ProcessPrng DLL that Go
# needs (.ci/prngdll.go) and %USERPROFILE%\go linked to this machine's GOPATH,
# so the MNIST files are found in the module cache where Windows keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
wine=/usr/lib/wine/wine64
export WINEPREFIX=${WINEPREFIX:-/tmp/nnlab-wine} WINEDEBUG=-all
unset GOMODCACHE # the Windows default location is the one tested
if [ ! -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
  "$wine" cmd /c exit >/dev/null 2>&1 || true # creates the prefix
  go run .ci/prngdll.go "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
fi
for u in "$WINEPREFIX"/drive_c/users/*/; do
  [ "$(basename "$u")" = Public ] || ln -sfn "$(go env GOPATH)" "$u/go"
done
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
status=0
for p in "$@"; do
  exe="$bin/$(echo "$p" | tr / _).exe"
  GOOS=windows GOARCH=amd64 go test -c -o "$exe" "./$p"
  printf '%-16s ' "$p"
  if ! (cd "$p" && go tool test2json -p "$p" "$wine" "$exe" -test.v=test2json -test.short -test.timeout=10m | go run "$OLDPWD/.ci/winetest.go"); then
    status=1
  fi
done
exit $status
