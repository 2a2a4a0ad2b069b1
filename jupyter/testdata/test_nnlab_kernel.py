"""Jupyter's own clients against the nnlab kernel.

Run by TestJupyterClients (kernel_jupyter_test.go), which installs the
kernelspec into a private JUPYTER_PATH first. NNLAB_TIMING_FILE, when set,
receives the measured interrupt latency.
"""

import os
import time
import unittest

import jupyter_kernel_test
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import start_new_kernel

TIMEOUT = 60


class NnlabConformance(jupyter_kernel_test.KernelTests):
    """Jupyter's conformance suite (jupyter_kernel_test)."""

    kernel_name = "nnlab"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'import "os"\nfmt.Fprintln(os.Stderr, "to stderr")'
    completion_samples = [
        {"text": "fmt.Prin", "matches": {"Print", "Printf", "Println"}},
        {"text": "nn.MatM", "matches": {"MatMul"}},
    ]
    complete_code_samples = ["x := 1", "func f() {}", 'fmt.Println("a")', "for i := 0; i < 3; i++ {\n}"]
    incomplete_code_samples = ["func f() {", "x := 1 +", "y := []int{1,\n2,", "s := `raw"]
    invalid_code_samples = ["x)", "}", "a := 1 @ 2"]
    code_generate_error = "nope()"
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": "3.5 * 2", "result": "7"},
    ]
    code_display_data = [
        {"code": "display(nn.Zeros(28, 28))", "mime": "image/png"},
        {"code": 'import "github.com/nnlab/nnlab/nn/model"\ndisplay(model.Sequential(model.Input(784), model.Dense(10, "softmax")))', "mime": "text/html"},
        {"code": "display(42)", "mime": "text/plain"},
    ]
    code_history_pattern = "1 ?*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "nn.MatMul"


def start():
    return start_new_kernel(kernel_name="nnlab", startup_timeout=TIMEOUT)


def run(kc, code):
    """Execute code; return the reply content and the iopub outputs."""
    outs = []
    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=outs.append)
    return reply["content"], outs


def result(outs):
    for m in outs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"]["text/plain"]
    return None


def stdout(outs):
    return "".join(m["content"]["text"] for m in outs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


class NnlabBehaviour(unittest.TestCase):
    """What the issue promises beyond the conformance suite."""

    def setUp(self):
        self.km, self.kc = start()

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def test_interrupt_keeps_values(self):
        run(self.kc, "n := 0\nkept := 7")
        msg_id = self.kc.execute("for {\n\tn++\n}")
        # Wait until the loop runs.
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                break
        time.sleep(0.5)
        t0 = time.monotonic()
        self.km.interrupt_kernel()  # interrupt_mode "message": interrupt_request on control
        while True:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        latency = time.monotonic() - t0
        print(f"interrupt latency: {latency * 1000:.1f} ms")
        if os.environ.get("NNLAB_TIMING_FILE"):
            with open(os.environ["NNLAB_TIMING_FILE"], "w") as f:
                f.write(f"{latency}\n")
        self.assertLess(latency, 5.0, "the promise is 1 s; 5 s allows for a loaded machine")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        _, outs = run(self.kc, "a := n\nkept")
        self.assertEqual(result(outs), "7")
        time.sleep(0.2)
        _, outs = run(self.kc, "n > 0 && n == a")  # counted, then stopped: it does not resume
        self.assertEqual(result(outs), "true")

    def test_restart_is_fresh(self):
        run(self.kc, "x := 5")
        _, outs = run(self.kc, "x")
        self.assertEqual(result(outs), "5")
        self.km.restart_kernel()
        self.kc.wait_for_ready(timeout=TIMEOUT)
        reply, outs = run(self.kc, "x")
        self.assertEqual(reply["status"], "error")
        self.assertIn("undefined: x", reply["evalue"])

    def test_reconnect_gets_output(self):
        run(self.kc, "v := 41")
        self.kc.stop_channels()
        kc2 = self.km.client()
        kc2.start_channels()
        kc2.wait_for_ready(timeout=TIMEOUT)
        try:
            reply, outs = run(kc2, "v++\nfmt.Println(\"v is\", v)")
            self.assertEqual(reply["status"], "ok")
            self.assertEqual(stdout(outs), "v is 42\n")
        finally:
            kc2.stop_channels()
        self.kc = self.km.client()
        self.kc.start_channels()

    def test_wrong_key_is_not_run(self):
        info = self.km.get_connection_info()
        info["key"] = b"not-the-key"
        bad = BlockingKernelClient()
        bad.load_connection_info(info)
        bad.start_channels()
        try:
            bad.execute("hacked := 1")
            with self.assertRaises(Exception):
                bad.get_shell_msg(timeout=2)
        finally:
            bad.stop_channels()
        reply, _ = run(self.kc, "hacked")
        self.assertEqual(reply["status"], "error")
        self.assertIn("undefined: hacked", reply["evalue"])

    def test_failed_cell_keeps_values(self):
        run(self.kc, "w := 3")
        reply, _ = run(self.kc, "v := w + 1\nk := w + nosuch")
        self.assertEqual(reply["status"], "error")
        self.assertIn("line 2", reply["evalue"])
        reply, _ = run(self.kc, "w++\nvar s []int\ns[1] = 0")
        self.assertEqual(reply["status"], "error")
        self.assertIn("line 3", reply["evalue"])
        _, outs = run(self.kc, "w")
        self.assertEqual(result(outs), "4")  # the w++ before the panic happened

    def test_repl_commands(self):
        # The REPL's commands work in a cell of their own, on the same
        # session; the terminal's own ones say what to do instead.
        run(self.kc, "keep := 41")
        reply, outs = run(self.kc, ":doc nn.MatMul")
        self.assertEqual(reply["status"], "ok")
        self.assertIn("func MatMul(a, b *Node) *Node", stdout(outs))
        reply, outs = run(self.kc, ":vars")
        self.assertIn("keep", stdout(outs))
        reply, outs = run(self.kc, ":time t := keep + 1")
        self.assertIn("wall time", stdout(outs))
        reply, _ = run(self.kc, ":reset")
        self.assertEqual(reply["status"], "error")
        self.assertIn("Kernel > Restart", reply["evalue"])
        reply, _ = run(self.kc, ":nosuch")
        self.assertIn("unknown command :nosuch", reply["evalue"])
        _, outs = run(self.kc, "t")
        self.assertEqual(result(outs), "42")
        # A command's name completes.
        self.kc.complete(":ti", 3)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], [":time", ":timeit"])
        self.assertEqual((reply["cursor_start"], reply["cursor_end"]), (0, 3))

    def test_interrupt_during_fit(self):
        # Fit is compiled code: the interrupt reaches it through nn's
        # interrupt flag, as Ctrl-C does in the REPL.
        setup = """import "github.com/nnlab/nnlab/nn/model"
data, err := mnist.ReadDataSets("MNIST_data/", true)
m := model.Sequential(model.Input(784), model.Dense(64, "relu"), model.Dense(10, "softmax"))
m.Compile(nn.AdamOptimizer(0.001))
kept := 7"""
        reply, _ = run(self.kc, setup)
        self.assertEqual(reply["status"], "ok", reply)
        msg_id = self.kc.execute("h := m.Fit(data.Train, model.FitOptions{Epochs: 50})")
        time.sleep(2)
        t0 = time.monotonic()
        self.km.interrupt_kernel()
        while True:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        latency = time.monotonic() - t0
        print(f"interrupt latency during Fit: {latency * 1000:.1f} ms")
        self.assertLess(latency, 5.0)
        _, outs = run(self.kc, "kept")
        self.assertEqual(result(outs), "7")
        reply, outs = run(self.kc, 'fmt.Println("after", kept)')
        self.assertEqual(stdout(outs), "after 7\n")

    def test_stdin_input_request(self):
        code = 'var a, b int\nfmt.Scan(&a)\nfmt.Scan(&b)\nfmt.Println("sum", a+b)'
        answers = iter(["40", "2"])
        prompts = []

        def answer(msg):
            prompts.append(msg["content"])
            self.kc.input(next(answers))

        outs = []
        reply = self.kc.execute_interactive(code, timeout=TIMEOUT, allow_stdin=True, stdin_hook=answer, output_hook=outs.append)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(len(prompts), 2)
        self.assertEqual(stdout(outs), "sum 42\n")
        # A front end without stdin (nbclient): reads see end of file.
        outs = []
        reply = self.kc.execute_interactive('n, err := fmt.Scan(&a)\nfmt.Println(n, err)', timeout=TIMEOUT, allow_stdin=False, output_hook=outs.append)
        self.assertEqual(stdout(outs), "0 EOF\n")

    def test_interrupt_while_waiting_for_input(self):
        run(self.kc, "kept := 7")
        msg_id = self.kc.execute("var a int\nfmt.Scan(&a)", allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(req["msg_type"], "input_request")
        t0 = time.monotonic()
        self.km.interrupt_kernel()
        while True:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        print(f"interrupt latency while waiting for input: {(time.monotonic() - t0) * 1000:.1f} ms")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        _, outs = run(self.kc, "kept")
        self.assertEqual(result(outs), "7")

    def test_fit_progress_updates_one_display(self):
        # Fit shows its progress and chart in one display updated in place
        # (display_id, update_display_data), never with terminal escapes.
        code = """import "github.com/nnlab/nnlab/nn/model"
m := model.Sequential(model.Input(4), model.Dense(2, "softmax"))
m.Compile(nn.AdamOptimizer(0.01))
xs := nn.NewTensor([]float32{0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0}, 4, 4)
ys := nn.NewTensor([]float32{1, 0, 0, 1, 1, 0, 0, 1}, 4, 2)
fmt.Println("before")
h := m.FitArrays(xs, ys, model.FitOptions{Epochs: 3, BatchSize: 2})
fmt.Println("after")
len(h.Epochs)"""
        reply, outs = run(self.kc, code)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(result(outs), "3")
        self.assertEqual(stdout(outs), "before\nafter\n")
        for m in outs:
            self.assertNotIn("\x1b", str(m["content"]), "terminal escapes in a notebook")
        shows = [m for m in outs if m["msg_type"] == "display_data"]
        updates = [m for m in outs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shows), 1, [m["msg_type"] for m in outs])
        display_id = shows[0]["content"]["transient"]["display_id"]
        self.assertTrue(display_id)
        self.assertGreaterEqual(len(updates), 3, "one update per epoch at least")
        for u in updates:
            self.assertEqual(u["content"]["transient"]["display_id"], display_id)
        types = [m["msg_type"] for m in outs]
        self.assertLess(types.index("display_data"), types.index("update_display_data"))
        last = updates[-1]["content"]["data"]
        self.assertIn("Epoch 3/3", last["text/plain"])
        self.assertIn("image/png", last)
        # A second Fit gets a display of its own.
        _, outs = run(self.kc, "m.FitArrays(xs, ys, model.FitOptions{Epochs: 1, BatchSize: 2})")
        again = [m for m in outs if m["msg_type"] == "display_data"]
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again[0]["content"]["transient"]["display_id"], display_id)


if __name__ == "__main__":
    unittest.main()
