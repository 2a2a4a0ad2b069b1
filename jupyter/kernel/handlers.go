package kernel

import (
	"context"
	"encoding/json"
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"

	"github.com/nnlab/nnlab/jupyter/mime"
	"github.com/nnlab/nnlab/jupyter/wire"
	"github.com/nnlab/nnlab/repl/docs"
)

// histSession is the history session number of the kernel's cells: the
// history lives as long as the process.
const histSession = 1

// handle answers one request received on s, between status busy and idle.
func (k *Kernel) handle(ctx context.Context, s zmq4.Socket, m *wire.Message) {
	k.publish(m, "status", map[string]any{"execution_state": "busy"})
	defer k.publish(m, "status", map[string]any{"execution_state": "idle"})
	t := m.Header.MsgType
	reply := strings.TrimSuffix(t, "_request") + "_reply"
	switch t {
	case "kernel_info_request":
		k.send(s, m, reply, k.kernelInfo())
	case "execute_request":
		k.send(s, m, reply, k.execute(m))
	case "is_complete_request":
		k.send(s, m, reply, k.isComplete(m))
	case "complete_request":
		k.send(s, m, reply, k.complete(m))
	case "inspect_request":
		k.send(s, m, reply, k.inspect(m))
	case "history_request":
		k.send(s, m, reply, k.historyReply(m))
	case "comm_info_request":
		k.send(s, m, reply, map[string]any{"status": "ok", "comms": map[string]any{}})
	case "interrupt_request":
		k.interrupt()
		k.send(s, m, reply, map[string]any{"status": "ok"})
	case "shutdown_request":
		var c struct {
			Restart bool `json:"restart"`
		}
		json.Unmarshal(m.Content, &c)
		k.interrupt()
		k.send(s, m, reply, map[string]any{"status": "ok", "restart": c.Restart})
		select {
		case k.shutdown <- c.Restart:
		default:
		}
	case "comm_open":
		// No comm targets: tell the front end the comm is closed.
		var c struct {
			CommID string `json:"comm_id"`
		}
		json.Unmarshal(m.Content, &c)
		k.publish(m, "comm_close", map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	case "comm_msg", "comm_close":
	default:
		k.log.Printf("unknown message type %q ignored", t)
	}
}

// kernelInfo is the content of kernel_info_reply.
func (k *Kernel) kernelInfo() map[string]any {
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       wire.ProtocolVersion,
		"implementation":         "nnlab",
		"implementation_version": k.cfg.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            "1.22",
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner":     "nnlab " + k.cfg.Version + ": neural networks in Go, one cell at a time",
		"help_links": []any{},
	}
}

// execute runs an execute_request's code and returns the reply's content.
func (k *Kernel) execute(m *wire.Message) map[string]any {
	var c struct {
		Code            string            `json:"code"`
		Silent          bool              `json:"silent"`
		StoreHistory    *bool             `json:"store_history"`
		UserExpressions map[string]string `json:"user_expressions"`
		AllowStdin      bool              `json:"allow_stdin"`
		StopOnError     *bool             `json:"stop_on_error"`
	}
	if err := json.Unmarshal(m.Content, &c); err != nil {
		return errorContent(k.count, "BadRequest", "execute_request: "+err.Error())
	}
	store := !c.Silent && (c.StoreHistory == nil || *c.StoreHistory)
	ctx, cancel := context.WithCancel(context.Background())
	k.mu.Lock()
	if store {
		k.count++
	}
	count := k.count
	k.cancel = cancel
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.cancel = nil
		k.mu.Unlock()
		cancel()
	}()

	k.stdout.setParent(m)
	k.stderr.setParent(m)
	k.input.setParent(ctx, m, c.AllowStdin)
	if !c.Silent {
		k.publish(m, "execute_input", map[string]any{"code": c.Code, "execution_count": count})
	}
	out, err := k.run(ctx, c.Code)
	k.stdout.Flush()
	k.stderr.Flush()
	if store {
		k.mu.Lock()
		k.history = append(k.history, histEntry{line: count, input: c.Code, output: out})
		k.mu.Unlock()
	}
	if err != nil {
		ename := "Error"
		if ctx.Err() != nil {
			ename = "Interrupted"
		}
		if c.StopOnError == nil || *c.StopOnError {
			k.mu.Lock()
			k.failedAt = time.Now()
			k.mu.Unlock()
		}
		e := errorContent(count, ename, strings.TrimRight(err.Error(), "\n"))
		k.publish(m, "error", map[string]any{"ename": e["ename"], "evalue": e["evalue"], "traceback": e["traceback"]})
		return e
	}
	if out != "" && !c.Silent {
		k.publish(m, "execute_result", map[string]any{
			"execution_count": count,
			"data":            k.bundle(out),
			"metadata":        map[string]any{},
		})
	}
	return map[string]any{
		"status":           "ok",
		"execution_count":  count,
		"payload":          []any{},
		"user_expressions": k.userExpressions(c.UserExpressions),
	}
}

// run runs a cell: a command through Config.Command, code in the session.
func (k *Kernel) run(ctx context.Context, code string) (out string, err error) {
	if k.cfg.Command != nil {
		if isCmd, err := k.cfg.Command(ctx, code); isCmd {
			return "", err
		}
	}
	return k.sess.Eval(ctx, code)
}

// bundle is the MIME bundle of the value a cell displayed as out: rich
// types when the session can give the value itself (see mime.For).
func (k *Kernel) bundle(out string) mime.Bundle {
	if a, ok := k.sess.(interface{ Ans() (any, bool) }); ok {
		if v, ok := a.Ans(); ok {
			return mime.For(v, out)
		}
	}
	return mime.Bundle{"text/plain": strings.TrimRight(out, "\n")}
}

// errorContent is an error reply's content; the traceback is the one line
// the session reports, which names the user's line.
func errorContent(count int, ename, evalue string) map[string]any {
	return map[string]any{
		"status":          "error",
		"execution_count": count,
		"ename":           ename,
		"evalue":          evalue,
		"traceback":       []string{evalue},
	}
}

// userExpressions evaluates the expressions a front end asked for after the
// cell.
func (k *Kernel) userExpressions(exprs map[string]string) map[string]any {
	out := map[string]any{}
	for name, expr := range exprs {
		v, err := k.sess.Eval(context.Background(), expr)
		if err != nil {
			out[name] = map[string]any{"status": "error", "ename": "Error", "evalue": err.Error(), "traceback": []string{err.Error()}}
			continue
		}
		out[name] = map[string]any{"status": "ok", "data": map[string]any{"text/plain": strings.TrimRight(v, "\n")}, "metadata": map[string]any{}}
	}
	return out
}

// isComplete answers is_complete_request with the REPL's continuation test:
// incomplete when the REPL would read another line, invalid when the Go
// scanner rejects the code or a bracket closes that was never opened.
func (k *Kernel) isComplete(m *wire.Message) map[string]any {
	var c struct {
		Code string `json:"code"`
	}
	json.Unmarshal(m.Content, &c)
	switch {
	case k.cfg.NeedsMore(c.Code):
		return map[string]any{"status": "incomplete", "indent": indentOf(c.Code)}
	case invalid(c.Code):
		return map[string]any{"status": "invalid"}
	}
	return map[string]any{"status": "complete"}
}

// indentOf is the indentation for the line after code: the last line's,
// one level deeper after an opening bracket.
func indentOf(code string) string {
	last := code[strings.LastIndexByte(code, '\n')+1:]
	ind := last[:len(last)-len(strings.TrimLeft(last, " \t"))]
	if t := strings.TrimRight(last, " \t"); strings.HasSuffix(t, "{") || strings.HasSuffix(t, "(") || strings.HasSuffix(t, "[") {
		ind += "    "
	}
	return ind
}

// invalid reports whether code can never become a valid cell by adding
// lines: a scanner error, or a closing bracket without its opening one.
func invalid(code string) bool {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	bad := false
	var s scanner.Scanner
	s.Init(file, []byte(code), func(token.Position, string) { bad = true }, scanner.ScanComments)
	var stack []token.Token
	pair := map[token.Token]token.Token{token.RPAREN: token.LPAREN, token.RBRACK: token.LBRACK, token.RBRACE: token.LBRACE}
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return bad
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, tok)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) == 0 || stack[len(stack)-1] != pair[tok] {
				return true
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// complete answers complete_request with the session's completer, on the
// line that holds the cursor, as the REPL does. Positions in the protocol
// count Unicode code points.
func (k *Kernel) complete(m *wire.Message) map[string]any {
	var c struct {
		Code      string `json:"code"`
		CursorPos int    `json:"cursor_pos"`
	}
	json.Unmarshal(m.Content, &c)
	pos := byteOffset(c.Code, c.CursorPos)
	start := strings.LastIndexByte(c.Code[:pos], '\n') + 1
	end := len(c.Code)
	if i := strings.IndexByte(c.Code[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	var cands []string
	var from int
	if line := c.Code[start:pos]; start == 0 && strings.HasPrefix(line, ":") && !strings.ContainsAny(line, " \t") {
		// A command's name (see Config.Command).
		for _, n := range k.cfg.CommandNames {
			if strings.HasPrefix(":"+n, line) {
				cands = append(cands, ":"+n)
			}
		}
	} else {
		cands, from = k.sess.Complete(c.Code[start:end], pos-start)
	}
	if cands == nil {
		cands = []string{}
	}
	from = min(max(from, 0), pos-start)
	return map[string]any{
		"status":       "ok",
		"matches":      cands,
		"cursor_start": utf8.RuneCountInString(c.Code[:start+from]),
		"cursor_end":   utf8.RuneCountInString(c.Code[:pos]),
		"metadata":     map[string]any{},
	}
}

// byteOffset converts a position in code points to a byte offset in s,
// clamped to s.
func byteOffset(s string, runes int) int {
	if runes < 0 {
		return len(s)
	}
	for i := range s {
		if runes == 0 {
			return i
		}
		runes--
	}
	return len(s)
}

// inspect answers inspect_request with the documentation :doc shows for
// the name at the cursor: a package or symbol (nn.Dense, fmt.Println), a
// session value's type or a method through it (sess.Run), or a symbol
// named without its package.
func (k *Kernel) inspect(m *wire.Message) map[string]any {
	var c struct {
		Code      string `json:"code"`
		CursorPos int    `json:"cursor_pos"`
	}
	json.Unmarshal(m.Content, &c)
	name := nameAt(c.Code, byteOffset(c.Code, c.CursorPos))
	text, found := k.doc(name)
	data := map[string]any{}
	if found {
		data["text/plain"] = strings.TrimRight(text, "\n")
	}
	return map[string]any{"status": "ok", "found": found, "data": data, "metadata": map[string]any{}}
}

// doc is the documentation of name, found the way :doc finds it.
func (k *Kernel) doc(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	if text, ok := docs.Lookup(name); ok {
		return text, true
	}
	root, sel, hasSel := strings.Cut(name, ".")
	if typ, ok := k.sess.TypeOf(root); ok {
		if hasSel && !strings.Contains(sel, ".") {
			if text, ok := docs.Method(typ, sel); ok {
				return name + ": method of " + typ + "\n\n" + text, true
			}
		}
		if !hasSel {
			if text, ok := docs.ForType(typ); ok {
				return name + ": " + typ + "\n\n" + text, true
			}
			return name + ": " + typ, true
		}
	}
	return docs.LookupName(name)
}

// selectorChain is an identifier followed by .Name selectors.
var selectorChain = regexp.MustCompile(`^[\pL_][\pL\pN_]*(\.[\pL_][\pL\pN_]*)*$`)

// nameAt is the selector chain (nn.Dense, sess.Run) around byte offset pos,
// or the one before an opening parenthesis just before pos (nn.Dense(|).
func nameAt(code string, pos int) string {
	isName := func(r rune) bool {
		return r == '.' || r == '_' || r >= 0x80 || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	start, end := pos, pos
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:start])
		if !isName(r) {
			break
		}
		start -= n
	}
	for end < len(code) {
		r, n := utf8.DecodeRuneInString(code[end:])
		if !isName(r) || r == '.' {
			break
		}
		end += n
	}
	if start == end && pos > 0 && code[pos-1] == '(' {
		return nameAt(code, pos-1)
	}
	name := strings.Trim(code[start:end], ".")
	if !selectorChain.MatchString(name) {
		return ""
	}
	return name
}

// historyReply answers history_request from the cells run so far: the
// tail, a range of execution counts, or those that match a glob pattern.
func (k *Kernel) historyReply(m *wire.Message) map[string]any {
	var c struct {
		Output     bool   `json:"output"`
		AccessType string `json:"hist_access_type"`
		Session    int    `json:"session"`
		Start      int    `json:"start"`
		Stop       int    `json:"stop"`
		N          *int   `json:"n"`
		Pattern    string `json:"pattern"`
		Unique     bool   `json:"unique"`
	}
	if err := json.Unmarshal(m.Content, &c); err != nil {
		return map[string]any{"status": "error", "ename": "BadRequest", "evalue": err.Error(), "traceback": []string{err.Error()}, "history": []any{}}
	}
	k.mu.Lock()
	hist := append([]histEntry(nil), k.history...)
	k.mu.Unlock()
	var sel []histEntry
	switch c.AccessType {
	case "tail":
		sel = hist
	case "range":
		if c.Session > 0 && c.Session != histSession {
			break
		}
		for _, h := range hist {
			if h.line >= c.Start && (c.Stop <= 0 || h.line < c.Stop) {
				sel = append(sel, h)
			}
		}
	case "search":
		re := globRegexp(c.Pattern)
		seen := map[string]bool{}
		for i := len(hist) - 1; i >= 0; i-- {
			h := hist[i]
			if re.MatchString(h.input) && !(c.Unique && seen[h.input]) {
				seen[h.input] = true
				sel = append([]histEntry{h}, sel...)
			}
		}
	}
	if c.N != nil && *c.N >= 0 && len(sel) > *c.N && c.AccessType != "range" {
		sel = sel[len(sel)-*c.N:]
	}
	out := []any{}
	for _, h := range sel {
		if c.Output {
			var o any
			if h.output != "" {
				o = strings.TrimRight(h.output, "\n")
			}
			out = append(out, []any{histSession, h.line, []any{h.input, o}})
		} else {
			out = append(out, []any{histSession, h.line, h.input})
		}
	}
	return map[string]any{"status": "ok", "history": out}
}

// globRegexp compiles a glob pattern (* and ?, as IPython's history search
// takes) matching a whole cell.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
