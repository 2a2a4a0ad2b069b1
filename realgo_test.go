package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// realGoCases are Go programs as people write them, each checked as a
// script (its body wrapped in func main) and typed into the piped REPL.
var realGoCases = []struct {
	name    string
	decls   string // top-level declarations and imports
	body    string // statements of main, or the cells after decls
	wantOut string
}{
	{
		name:    "a user type T beside min and max",
		decls:   "type T uint16\n\nfunc f() T { return 0 }\n",
		body:    "println(f(), min(T(3), T(2)), max(T(1), 5))\n",
		wantOut: "0 2 5\n",
	},
	{
		name:  "fmt uses String and Error of interpreted types",
		decls: "import (\n\t\"errors\"\n\t\"fmt\"\n)\n\ntype Foo int\n\nfunc (f Foo) String() string { return fmt.Sprint(\"foo\", int(f)) }\n\ntype E struct{ msg string }\n\nfunc (e *E) Error() string { return \"E: \" + e.msg }\n",
		body: "fmt.Println(Foo(3))\n" +
			"fmt.Printf(\"%v %s %d [%6s] %q %x\\n\", Foo(1), Foo(2), Foo(3), Foo(4), Foo(5), Foo(6))\n" +
			"fmt.Println(fmt.Sprint(Foo(7)), fmt.Sprintf(\"%v\", Foo(8)))\n" +
			"var err error = &E{\"bad\"}\n" +
			"fmt.Println(err, fmt.Errorf(\"wrapped: %w\", err), errors.New(\"plain\"))\n",
		wantOut: "foo3\nfoo1 foo2 3 [  foo4] \"foo5\" 666f6f36\nfoo7 foo8\nE: bad wrapped: E: bad plain\n",
	},
	{
		name:    "for with an empty condition",
		body:    "for i := 0; ; i++ {\n\tif i == 2 {\n\t\tbreak\n\t}\n\tprintln(i)\n}\nfor j := 0; j < 2; {\n\tj++\n\tprintln(\"j\", j)\n}\nfor ; ; {\n\tbreak\n}\nif k := 3; k > 2 { println(\"k\") } else if m := 1; m > 0 { println(\"m\") }; println(\"after\")\n",
		wantOut: "0\n1\nj 1\nj 2\nk\nafter\n",
	},
	{
		name:    "a label alone on its line",
		body:    "Outer:\nfor i := 0; i < 3; i++ {\n\tfor j := 0; j < 3; j++ {\n\t\tif j == 1 {\n\t\t\tcontinue Outer\n\t\t}\n\t\tif i == 2 {\n\t\t\tbreak Outer\n\t\t}\n\t\tprintln(i, j)\n\t}\n}\nprintln(\"done\")\n",
		wantOut: "0 0\n1 0\ndone\n",
	},
	{
		name:    "a blocking receive before && and ||",
		decls:   "type B bool\n",
		body:    "c := make(chan bool)\ngo func() { c <- true; c <- true; c <- false }()\nprintln(<-c && true)\nx := (<-c) || false\nprintln(x)\nprintln(<-c || false)\nd := make(chan B)\ngo func() { d <- true }()\ny := <-d && true\nprintln(y)\n",
		wantOut: "true\ntrue\nfalse\ntrue\n",
	},
	{
		name:  "encoding, compression and hashes",
		decls: "import (\n\t\"bytes\"\n\t\"compress/gzip\"\n\t\"encoding/base64\"\n\t\"encoding/binary\"\n\t\"encoding/csv\"\n\t\"encoding/hex\"\n\t\"encoding/json\"\n\t\"fmt\"\n\t\"hash/adler32\"\n\t\"hash/crc32\"\n\t\"hash/crc64\"\n\t\"hash/fnv\"\n\t\"io\"\n\t\"strings\"\n)\n\ntype Point struct {\n\tX, Y int\n\tName string `json:\"name\"`\n}\n",
		body: "b, err := json.Marshal(Point{1, 2, \"p\"})\nfmt.Println(string(b), err)\n" +
			"var p Point\nerr = json.Unmarshal([]byte(`{\"X\":3,\"name\":\"q\"}`), &p)\nfmt.Println(p.X, p.Name, err)\n" +
			"recs, err := csv.NewReader(strings.NewReader(\"a,b\\n1,\\\"2,3\\\"\\n\")).ReadAll()\nfmt.Println(len(recs), recs[1][1], err)\n" +
			"buf := make([]byte, 4)\nbinary.LittleEndian.PutUint32(buf, 258)\nfmt.Println(buf, binary.BigEndian.Uint16(buf[:2]))\n" +
			"var z bytes.Buffer\nw := gzip.NewWriter(&z)\n_, _ = w.Write([]byte(\"hello, gzip\"))\nw.Close()\nr, err := gzip.NewReader(&z)\nout, _ := io.ReadAll(r)\nfmt.Println(string(out), err)\n" +
			"fmt.Println(crc32.ChecksumIEEE([]byte(\"abc\")), adler32.Checksum([]byte(\"abc\")), crc64.Checksum([]byte(\"abc\"), crc64.MakeTable(crc64.ISO)))\n" +
			"h := fnv.New32a()\n_, _ = h.Write([]byte(\"abc\"))\nfmt.Println(h.Sum32(), hex.EncodeToString([]byte{1, 255}), base64.StdEncoding.EncodeToString([]byte(\"hi\")))\n",
		wantOut: "{\"X\":1,\"Y\":2,\"name\":\"p\"} <nil>\n3 q <nil>\n2 2,3 <nil>\n[2 1 0 0] 513\nhello, gzip <nil>\n891568578 38600999 3996597361055891456\n440920331 01ff aGk=\n",
	},
	{
		name:  "text, reflection, sorting and the generic packages",
		decls: "import (\n\t\"fmt\"\n\t\"maps\"\n\t\"os\"\n\t\"reflect\"\n\t\"regexp\"\n\t\"slices\"\n\t\"sort\"\n\t\"text/tabwriter\"\n\t\"unicode\"\n\t\"unicode/utf16\"\n\t\"math/bits\"\n\t\"container/heap\"\n)\n\ntype ints []int\n\nfunc (h ints) Len() int           { return len(h) }\nfunc (h ints) Less(i, j int) bool { return h[i] < h[j] }\nfunc (h ints) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }\nfunc (h *ints) Push(x any)        { *h = append(*h, x.(int)) }\nfunc (h *ints) Pop() any          { old := *h; x := old[len(old)-1]; *h = old[:len(old)-1]; return x }\n",
		body: "fmt.Println(regexp.MustCompile(`a(b+)`).FindStringSubmatch(\"xabbby\"))\n" +
			"s := []string{\"c\", \"a\", \"b\"}\nsort.Strings(s)\nfmt.Println(s, slices.Contains(s, \"b\"), slices.Index(s, \"c\"))\n" +
			"m := map[string]int{\"a\": 1}\nfmt.Println(maps.Clone(m)[\"a\"], maps.Equal(m, m), reflect.TypeOf(m).Kind(), reflect.ValueOf(3.5).Float())\n" +
			"ns := []int{3, 1, 2, 2}\nslices.Sort(ns)\nfmt.Println(ns, slices.Max(ns), slices.Compact(ns), slices.Insert([]int{1, 2}, 1, 9))\n" +
			"tw := tabwriter.NewWriter(os.Stdout, 0, 8, 1, ' ', 0)\nfmt.Fprintln(tw, \"a\\tbb\\tc\")\nfmt.Fprintln(tw, \"aaa\\tb\\tc\")\ntw.Flush()\n" +
			"fmt.Println(unicode.IsUpper('Q'), utf16.Encode([]rune(\"é𝄞\")), bits.OnesCount(255))\n" +
			"h := &ints{5, 2, 8}\nheap.Init(h)\nheap.Push(h, 1)\nfmt.Println(heap.Pop(h), heap.Pop(h))\n",
		wantOut: "[abbb bbb]\n[a b c] true 2\n1 true map 3.5\n[1 2 3 0] 3 [1 2 3] [1 9 2]\na   bb c\naaa b  c\ntrue [233 55348 56606] 8\n1 2\n",
	},
	{
		name:    "log writes where it is told",
		decls:   "import (\n\t\"log\"\n\t\"os\"\n)\n",
		body:    "l := log.New(os.Stdout, \"nb: \", 0)\nl.Println(\"loaded\", 3)\nl.Printf(\"%d%%\", 50)\n",
		wantOut: "nb: loaded 3\nnb: 50%\n",
	},
	{
		name:  "a value receiver's Error and String, and such values in interface variables",
		decls: "import (\n\t\"fmt\"\n\t\"io\"\n)\n\ntype MyErr struct{ c int }\n\nfunc (e MyErr) Error() string { return fmt.Sprint(\"myerr \", e.c) }\n\ntype Both struct{}\n\nfunc (Both) String() string { return \"str\" }\nfunc (Both) Error() string  { return \"err\" }\n\ntype R struct{}\n\nfunc (R) Read(p []byte) (int, error) { return 0, io.EOF }\n\nfunc local() {\n\tvar l error = MyErr{5}\n\tfmt.Println(l)\n\tl = MyErr{6}\n\tfmt.Println(l)\n}\n\nfunc mkErr(c int) MyErr { return MyErr{c} }\n\ntype DummyStringer interface{ String() string }\n\ntype Outer struct {\n\tname string\n\tin   Both\n}\n\nfunc (Outer) String() string { return \"outer\" }\n",
		body: "fmt.Println(MyErr{1}, &MyErr{2}, Both{})\n" +
			"fmt.Printf(\"%v %s %q|%+v\\n\", MyErr{1}, MyErr{2}, MyErr{3}, MyErr{4})\n" +
			"fmt.Println(fmt.Sprint(MyErr{1}), fmt.Errorf(\"w: %w\", MyErr{2}))\n" +
			"var e error = MyErr{3}\nfmt.Println(e)\ne = MyErr{4}\ne2 := e\nfmt.Println(e2)\nlocal()\n" +
			"var a, b error = MyErr{7}, MyErr{8}\nfmt.Println(a, b)\n" +
			"var r io.Reader = R{}\nn, err := r.Read(nil)\nfmt.Println(n, err)\n" +
			"e = mkErr(9)\nfmt.Println(e)\nvar ds DummyStringer = Outer{}\n_, ok := ds.(fmt.Stringer)\nfmt.Println(ok, ds)\n" +
			"fmt.Printf(\"%v %s\\n\", Outer{}, []Outer{{}})\n",
		wantOut: "myerr 1 myerr 2 err\nmyerr 1 myerr 2 \"myerr 3\"|myerr 4\nmyerr 1 w: myerr 2\nmyerr 3\nmyerr 4\nmyerr 5\nmyerr 6\nmyerr 7 myerr 8\n0 EOF\nmyerr 9\ntrue outer\nouter [outer]\n",
	},
	{
		name:  "String and Error inside slices, maps, structs and interfaces, and in panics",
		decls: "import \"fmt\"\n\ntype S struct{ n int }\n\nfunc (s S) String() string { return fmt.Sprint(\"S\", s.n) }\n\ntype E struct{ c, d int }\n\nfunc (e E) Error() string { return fmt.Sprint(\"E\", e.c) }\n\ntype P struct{ X int }\n\ntype W struct{ A S }\n\nfunc try() (r any) {\n\tdefer func() { r = recover() }()\n\tpanic(\"x\")\n}\n",
		body: "fmt.Println([]any{S{7}, 1, E{2, 0}}, []S{{8}}, map[string]S{\"a\": {1}}, P{3})\n" +
			"var a any = S{1}\nfmt.Println(a, []*S{{4}, nil}, W{S{5}})\n" +
			"fmt.Printf(\"%v %s %+v %d|%v\\n\", []S{{1}}, []E{{2, 0}}, []S{{3}}, 5, a)\n" +
			"fmt.Print(S{1}, []S{{2}}, \"\\n\")\nfmt.Println(fmt.Sprint(map[S]int{{1}: 2}), try())\n",
		wantOut: "[S7 1 E2] [S8] map[a:S1] {3}\nS1 [S4 <nil>] {S5}\n[S1] [E2] [S3] 5|S1\nS1 [S2]\nmap[S1:2] x\n",
	},
	{
		// yaegi inferred U as T when a func literal's result decides it.
		name: "type arguments inferred from a func literal's result",
		decls: "import \"fmt\"\n\ntype Pt struct{ X int }\n\n" +
			"func Map[T, U any](xs []T, f func(T) U) []U {\n\tvar r []U\n\tfor _, x := range xs {\n\t\tr = append(r, f(x))\n\t}\n\treturn r\n}\n\n" +
			"func Wrap[T any](x T) []T { return []T{x} }\n\n" +
			"func Nest[T any](x T) [][]T { return Map([]T{x}, func(v T) []T { return Wrap(v) }) }\n\n" +
			"func Names(fs []float64) []string { return Map(fs, func(f float64) string { return fmt.Sprint(f) }) }\n\n" +
			"func Max[T int | float64](a, b T) T {\n\tif a > b {\n\t\treturn a\n\t}\n\treturn b\n}\n",
		body: "fmt.Println(Map([]int{1, 2, 3}, func(i int) string { return fmt.Sprint(i * i) }))\n" +
			"fmt.Println(Map([]int{1, 2}, func(i int) Pt { return Pt{i} }), Names([]float64{1.5}))\n" +
			"fmt.Println(Nest(3), Nest(\"s\"), Max(3, 4.5), Max(2, 7), Map[int, bool]([]int{0}, func(i int) bool { return i == 0 }))\n",
		wantOut: "[1 4 9]\n[{1} {2}] [1.5]\n[[3]] [[s]] 4.5 7 [true]\n",
	},
}

// asScript makes a package main file of a case.
func asScript(decls, body string) string {
	var b strings.Builder
	b.WriteString("package main\n\n" + decls + "\nfunc main() {\n")
	for _, l := range strings.SplitAfter(body, "\n") {
		if l != "" {
			b.WriteString("\t" + l)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func TestRealGo(t *testing.T) {
	for _, tt := range realGoCases {
		t.Run(tt.name+"/script", func(t *testing.T) {
			path := writeFile(t, "prog.go", asScript(tt.decls, tt.body))
			out, errOut, status := runPiped(t, "", path)
			if out != tt.wantOut || status != 0 {
				t.Errorf("status %d, stdout:\n%s\nwant:\n%s\nstderr: %s", status, out, tt.wantOut, errOut)
			}
		})
		t.Run(tt.name+"/cells", func(t *testing.T) {
			out, errOut, status := runPiped(t, tt.decls+tt.body)
			if out != tt.wantOut || status != 0 {
				t.Errorf("status %d, stdout:\n%s\nwant:\n%s\nstderr: %s", status, out, tt.wantOut, errOut)
			}
		})
	}
	t.Run("for with an empty condition/:run", func(t *testing.T) {
		path := writeFile(t, "loop.go", asScript("", realGoCases[2].body))
		out, errOut, status := runPiped(t, ":run "+path+"\n")
		if out != realGoCases[2].wantOut || status != 0 {
			t.Errorf("status %d, stdout %q, stderr %q", status, out, errOut)
		}
	})
}

// TestRealGoLogFatal: log.Fatal and Logger.Fatal end a script with status
// 1 after logging, as in Go; in the REPL the session goes on.
func TestRealGoLogFatal(t *testing.T) {
	path := writeFile(t, "fatal.go", asScript("import (\n\t\"log\"\n\t\"os\"\n)\n", "l := log.New(os.Stdout, \"\", 0)\nl.Fatalf(\"no data in %s\", \"x.csv\")\nprintln(\"not reached\")\n"))
	out, errOut, status := runPiped(t, "", path)
	if out != "no data in x.csv\n" || status != 1 {
		t.Errorf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	out, errOut, status = runPiped(t, "import (\"log\"; \"os\")\nl := log.New(os.Stdout, \"\", 0)\nl.Fatal(\"stop\")\nx := 2\nx * 3\n")
	if out != "stop\n6\n" || status != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
}

// TestRealGoHTTP fetches from a local server: a notebook downloads its data.
func TestRealGoHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "x,y\n1,2\n")
	}))
	defer srv.Close()
	src := asScript("import (\n\t\"fmt\"\n\t\"io\"\n\t\"net/http\"\n\t\"os\"\n)\n",
		"resp, err := http.Get(os.Args[1])\nif err != nil {\n\tpanic(err)\n}\ndefer resp.Body.Close()\nb, _ := io.ReadAll(resp.Body)\nfmt.Printf(\"%d %q\\n\", resp.StatusCode, b)\n")
	out, errOut, status := runPiped(t, "", writeFile(t, "get.go", src), srv.URL)
	if out != "200 \"x,y\\n1,2\\n\"\n" || status != 0 {
		t.Errorf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
}

// TestRealGoUnshipped: an import nnlab does not provide says so, in one line.
func TestRealGoUnshipped(t *testing.T) {
	for _, pkg := range []string{"unsafe", "runtime", "net", "github.com/some/thing"} {
		_, errOut, status := runPiped(t, "import \""+pkg+"\"\nimport \"strings\"\nstrings.ToUpper(\"ok\")\n")
		want := "nnlab does not ship package " + pkg
		if !strings.Contains(errOut, want) || strings.Contains(errOut, "GOPATH") || status != 1 {
			t.Errorf("import %q: status %d, stderr %q, want %q", pkg, status, errOut, want)
		}
		path := writeFile(t, "imp.go", "package main\n\nimport \""+pkg+"\"\n\nfunc main() {}\n")
		_, errOut, status = runPiped(t, "", path)
		if !strings.Contains(errOut, path+":3:8: "+want) || status != 1 {
			t.Errorf("script importing %q: status %d, stderr %q", pkg, status, errOut)
		}
	}
}

// TestRealGoFlag: a script's flags are its own arguments, as with go run.
func TestRealGoFlag(t *testing.T) {
	path := writeFile(t, "train.go", asScript("import (\n\t\"flag\"\n\t\"fmt\"\n)\n",
		"epochs := flag.Int(\"epochs\", 1, \"training epochs\")\nvar lr float64\nflag.Float64Var(&lr, \"lr\", 0.1, \"learning rate\")\nflag.Parse()\nfmt.Println(*epochs, lr, flag.Args())\n"))
	for _, tt := range []struct {
		args       []string
		wantOut    string
		wantErr    string
		wantStatus int
	}{
		{[]string{"-epochs", "3", "-lr=0.5", "rest"}, "3 0.5 [rest]\n", "", 0},
		{nil, "1 0.1 []\n", "", 0},
		{[]string{"-bogus"}, "", "flag provided but not defined: -bogus", 2},
		{[]string{"-h"}, "", "-epochs int", 0},
	} {
		out, errOut, status := runPiped(t, "", append([]string{path}, tt.args...)...)
		if out != tt.wantOut || status != tt.wantStatus || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, status, out, errOut, tt.wantStatus, tt.wantOut, tt.wantErr)
		}
	}
}
