package runtime

import (
	"fmt"
	"go/types"
)

// twiceError refuses a cell that declares one global twice with different
// types, as in `x := "a"; type Q int; x := 2`. The check allows it (each
// run of statements is checked as its own block), but the interpreter
// compiles the whole cell before running it and fails on the second type,
// having already reset x: refusing it first keeps every value.
func twiceError(ck *checked) error {
	first := map[string]newObj{}
	for _, o := range ck.objs {
		if _, ok := o.obj.(*types.Var); !ok || o.name == "_" {
			continue
		}
		p, seen := first[o.name]
		if !seen {
			first[o.name] = o
			continue
		}
		if !types.Identical(p.obj.Type(), o.obj.Type()) {
			return fmt.Errorf("line %d:%d: %s is declared again in this cell with another type (%s at line %d, now %s): the interpreter cannot give a name two types in one cell; put the second declaration in a cell of its own, or use another name",
				o.at.line, o.at.col, o.name, typeString(p.obj.Type()), p.at.line, typeString(o.obj.Type()))
		}
	}
	return nil
}
