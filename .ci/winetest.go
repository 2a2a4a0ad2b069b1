//go:build ignore

// winetest reads `go tool test2json` events of a Windows test binary run
// under Wine and fails if a test failed, except for one failure that is
// Wine's, not the code's: Wine 8.0 (Debian 12) lacks the file deletion
// that Go's os.RemoveAll uses on Windows (FileDispositionInformationEx),
// so every t.TempDir cleanup reports "Invalid function". A test whose only
// complaint is that cleanup counts as passed, and is named.
//
//	go tool test2json -p PKG wine64 PKG.exe -test.v=test2json | go run .ci/winetest.go
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// wineOnly reports whether a failing test's output holds nothing but the
// test framework's own lines and Wine's RemoveAll cleanup failure.
func wineOnly(out []string) bool {
	cleanup := false
	for _, l := range out {
		t := strings.TrimSpace(l)
		switch {
		case t == "", strings.HasPrefix(t, "=== "), strings.HasPrefix(t, "--- FAIL"):
		case strings.Contains(t, "TempDir RemoveAll cleanup:") && strings.HasSuffix(t, "Invalid function."):
			cleanup = true
		default:
			return false
		}
	}
	return cleanup
}

func main() {
	out := map[string][]string{}
	var passed, wine int
	var failed []string
	sawPackageEnd, packageFailed := false, false
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Println(sc.Text()) // not an event: show it
			continue
		}
		if e.Test == "" {
			if e.Action == "pass" || e.Action == "fail" {
				sawPackageEnd, packageFailed = true, e.Action == "fail"
			}
			if e.Action == "output" && !strings.HasPrefix(e.Output, "PASS") && !strings.HasPrefix(e.Output, "FAIL") && !strings.HasPrefix(e.Output, "ok") {
				fmt.Print(e.Output)
			}
			continue
		}
		switch e.Action {
		case "output":
			out[e.Test] = append(out[e.Test], e.Output)
		case "pass", "skip":
			passed++
		case "fail":
			// A parent fails with its subtests; judge the leaves' output.
			if hasSubtests(out, e.Test) && allWine(out, e.Test, failed) || !hasSubtests(out, e.Test) && wineOnly(out[e.Test]) {
				wine++
				continue
			}
			failed = append(failed, e.Test)
			fmt.Print(strings.Join(out[e.Test], ""))
		}
	}
	fmt.Printf("%d passed, %d failed only in Wine's TempDir cleanup, %d failed\n", passed, wine, len(failed))
	switch {
	case !sawPackageEnd:
		fmt.Println("the test binary did not finish")
	case packageFailed && wine == 0 && len(failed) == 0:
		fmt.Println("the test binary failed outside any test")
	case passed == 0:
		fmt.Println("no test ran")
	case len(failed) == 0:
		return
	}
	os.Exit(1)
}

// hasSubtests reports whether test has subtests with output.
func hasSubtests(out map[string][]string, test string) bool {
	for t := range out {
		if strings.HasPrefix(t, test+"/") {
			return true
		}
	}
	return false
}

// allWine reports whether none of test's subtests is among the real
// failures, so the parent failed only because of Wine.
func allWine(out map[string][]string, test string, failed []string) bool {
	for _, f := range failed {
		if strings.HasPrefix(f, test+"/") {
			return false
		}
	}
	// The parent's own lines other than its subtests' must be Wine's too.
	return wineOnly(out[test]) || onlyFrameworkLines(out[test])
}

// onlyFrameworkLines reports whether out has no message of the test itself.
func onlyFrameworkLines(out []string) bool {
	for _, l := range out {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "=== ") && !strings.HasPrefix(t, "--- ") {
			return false
		}
	}
	return true
}
