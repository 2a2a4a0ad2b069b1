package runtime

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// maxDisplay bounds the length of a displayed value.
const maxDisplay = 4000

// formatValues renders the results of a bare expression the way Python's
// REPL does: numbers plain, strings quoted, values with a String method
// through it, errors through Error. A trailing nil error is dropped, so a
// call returning only a nil error displays nothing; several values are shown
// as a parenthesised tuple. A call whose only result is nil displays
// nothing (like Python's None); a nil variable displays "nil".
func formatValues(vals []any, call bool) string {
	if n := len(vals); n > 0 && vals[n-1] == nil && n > 1 {
		vals = vals[:n-1]
	}
	if len(vals) == 1 && call && isNil(vals[0]) {
		return ""
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = formatValue(v)
	}
	out := parts[0]
	if len(parts) > 1 {
		out = "(" + strings.Join(parts, ", ") + ")"
	}
	if len(out) > maxDisplay {
		out = out[:maxDisplay] + " …"
	}
	return out
}

// formatValue renders one value (see formatValues).
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case error:
		return "error: " + x.Error()
	case fmt.Stringer:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "nil"
		}
		return x.String()
	}
	return fmt.Sprintf("%v", v)
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}
