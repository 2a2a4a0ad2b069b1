package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestHelpListsEnvironment checks that --help names every environment
// variable the code reads with os.Getenv or os.LookupEnv.
func TestHelpListsEnvironment(t *testing.T) {
	out, _, status := runPiped(t, "", "--help")
	if status != 0 {
		t.Fatalf("--help: status %d", status)
	}
	read := regexp.MustCompile(`os\.(?:Getenv|LookupEnv)\("([A-Z_]+)"\)|(?:getenv|get)\("([A-Z_]+)"\)`)
	found := map[string]bool{}
	err := filepath.Walk(".", func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.HasPrefix(path, "stdlib") || strings.HasPrefix(path, "bench") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range read.FindAllStringSubmatch(string(b), -1) {
			found[m[1]+m[2]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Set by nnlab itself for yaegi, not read from the user.
	delete(found, "YAEGI_SPECIAL_STDIO")
	var names []string
	for n := range found {
		names = append(names, n)
		if !regexp.MustCompile(`\b` + n + `\b`).MatchString(out) {
			t.Errorf("--help does not mention %s", n)
		}
	}
	sort.Strings(names)
	if len(names) < 8 {
		t.Errorf("found only %v: is the pattern still right?", names)
	}
	t.Logf("environment variables read: %v", names)
}
