package runtime

import "testing"

// TestJSONSkipsUnexported: yaegi exports every field of the struct types
// it builds (inner becomes Xinner), so encoding/json wrote and read the
// unexported fields that Go's json skips.
func TestJSONSkipsUnexported(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "import \"encoding/json\"\ntype Item struct {\n\tName  string `json:\"name\"`\n\tinner int\n\tnote  string `yaml:\"n\" json:\"note,omitempty\" db:\"x\"`\n\ta, b  int\n}"},
		{cell: "b, err := json.Marshal(Item{Name: \"pen\", inner: 3, note: \"n\", a: 1})\nif err != nil { panic(err) }\nstring(b)", out: "\"{\\\"name\\\":\\\"pen\\\"}\""},
		{cell: "var it Item\njson.Unmarshal([]byte(`{\"name\":\"cup\",\"inner\":5,\"Xinner\":6,\"note\":\"z\"}`), &it)\nfmt.Sprintf(\"%s %d %q\", it.Name, it.inner, it.note)", out: "\"cup 0 \\\"\\\"\""},
		{cell: "func local() string { v := struct{ A int; b int }{1, 2}; b, _ := json.Marshal(v); return string(b) }\nlocal()", out: "\"{\\\"A\\\":1}\""},
		{cell: "x := Item{inner: 7}\nx.inner", out: "7"},
	})
}

func TestWithoutKey(t *testing.T) {
	for _, c := range []struct{ tag, want string }{
		{``, ``},
		{`json:"a"`, ``},
		{`yaml:"n" json:"note,omitempty" db:"x"`, `yaml:"n" db:"x"`},
		{`json:"a\"b" x:"y"`, `x:"y"`},
		{`x:"y"  json:"-"`, `x:"y"`},
		{`free text`, `free text`},
		{`jsonx:"1" json:"2"`, `jsonx:"1"`},
	} {
		if got := withoutKey(c.tag, "json"); got != c.want {
			t.Errorf("withoutKey(%q) = %q, want %q", c.tag, got, c.want)
		}
	}
}
