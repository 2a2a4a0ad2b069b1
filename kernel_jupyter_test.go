package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// jupyterPython is the Python with Debian's Jupyter packages (.ci/run
// installs them); the conformance tests skip without them.
const jupyterPython = "/usr/bin/python3"

// jupyterEnv installs the kernelspec with `nnlab kernel install --prefix`
// into a private directory and returns an environment in which Jupyter
// finds it and nothing else of the user's.
func jupyterEnv(t *testing.T, modules ...string) []string {
	t.Helper()
	if _, err := os.Stat(jupyterPython); err != nil {
		t.Skipf("no %s: the Jupyter client tests need Debian's python3-jupyter-client, python3-jupyter-kernel-test", jupyterPython)
	}
	for _, m := range modules {
		if err := exec.Command(jupyterPython, "-c", "import "+m).Run(); err != nil {
			t.Skipf("Python module %s is missing (Debian package python3-%s): skipping the Jupyter client test", m, strings.ReplaceAll(m, "_", "-"))
		}
	}
	env, _ := testEnv(t)
	prefix := t.TempDir()
	out, err := exec.Command(nnlabBin, "kernel", "install", "--prefix", prefix).CombinedOutput()
	if err != nil {
		t.Fatalf("nnlab kernel install: %v\n%s", err, out)
	}
	var clean []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "JUPYTER_") {
			clean = append(clean, kv)
		}
	}
	data := filepath.Join(prefix, "share", "jupyter")
	return append(clean, "JUPYTER_PATH="+data, "JUPYTER_DATA_DIR="+filepath.Join(t.TempDir(), "data"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(t.TempDir(), "runtime"), "JUPYTER_PLATFORM_DIRS=1")
}

// TestJupyterClients runs jupyter/testdata/test_nnlab_kernel.py: Jupyter's
// conformance suite (jupyter_kernel_test), then interrupt, restart,
// reconnect and signature checks through jupyter_client.
func TestJupyterClients(t *testing.T) {
	env := jupyterEnv(t, "jupyter_client", "jupyter_kernel_test")
	timing := filepath.Join(t.TempDir(), "latency")
	cmd := exec.Command(jupyterPython, "-m", "unittest", "-v", "test_nnlab_kernel")
	cmd.Dir = filepath.Join("jupyter", "testdata")
	cmd.Env = append(env, "NNLAB_TIMING_FILE="+timing)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("the Jupyter client tests failed: %v", err)
	}
	if b, err := os.ReadFile(timing); err == nil {
		t.Logf("interrupt latency through jupyter_client: %s s", strings.TrimSpace(string(b)))
	}
	if strings.Contains(string(out), "skipped") {
		t.Logf("some conformance tests were skipped (see above): those the kernel does not offer")
	}
}

// TestKernelspecList checks that `jupyter kernelspec list` shows the
// installed kernel.
func TestKernelspecList(t *testing.T) {
	env := jupyterEnv(t, "jupyter_client")
	cmd := exec.Command(jupyterPython, "-m", "jupyter_client.kernelspecapp", "list")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "nnlab ") {
		t.Errorf("jupyter kernelspec list does not show nnlab:\n%s", out)
	}
}

// TestRichDisplayNbclient runs jupyter/testdata/rich_display.py: a notebook
// that trains a small model in the kernel through nbclient, whose results
// carry images and tables besides their text.
func TestRichDisplayNbclient(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	env := jupyterEnv(t, "nbclient", "nbformat")
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(jupyterPython, filepath.Join("jupyter", "testdata", "rich_display.py"), root, filepath.Join(t.TempDir(), "rich.ipynb"))
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rich_display.py: %v\n%s", err, stderr.String())
	}
	t.Log(strings.TrimSpace(stderr.String()))
	var cells []struct {
		Types []string `json:"types"`
		Text  string   `json:"text"`
	}
	if err := json.Unmarshal(out, &cells); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := []struct{ types, text string }{
		{"[]", ""},
		{"[image/png text/plain]", "Tensor(shape=[784], float32)"},
		{"[text/html text/plain]", "Layer (type)"},
		// Fit's progress: one display (nbclient applies its updates in
		// place), then the history.
		{"[image/png text/plain image/png text/html text/plain]", "Epoch 2/2  430/430"},
		{"[text/html text/plain]", "predicted"},
		{"[text/html text/plain]", ""},
	}
	if len(cells) != len(want) {
		t.Fatalf("%d cells, want %d: %s", len(cells), len(want), out)
	}
	for i, w := range want {
		if got := fmt.Sprint(cells[i].Types); got != w.types || !strings.Contains(cells[i].Text, w.text) {
			t.Errorf("cell %d: types %s, text %.80q; want %s and a text with %q", i+1, got, cells[i].Text, w.types, w.text)
		}
	}
}

// A kernel whose front end died without a shutdown_request stops by
// itself, instead of living on with its ports bound.
func TestKernelStopsWithoutParent(t *testing.T) {
	var ports []int
	for range 5 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	conn := writeFile(t, "conn.json", fmt.Sprintf(`{"transport": "tcp", "ip": "127.0.0.1", "shell_port": %d, "control_port": %d, "iopub_port": %d, "stdin_port": %d, "hb_port": %d, "key": "k", "signature_scheme": "hmac-sha256"}`, ports[0], ports[1], ports[2], ports[3], ports[4]))
	pidFile := filepath.Join(t.TempDir(), "pid")
	// The shell starts the kernel, writes its pid and exits: the kernel is
	// orphaned at once.
	sh := exec.Command("sh", "-c", `"$0" kernel -f "$1" 2>"$2.err" & echo $! > "$2"; sleep 1`, nnlabBin, conn, pidFile)
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(string(b))
	start := time.Now()
	for exec.Command("kill", "-0", pid).Run() == nil {
		if time.Since(start) > hangGuard {
			exec.Command("kill", pid).Run()
			t.Fatal("the orphaned kernel is still running")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the orphaned kernel stopped after %v", time.Since(start))
	if log, _ := os.ReadFile(pidFile + ".err"); !strings.Contains(string(log), "has gone") {
		t.Errorf("kernel log: %q", log)
	}
}

// nnlab kernel install writes kernels/nnlab under the directory each flag
// names, with the binary's absolute path; bad flags get one clear error.
func TestKernelInstall(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args   []string
		env    []string
		want   string // the kernelspec directory
		status int
		stderr string
	}{
		{[]string{"install", "--user"}, []string{"JUPYTER_DATA_DIR=" + dir + "/data"}, dir + "/data/kernels/nnlab", 0, ""},
		{[]string{"install"}, []string{"JUPYTER_DATA_DIR=" + dir + "/default"}, dir + "/default/kernels/nnlab", 0, ""},
		{[]string{"install", "--prefix", dir + "/prefix"}, nil, dir + "/prefix/share/jupyter/kernels/nnlab", 0, ""},
		{[]string{"install", "--sys-prefix"}, []string{"VIRTUAL_ENV=" + dir + "/venv", "CONDA_PREFIX="}, dir + "/venv/share/jupyter/kernels/nnlab", 0, ""},
		{[]string{"install", "--user", "--prefix", dir}, nil, "", 2, "give one of --user, --sys-prefix, --prefix DIR"},
		{[]string{}, nil, "", 2, "nnlab kernel -f CONNECTION_FILE"},
		{[]string{"-f", dir + "/missing.json"}, nil, "", 1, "missing.json"},
	}
	for _, tt := range tests {
		env, _ := testEnv(t)
		cmd := exec.Command(nnlabBin, append([]string{"kernel"}, tt.args...)...)
		cmd.Env = append(env, tt.env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		}
		if status != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("nnlab kernel %v: status %d, stderr %q; want %d and %q", tt.args, status, stderr.String(), tt.status, tt.stderr)
			continue
		}
		if tt.want == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(tt.want, "kernel.json"))
		if err != nil {
			t.Errorf("nnlab kernel %v: %v", tt.args, err)
			continue
		}
		var spec struct {
			Argv []string `json:"argv"`
		}
		json.Unmarshal(b, &spec)
		if len(spec.Argv) == 0 || spec.Argv[0] != nnlabBin {
			t.Errorf("nnlab kernel %v: argv %v, want the binary %s first", tt.args, spec.Argv, nnlabBin)
		}
		if _, err := os.Stat(filepath.Join(tt.want, "logo-64x64.png")); err != nil {
			t.Errorf("nnlab kernel %v: %v", tt.args, err)
		}
	}
}
