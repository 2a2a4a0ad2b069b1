package plot

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Series is one named curve. A nil X means 1, 2, ..., len(Y) (epochs or
// steps); otherwise X and Y pair up to the shorter length. Non-finite
// values are skipped and break the line.
type Series struct {
	Name string
	X, Y []float64
}

// points returns the series' (x, y) pairs, with NaN y for skipped values.
func (s Series) points() (xs, ys []float64) {
	n := len(s.Y)
	if s.X != nil {
		n = min(n, len(s.X))
	}
	xs, ys = make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		x := float64(i + 1)
		if s.X != nil {
			x = s.X[i]
		}
		xs[i], ys[i] = x, s.Y[i]
		if !finite(x) || !finite(s.Y[i]) {
			ys[i] = math.NaN()
		}
	}
	return xs, ys
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// SeriesFromMap turns named columns (such as a training history's "loss"
// and "val_loss") into series sorted by name, with X nil.
func SeriesFromMap(m map[string][]float64) []Series {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Series, len(names))
	for i, n := range names {
		out[i] = Series{Name: n, Y: m[n]}
	}
	return out
}

// seriesColors are 256-colour palette entries for successive series.
var seriesColors = []int{39, 208, 76, 197, 141, 220}

// asciiMarks are the point characters of successive series in ASCII charts.
const asciiMarks = "*+ox#@"

// Braille draws series as a line chart whose plotting area is width×height
// text cells (at least 8×2). On a UTF-8 output each cell holds a 2×4 braille
// dot pattern (U+2800..U+28FF) and, with colour, each series has its own
// colour; otherwise points are ASCII characters ('*' for the first series,
// then '+', 'o', 'x', ...). The y axis is labelled with the maximum and the
// minimum, the x axis with its first and last value, and a legend follows.
// The result ends in a newline.
func Braille(series []Series, width, height int, caps Caps) string {
	return BrailleX(series, width, height, caps, "")
}

// BrailleX is Braille with the x axis's unit (such as "epoch") written
// after its last value.
func BrailleX(series []Series, width, height int, caps Caps, xunit string) string {
	width, height = max(width, 8), max(height, 2)
	type pts struct{ xs, ys []float64 }
	all := make([]pts, len(series))
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, s := range series {
		xs, ys := s.points()
		all[i] = pts{xs, ys}
		for j := range xs {
			if math.IsNaN(ys[j]) {
				continue
			}
			xmin, xmax = math.Min(xmin, xs[j]), math.Max(xmax, xs[j])
			ymin, ymax = math.Min(ymin, ys[j]), math.Max(ymax, ys[j])
		}
	}
	if xmin > xmax {
		return "(no data to plot)\n"
	}
	xlo, xhi := widen(xmin, xmax)
	ylo, yhi := widen(ymin, ymax)

	braille := caps.UTF8
	sx, sy := 1, 1 // dots per cell
	if braille {
		sx, sy = 2, 4
	}
	W, H := width*sx, height*sy
	bits := make([][]uint8, height)
	owner := make([][]int, height)
	for r := range bits {
		bits[r] = make([]uint8, width)
		owner[r] = make([]int, width)
		for c := range owner[r] {
			owner[r][c] = -1
		}
	}
	set := func(k, x, y int) {
		if x < 0 || y < 0 || x >= W || y >= H {
			return
		}
		r, c := y/sy, x/sx
		bits[r][c] |= brailleBit(x%sx, y%sy)
		owner[r][c] = k
	}
	for k, p := range all {
		px, py, have := 0, 0, false
		for j := range p.xs {
			if math.IsNaN(p.ys[j]) {
				have = false
				continue
			}
			x := int(math.Round((p.xs[j] - xlo) / (xhi - xlo) * float64(W-1)))
			y := int(math.Round((yhi - p.ys[j]) / (yhi - ylo) * float64(H-1)))
			if have {
				line(px, py, x, y, func(x, y int) { set(k, x, y) })
			} else {
				set(k, x, y)
			}
			px, py, have = x, y, true
		}
	}

	top, bottom := formatNum(ymax), formatNum(ymin)
	if ymin == ymax {
		top, bottom = formatNum(yhi), formatNum(ylo)
	}
	lw := max(len(top), len(bottom))
	vbar, tick, corner, hbar := "|", "|", "+", "-"
	if caps.UTF8 {
		vbar, tick, corner, hbar = "│", "┤", "└", "─"
	}
	color := caps.UTF8 && caps.Color()
	var b strings.Builder
	for r := 0; r < height; r++ {
		label, axis := "", vbar
		switch r {
		case 0:
			label, axis = top, tick
		case height - 1:
			label, axis = bottom, tick
		}
		b.WriteString(strings.Repeat(" ", lw-len(label)) + label + " " + axis)
		cur := -1
		var line strings.Builder
		for c := 0; c < width; c++ {
			k := owner[r][c]
			if color && k >= 0 && k != cur {
				line.WriteString("\x1b[38;5;" + strconv.Itoa(seriesColors[k%len(seriesColors)]) + "m")
				cur = k
			}
			switch {
			case braille:
				if bits[r][c] == 0 {
					line.WriteByte(' ')
				} else {
					line.WriteRune(rune(0x2800 + int(bits[r][c])))
				}
			case k >= 0:
				line.WriteByte(asciiMarks[k%len(asciiMarks)])
			default:
				line.WriteByte(' ')
			}
		}
		s := line.String()
		if cur >= 0 {
			s += "\x1b[0m"
		} else {
			s = strings.TrimRight(s, " ")
		}
		b.WriteString(s + "\n")
	}
	b.WriteString(strings.Repeat(" ", lw+1) + corner + strings.Repeat(hbar, width) + "\n")
	left, right := formatNum(xmin), formatNum(xmax)
	pad := max(1, width-len(left)-len(right))
	b.WriteString(strings.Repeat(" ", lw+2) + left)
	if xmax != xmin {
		b.WriteString(strings.Repeat(" ", pad) + right)
	}
	if xunit != "" {
		b.WriteString(" " + plainText(xunit, caps))
	}
	b.WriteString("\n")
	var legend []string
	for k, s := range series {
		name := plainText(s.Name, caps)
		if name == "" {
			name = "series " + strconv.Itoa(k+1)
		}
		mark := string(asciiMarks[k%len(asciiMarks)])
		if caps.UTF8 {
			mark = "──"
		}
		if color {
			mark = "\x1b[38;5;" + strconv.Itoa(seriesColors[k%len(seriesColors)]) + "m" + mark + "\x1b[0m"
		}
		legend = append(legend, mark+" "+name)
	}
	if len(legend) > 0 {
		b.WriteString(strings.Repeat(" ", lw+2) + strings.Join(legend, "   ") + "\n")
	}
	return b.String()
}

// brailleBit is the bit of the dot at column x (0..1), row y (0..3) of a
// braille cell (dots 1-2-3-7 down the left, 4-5-6-8 down the right).
func brailleBit(x, y int) uint8 {
	if x >= 2 || y >= 4 {
		return 0
	}
	if y == 3 {
		return 0x40 << x
	}
	return 1 << (y + 3*x)
}

// widen returns a range of non-zero width around [lo, hi].
func widen(lo, hi float64) (float64, float64) {
	if hi > lo {
		return lo, hi
	}
	d := math.Abs(lo) * 0.1
	if d == 0 {
		d = 1
	}
	return lo - d, hi + d
}

// line calls plot for every point of a Bresenham line from (x0,y0) to (x1,y1).
func line(x0, y0, x1, y1 int, plot func(x, y int)) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	err := dx + dy
	for {
		plot(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			x0 += sx
		}
		if e2 <= dx {
			err += dx
			y0 += sy
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// formatNum prints an axis value in at most four significant digits.
func formatNum(f float64) string {
	return strconv.FormatFloat(f, 'g', 4, 64)
}
