package runtime

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// hideUnexported gives each unexported field of the struct type st the
// tag json:"-". yaegi v0.16.1 builds a struct's reflect type with every
// field exported (inner becomes Xinner), so encoding/json wrote and read
// fields that Go's skips: json.Marshal(Item{inner: 3}) gave "Xinner":3.
// Go's json ignores an unexported field whatever its tag says, so the
// field's json key, if any, is replaced; its other keys stay.
func (r *rewriter) hideUnexported(st *ast.StructType) {
	if st.Fields == nil {
		return
	}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 || !allUnexported(f.Names) {
			continue // embedded, or exported names beside unexported ones
		}
		if f.Tag == nil {
			r.edits = append(r.edits, edit{r.off(f.Type.End()), r.off(f.Type.End()), " `json:\"-\"`"})
			continue
		}
		old, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		r.edits = append(r.edits, edit{r.off(f.Tag.Pos()), r.off(f.Tag.End()), tagLiteral(withoutKey(old, "json"), `json:"-"`)})
	}
}

func allUnexported(names []*ast.Ident) bool {
	for _, n := range names {
		if token.IsExported(n.Name) || n.Name == "_" {
			return false
		}
	}
	return true
}

// withoutKey returns the struct tag tag without its key's pair, keeping
// the other pairs (key:"value", separated by spaces) as written.
func withoutKey(tag, key string) string {
	var kept []string
	for tag != "" {
		tag = strings.TrimLeft(tag, " ")
		i := strings.Index(tag, `:"`)
		if i <= 0 {
			break // not key:"value": what is left is kept as written
		}
		j := i + 2
		for j < len(tag) && tag[j] != '"' {
			if tag[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(tag) {
			break
		}
		if tag[:i] != key {
			kept = append(kept, tag[:j+1])
		}
		tag = tag[j+1:]
	}
	if tag = strings.TrimSpace(tag); tag != "" {
		kept = append(kept, tag)
	}
	return strings.Join(kept, " ")
}

// tagLiteral joins pairs into a tag and writes it as a Go literal.
func tagLiteral(rest, pair string) string {
	t := pair
	if rest != "" {
		t = pair + " " + rest
	}
	if strings.Contains(t, "`") {
		return strconv.Quote(t)
	}
	return "`" + t + "`"
}
