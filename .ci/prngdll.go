//go:build ignore

// prngdll writes bcryptprimitives.dll for Wine: Go programs for Windows
// (since Go 1.24) need its ProcessPrng at start-up, and Wine 8.0 (Debian
// 12's) has no such DLL. The file written holds one forwarded export,
// ProcessPrng -> advapi32.SystemFunction036 (RtlGenRandom, which fills a
// buffer with random bytes and returns a true BOOLEAN, as ProcessPrng
// does), and no code.
//
//	go run .ci/prngdll.go $WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/prngdll.go OUT.dll")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], dll(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

const (
	fileAlign = 0x200
	sectAlign = 0x1000
	edataRVA  = sectAlign // the one section, right after the headers
)

// dll returns the image: headers in the first 0x200 bytes, the export
// section in the next 0x200, mapped at RVA 0x1000.
func dll() []byte {
	edata := exports("bcryptprimitives.dll", "ProcessPrng", "advapi32.SystemFunction036")
	var b bytes.Buffer
	w := func(v ...any) {
		for _, x := range v {
			binary.Write(&b, binary.LittleEndian, x)
		}
	}
	// DOS header: only the magic and the offset of the PE header matter.
	w([2]byte{'M', 'Z'}, [29]uint16{}, uint32(0x40))
	// PE signature and COFF header: x86-64, one section, a DLL.
	w([4]byte{'P', 'E'}, uint16(0x8664), uint16(1), uint32(0), uint32(0), uint32(0), uint16(240), uint16(0x2022))
	// PE32+ optional header.
	w(uint16(0x20b), uint8(14), uint8(0), uint32(0), uint32(fileAlign), uint32(0), uint32(0), uint32(edataRVA))
	w(uint64(0x6f000000), uint32(sectAlign), uint32(fileAlign))
	w(uint16(6), uint16(0), uint16(0), uint16(0), uint16(6), uint16(0), uint32(0))
	w(uint32(2*sectAlign), uint32(fileAlign), uint32(0), uint16(3), uint16(0x100))
	w(uint64(0x100000), uint64(0x1000), uint64(0x100000), uint64(0x1000), uint32(0), uint32(16))
	// Data directories: only the export table.
	w(uint32(edataRVA), uint32(len(edata)), [15][2]uint32{})
	// Section header: initialized, readable data.
	w([8]byte{'.', 'e', 'd', 'a', 't', 'a'}, uint32(len(edata)), uint32(edataRVA), uint32(fileAlign), uint32(fileAlign))
	w(uint32(0), uint32(0), uint16(0), uint16(0), uint32(0x40000040))
	b.Write(make([]byte, fileAlign-b.Len()))
	b.Write(edata)
	b.Write(make([]byte, 2*fileAlign-b.Len()))
	return b.Bytes()
}

// exports returns an export directory, as placed at edataRVA, naming the
// DLL and one function forwarded to target ("dll.function"). A function's
// address that points inside the export directory is a forwarder string.
func exports(dllName, name, target string) []byte {
	const dirSize = 40
	eat := uint32(edataRVA + dirSize) // address table: 1 entry
	names := eat + 4                  // name pointer table: 1 entry
	ords := names + 4                 // ordinal table: 1 entry
	strs := ords + 4                  // strings (2 bytes of padding before)
	nameRVA := strs
	fnRVA := nameRVA + uint32(len(dllName)) + 1
	fwdRVA := fnRVA + uint32(len(name)) + 1
	var b bytes.Buffer
	w := func(v ...any) {
		for _, x := range v {
			binary.Write(&b, binary.LittleEndian, x)
		}
	}
	w(uint32(0), uint32(0), uint16(0), uint16(0), nameRVA, uint32(1), uint32(1), uint32(1), eat, names, ords)
	w(fwdRVA, fnRVA, uint16(0), uint16(0))
	for _, s := range []string{dllName, name, target} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.Bytes()
}
