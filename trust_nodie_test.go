package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nnlab/nnlab/internal/memlimit"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// TestNothingDies types, through piped stdin, inputs that used to end the
// process (issue 11). Each case starts with keep := 7 and ends by showing
// keep: the process must be alive at the end, with the earlier value, and
// every failure must be one line on stderr.
func TestNothingDies(t *testing.T) {
	dir := t.TempDir()
	crafted := func(name, desc string) string {
		path := filepath.Join(dir, name)
		ts := []safetensors.Tensor{safetensors.F32("dense_1/kernel", []int{4, 3}, make([]float32, 12)), safetensors.F32("dense_1/bias", []int{3}, make([]float32, 3))}
		if err := safetensors.WriteFile(path, ts, map[string]string{"nnlab.model": desc}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rows := crafted("rows.safetensors", `{"format":"nnlab-model-1","input":[4],"layers":[{"type":"dense","units":3,"activation":"softmax"}],"done":5,"rows":1000000000000,"shuffle":"AA=="}`)
	wide := crafted("wide.safetensors", `{"format":"nnlab-model-1","input":[1099511627776],"layers":[{"type":"dense","units":3,"activation":"softmax"}]}`)
	zeros := "nn.Zeros(100000, 100000)" // 40 GB: more than this machine gives?
	if b, _ := memlimit.Bytes(100000*100000, 4); b <= memlimit.Limit() {
		zeros = "nn.Zeros(100000, 100000, 1000)" // a big machine: a bigger mistake
	}
	tests := []struct {
		name    string
		input   string
		wantOut []string // in stdout, besides the final 7
		wantErr []string // in stderr
	}{
		{"zero-value tensor and session shown", "t := &nn.Tensor{}\nt\ns := &nn.Session{}\ns\n:vars\n",
			[]string{"<invalid: 0 values for 1 elements", "Session(no graph", "s     *nn.Session  Session(no graph"}, nil},
		{"a String method that panics", "type B struct{}\nfunc (B) String() string { var m map[string]int; m[\"a\"] = 1; return \"\" }\nvar st fmt.Stringer = B{}\nst\n:vars\n",
			[]string{"<a value of type fmt.Stringer cannot be shown: its formatting panicked: assignment to entry in nil map>", "st    fmt.Stringer  <a value of type fmt.Stringer cannot be shown"}, nil},
		{"tensor larger than memory", zeros + "\n", nil, []string{"line 2: Zeros: tensor of shape", "more than this machine can give one value"}},
		{"tensor size overflows", "nn.Zeros(1<<62, 4)\n", nil, []string{"line 2: Zeros: shape [4611686018427387904 4] has a negative dimension or more elements than an int holds"}},
		{"batch larger than the data set", "d := &mnist.DataSet{Images: nn.Zeros(5, 784), Labels: nn.Zeros(5, 10), NumExamples: 5}\nx, y := d.NextBatch(1000000000)\n",
			nil, []string{"line 3: NextBatch: batch size 1000000000 is larger than the data set (5 examples)"}},
		{"make past memory", "x := make([]float32, 1<<40)\nn := 1 << 40\nm := make(map[int]float64, n)\n", nil,
			[]string{"line 2: make: make([]float32, 1099511627776) needs 4.0 TiB", "line 4: make: make(map[int]float64, 1099511627776) needs 16.0 TiB"}},
		{"array types past memory", "var arr [1 << 40]byte\ntype Big [1 << 40]byte\nb := new(Big)\nvar pb *Big\npb == nil\n", []string{"true\n"},
			[]string{"line 2:5: arr ([1099511627776]byte) needs 1.0 TiB", "line 4:6: new (Big) needs 1.0 TiB"}},
		{"mutex misuse", "import \"sync\"\nvar mu sync.Mutex\nmu.Unlock()\nvar rw sync.RWMutex\nrw.RUnlock()\nmu.Lock(); mu.Unlock(); \"ok\"\n", []string{"\"ok\"\n"},
			[]string{"line 4: panic: sync: unlock of unlocked mutex", "line 6: panic: sync: RUnlock of unlocked RWMutex"}},
		{"a map that contains itself", "m := map[string]any{}\nm[\"me\"] = m\nm\nfmt.Println(m)\ns := fmt.Sprint([]any{m})\nlen(m)\n", []string{"contains itself; not shown", "1\n"},
			[]string{"line 5: panic: fmt.Println: a map[string]interface {} among its arguments contains itself", "line 6: panic: fmt.Sprint:"}},
		{"endless recursion", "func f(n int) int { return f(n+1) }\nf(1)\n", nil, []string{"line 3: f: calls nested", "take more Go stack frames than the limit (25000)"}},
		{"deep finite recursion", "func g(n int) int { if n == 0 { return 0 }; return g(n-1) + 1 }\ng(1000000)\ng(5000)\n", []string{"5000\n"}, []string{"line 3: g: calls nested"}},
		{"panic in a time.AfterFunc callback", "import \"time\"\n_ = time.AfterFunc(10*time.Millisecond, func() { panic(\"boom\") })\ntime.Sleep(300 * time.Millisecond)\n",
			nil, []string{"panic in a time.AfterFunc callback: boom"}},
		{"endless recursion in a goroutine", "go func() { var k func(int) int; k = func(n int) int { return k(n+1) }; k(0) }()\nimport \"time\"\ntime.Sleep(2 * time.Second)\n",
			nil, []string{"a goroutine was stopped for good: func literal in main: calls nested"}},
		{":run and :load of /dev/zero", ":run /dev/zero\n:load /dev/zero\n", nil,
			[]string{"line 2: run: /dev/zero is a device, not a regular file", "line 3: /dev/zero is a device, not a regular file"}},
		{"LoadImage of /dev/zero", "img, err := mnist.LoadImage(\"/dev/zero\")\nerr\n", []string{"error: mnist: /dev/zero is a device, not a regular file"}, nil},
		{"model.Load with a row count of 1e12", "import \"github.com/nnlab/nnlab/nn/model\"\nm, err := model.Load(\"" + rows + "\")\nerr\n",
			[]string{"training position out of range"}, nil},
		{"model.Load with an input of [2^40]", "import \"github.com/nnlab/nnlab/nn/model\"\nm, err := model.Load(\"" + wide + "\")\nerr\n",
			[]string{"input shape [1099511627776]: dimension 1099511627776 out of range"}, nil},
		{":load-model of /dev/zero", "sess := nn.NewSession()\n:load-model /dev/zero\n", nil, []string{"/dev/zero is a device, not a regular file"}},
	}
	if runtime.GOOS == "windows" {
		t.Skip("the cases use /dev/zero")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, status := runPiped(t, "keep := 7\n"+tt.input+"keep\n")
			if !strings.HasSuffix(out, "7\n") {
				t.Errorf("the session did not go on to show keep: stdout %q, stderr %q (status %d)", out, errs, status)
			}
			if status > 1 || strings.Contains(errs, "fatal error") || strings.Contains(errs, "[running]") {
				t.Errorf("exit status %d, stderr %q", status, errs)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout %q lacks %q", out, w)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
		})
	}
}

// TestSaveModelThroughLink: :save-model through a symbolic link replaces
// the file it points to, keeps the link, and leaves no temporary file.
func TestSaveModelThroughLink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "weights.safetensors")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest")
	if err := os.Symlink("weights.safetensors", link); err != nil {
		t.Fatal(err)
	}
	in := fmt.Sprintf("w := nn.Variable(nn.Constant(2, []int{3})).Named(\"w\")\nsess := nn.NewSession()\nsess.Run(nn.GlobalVariablesInitializer(), nil)\n:save-model %s\n:load-model %s\nsess.Run(w, nil)\n", link, target)
	out, errs, status := runPiped(t, in)
	if status != 0 || !strings.Contains(out, "saved sess to "+link) || !strings.Contains(out, "restored sess") {
		t.Fatalf("status %d\nstdout %q\nstderr %q", status, out, errs)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link", link)
	}
	if f, err := safetensors.ReadFile(target); err != nil || len(f.Tensors) != 1 {
		t.Errorf("the link's target was not replaced by the checkpoint: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestTerminalSaveModelInterrupt presses Ctrl-C while :save-model writes
// 128 MB in a terminal. Whenever the interrupt lands, what nnlab says must
// match the file: saved, "unchanged" (the old file intact), or "replaced"
// (the new checkpoint); no temporary file is left; the session goes on.
func TestTerminalSaveModelInterrupt(t *testing.T) {
	env, _ := testEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "big.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, env)
	tm.cell("keep := 7")
	tm.cell(`w := nn.Variable(nn.Constant(1, []int{8192, 4096})).Named("w")`)
	tm.cell("sess := nn.NewSession()")
	tm.send("sess.Run(nn.GlobalVariablesInitializer(), nil); fmt.Println(\"rea\" + \"dy\")\r")
	tm.expect("ready\n") // the echo shows "rea" + "dy": the cell itself has run
	tm.expect(">>> ")
	tm.out.mu.Lock()
	start := tm.out.mark
	tm.out.mu.Unlock()
	tm.send(":save-model " + path + "\r")
	time.Sleep(5 * time.Millisecond) // an attempt to land inside the save, not a condition
	tm.send("\x03")
	tm.send("keep\r")
	tm.expect("\n7\n")
	tm.out.mu.Lock()
	screen := stripANSI(string(tm.out.buf))[start:]
	tm.out.mu.Unlock()
	b, _ := os.ReadFile(path)
	old := string(b) == "old"
	switch {
	case strings.Contains(screen, "is unchanged"):
		if !old {
			t.Errorf("nnlab said unchanged, but the file was replaced:\n%s", screen)
		}
	case strings.Contains(screen, "was replaced"), strings.Contains(screen, "saved sess"):
		if old {
			t.Errorf("nnlab said saved or replaced, but the file is the old one:\n%s", screen)
		}
	default:
		t.Errorf("no word on the file after Ctrl-C:\n%s", screen)
	}
	t.Logf("outcome: %s", strings.TrimSpace(screen))
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	tm.exit()
}
