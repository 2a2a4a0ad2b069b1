// Command go2ipynb writes a Jupyter notebook for the nnlab kernel from a Go
// script whose func main is cut into cells by "// %%" comments:
//
//	go run ./jupyter/notebook/go2ipynb -o examples/tutorial.ipynb examples/tutorial.go
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/jupyter/notebook"
)

func main() {
	out := flag.String("o", "", "the notebook to write (default: standard output)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: go2ipynb [-o FILE.ipynb] SCRIPT.go")
		os.Exit(2)
	}
	nb, err := notebook.FromScript(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go2ipynb:", err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		fmt.Fprintln(os.Stderr, "go2ipynb:", err)
		os.Exit(1)
	}
	if *out == "" {
		os.Stdout.Write(buf.Bytes())
		return
	}
	if err := atomicfile.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "go2ipynb:", err)
		os.Exit(1)
	}
}
