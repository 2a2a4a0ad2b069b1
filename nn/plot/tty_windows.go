package plot

import "golang.org/x/sys/windows"

// enableVT switches the console behind handle h to interpreting escape
// sequences (colours, cursor movement), as Windows 10 and later consoles
// can, and reports whether it now does. Where it cannot, the console gets
// plain output. The mode is left on: it is a property of the console that
// the programs writing to it set as they need.
func enableVT(h uintptr) bool {
	var info windows.ConsoleScreenBufferInfo
	if windows.GetConsoleScreenBufferInfo(windows.Handle(h), &info) != nil {
		return false // not a console's output (on its input, bit 4 is echo)
	}
	var mode uint32
	if windows.GetConsoleMode(windows.Handle(h), &mode) != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(windows.Handle(h), mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
