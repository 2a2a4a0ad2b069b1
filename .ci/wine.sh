#!/usr/bin/env bash
# Builds the Windows (amd64) test binaries of PKG... and runs each under
# Wine, in its package directory as go test would, through .ci/winetest.go.
# Needs Debian's wine64. The Wine prefix gets the ProcessPrng DLL that Go
# needs (.ci/prngdll.go) and %USERPROFILE%\go\pkg\mod linked to this
# machine's module cache, so the MNIST files are found where Windows keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
export WINEPREFIX=${WINEPREFIX:-/tmp/nnlab-wine} WINEDEBUG=-all
# %USERPROFILE%\go\pkg\mod, the Windows default, is linked to this
# machine's module cache (wherever GOMODCACHE puts it): that default is the
# one tested.
gopath=$(mktemp -d)
mkdir "$gopath/pkg" && ln -s "$(go env GOMODCACHE)" "$gopath/pkg/mod"
# The Windows programs run without this machine's GOMODCACHE (a Unix path);
# the go commands here keep it.
wine() { env -u GOMODCACHE -u GOPATH /usr/lib/wine/wine64 "$@"; }
if [ ! -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
  wine cmd /c exit >/dev/null 2>&1 || true # creates the prefix
  go run .ci/prngdll.go "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
fi
for u in "$WINEPREFIX"/drive_c/users/*/; do
  [ "$(basename "$u")" = Public ] || ln -sfn "$gopath" "$u/go"
done
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
status=0

# The REPL as a Windows user pipes cells into it: drive-letter paths with
# backslashes in :run, :load, LoadImage, a checkpoint and :save, the MNIST files
# from the module cache, a failing cell that keeps the session; then the
# saved script run by path.
piped() {
  GOOS=windows GOARCH=amd64 go build -o "$bin/nnlab.exe" .
  local d="$bin/piped" w out
  mkdir -p "$d"
  w="Z:${d//\//\\}"
  cp examples/images/two.png "$d/"
  printf 'package main\n\nimport "fmt"\n\nfunc main() {\n\t// %%%% one\n\tfmt.Println("cell one")\n\t// %%%% two\n\tfmt.Println("cell two")\n}\n' >"$d/s.go"
  printf 'package main\n\nfunc twice(x int) int { return 2 * x }\n' >"$d/lib.go"
  out=$(cd "$d" && wine "$bin/nnlab.exe" 2>&1 <<CELLS
x := 41
y := nosuch
x + 1
:run $w\\s.go:2
img, err := mnist.LoadImage(\`$w\\two.png\`)
img.Shape()
v := nn.Variable(nn.Constant(3, []int{2}))
sess := nn.NewSession()
sess.Run(nn.GlobalVariablesInitializer(), nil)
fmt.Println("save:", sess.Save(\`$w\\w.safetensors\`))
sess2 := nn.NewSession()
fmt.Println("restore:", sess2.Restore(\`$w\\w.safetensors\`))
sess2.Run(v, nil)
data, err := mnist.ReadDataSets("MNIST_data", true)
data.Test.Images.Shape()
:save $w\\out.go
:load $w\\lib.go
twice(50)
CELLS
  ) || true
  local want
  for want in '^42$' '^100$' '^cell two$' '^\[784\]$' '^save: <nil>$' '^restore: <nil>$' '\[3 3\]' '^\[10000 784\]$' \
    "^saved [0-9][0-9]* of [0-9][0-9]* cells to Z:.*out\.go$" 'undefined: nosuch'; do
    if ! grep -q "$want" <<<"$out"; then
      printf 'piped REPL under Wine: no line matching %s in:\n%s\n' "$want" "$out"
      return 1
    fi
  done
  if ! out=$(cd "$d" && wine "$bin/nnlab.exe" "$w\\out.go" 2>&1) || ! grep -q '^restore: <nil>$' <<<"$out"; then
    printf 'the saved script under Wine:\n%s\n' "$out"
    return 1
  fi
  echo "piped REPL: drive-letter paths in :run, :load, LoadImage, checkpoint, :save; the saved script runs"
}
printf '%-16s ' "nnlab.exe"
piped || status=1

for p in "$@"; do
  exe="$bin/$(echo "$p" | tr / _).exe"
  GOOS=windows GOARCH=amd64 go test -c -o "$exe" "./$p"
  printf '%-16s ' "$p"
  # The binary's own status counts Wine's cleanup failures; winetest.go
  # judges the events instead (and fails a binary that did not finish).
  if ! (cd "$p" && { go tool test2json -p "$p" env -u GOMODCACHE -u GOPATH /usr/lib/wine/wine64 "$exe" -test.v=test2json -test.short -test.timeout=10m || true; } | go run "$OLDPWD/.ci/winetest.go"); then
    status=1
  fi
done
exit $status
