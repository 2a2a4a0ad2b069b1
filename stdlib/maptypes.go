package stdlib

import (
	"encoding"
	"encoding/json"
	"fmt"
	"log"
	"reflect"
)

// mapTypes tells yaegi which interfaces a compiled function looks for in
// its interface{} arguments. yaegi passes an interpreted value to compiled
// code as a wrapper that has only the methods listed here for that
// function; without the list, fmt.Println(v) would never see v's String
// method. yaegi reads it from the "." entry of the symbols given to Use.
// The list follows yaegi's own stdlib (stdlib/maptypes.go) for the
// packages nnlab ships. Each slice is sorted by the number of methods.
var mapTypes = map[reflect.Value][]reflect.Type{}

func init() {
	printing := []reflect.Type{
		reflect.TypeFor[fmt.Formatter](),
		reflect.TypeFor[fmt.Stringer](),
	}
	for _, f := range []any{
		fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln, fmt.Print, fmt.Printf, fmt.Println,
		fmt.Sprint, fmt.Sprintf, fmt.Sprintln, fmt.Append, fmt.Appendf, fmt.Appendln,
		log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln,
		log.Print, log.Printf, log.Println,
	} {
		mapTypes[reflect.ValueOf(f)] = printing
	}
	scanning := []reflect.Type{reflect.TypeFor[fmt.Scanner]()}
	for _, f := range []any{fmt.Scan, fmt.Scanf, fmt.Scanln, fmt.Sscan, fmt.Sscanf, fmt.Sscanln, fmt.Fscan, fmt.Fscanf, fmt.Fscanln} {
		mapTypes[reflect.ValueOf(f)] = scanning
	}
	mapTypes[reflect.ValueOf(json.Marshal)] = []reflect.Type{
		reflect.TypeFor[json.Marshaler](),
		reflect.TypeFor[encoding.TextMarshaler](),
	}
	mapTypes[reflect.ValueOf(json.MarshalIndent)] = mapTypes[reflect.ValueOf(json.Marshal)]
	mapTypes[reflect.ValueOf(json.Unmarshal)] = []reflect.Type{
		reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextUnmarshaler](),
	}
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
}
