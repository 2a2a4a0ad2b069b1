package repl

import (
	"io"
	"os"

	"github.com/chzyer/readline"
	"golang.org/x/sys/windows"
)

// setUpConsole adapts the readline configuration to a Windows console:
//
//   - The console's output interprets escape sequences (virtual-terminal
//     mode, Windows 10 and later), which readline writes to redraw the
//     line. Where the mode cannot be set, readline's own writer translates
//     them into console calls.
//   - Ctrl-Z ends the input on an empty line, as it does for Windows
//     programs, instead of suspending the process as on Unix (readline
//     would wait forever to be resumed).
//
// The returned func restores the console modes it changed.
func setUpConsole(cfg *readline.Config) (undo func()) {
	var undos []func()
	for _, w := range []*io.Writer{&cfg.Stdout, &cfg.Stderr} {
		f, ok := (*w).(*os.File)
		if !ok {
			continue
		}
		h := windows.Handle(f.Fd())
		var mode uint32
		if windows.GetConsoleMode(h, &mode) != nil {
			continue // redirected: readline writes no escapes there
		}
		if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
			continue
		}
		if windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) != nil {
			*w = readline.NewANSIWriter(f)
			continue
		}
		undos = append(undos, func() { windows.SetConsoleMode(h, mode) })
	}
	filter := cfg.FuncFilterInputRune
	cfg.FuncFilterInputRune = func(r rune) (rune, bool) {
		if r == readline.CharCtrlZ {
			r = readline.CharDelete // Ctrl-D: end of input on an empty line
		}
		if filter != nil {
			return filter(r)
		}
		return r, true
	}
	return func() {
		for _, u := range undos {
			u()
		}
	}
}

// restoreOnKill does nothing on Windows: closing the console window, logging
// off and shutting down end the process together with its console, so no
// console mode is left behind to restore.
func restoreOnKill(*readline.Instance) (undo func()) { return func() {} }
