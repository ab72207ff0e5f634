package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is what Compile returns for an expression it cannot compile, and
// what Filter.Warnings lists: what was wrong, where, and what to do.
type Error struct {
	Expr       string // the whole expression
	Col        int    // 1-based column (in characters) of the problem; len+1 for "at the end"
	Length     int    // characters the problem spans, at least 1
	Msg        string // what was wrong and what to do, without the position
	Suggestion string // nearest known field name, for unknown fields; "" when none is close
}

// Error returns the message with its column and, for unknown fields, the
// suggestion: `filter: column 1: unknown field "ipv6.scr" (did you mean "ipv6.src"?)`.
func (e *Error) Error() string {
	s := "filter: column " + strconv.Itoa(e.Col) + ": " + e.Msg
	if e.Suggestion != "" {
		s += " (did you mean " + strconv.Quote(e.Suggestion) + "?)"
	}
	return s
}

// Caret returns two lines for a terminal: the expression, and under it a
// ^~~~ marker spanning the problem. Tabs in the expression are repeated in
// the marker line so the marker stays aligned; other control characters are
// shown as spaces.
func (e *Error) Caret() string {
	var line, mark strings.Builder
	col := 1
	for _, r := range e.Expr {
		switch {
		case r == '\t':
			line.WriteRune('\t')
		case r < ' ' || r == 0x7f:
			line.WriteRune(' ')
		default:
			line.WriteRune(r)
		}
		if col < e.Col {
			if r == '\t' {
				mark.WriteRune('\t')
			} else {
				mark.WriteRune(' ')
			}
		}
		col++
	}
	for ; col < e.Col; col++ {
		mark.WriteRune(' ')
	}
	mark.WriteRune('^')
	for i := 1; i < e.Length; i++ {
		mark.WriteRune('~')
	}
	return line.String() + "\n" + mark.String()
}

// errAt builds an Error for the bytes expr[pos:end], converting byte offsets
// to character columns.
func errAt(expr string, pos, end int, msg string) *Error {
	if pos > len(expr) {
		pos = len(expr)
	}
	if end < pos {
		end = pos
	}
	if end > len(expr) {
		end = len(expr)
	}
	n := utf8.RuneCountInString(expr[pos:end])
	if n < 1 {
		n = 1
	}
	return &Error{Expr: expr, Col: utf8.RuneCountInString(expr[:pos]) + 1, Length: n, Msg: msg}
}

// suggest returns the known name nearest to name, or "" when none is close
// enough to be a likely typo. Distance is the optimal-string-alignment
// Damerau-Levenshtein distance (a swap of two neighbours counts as one
// edit); among equally near names one with the same protocol prefix (the
// text before the first dot) wins, then the shorter, then the first in
// lexical order. When no name is near, a known name that extends name
// ("icmpv6.nd.ns.target" → "icmpv6.nd.ns.target_address") is offered.
func suggest(name string, names []string) string {
	if name == "" {
		return ""
	}
	maxDist := utf8.RuneCountInString(name) / 4
	if maxDist < 1 {
		maxDist = 1
	}
	if maxDist > 3 {
		maxDist = 3
	}
	prefix := protoPrefix(name)
	best, bestScore := "", 1<<30
	better := func(n string, score int) bool {
		if score != bestScore {
			return score < bestScore
		}
		if len(n) != len(best) {
			return len(n) < len(best)
		}
		return n < best
	}
	for _, n := range names {
		if n == name {
			continue
		}
		if strings.EqualFold(n, name) {
			return n
		}
		if d := len(n) - len(name); d > maxDist || -d > maxDist {
			continue
		}
		d := osaDistance(name, n)
		if d > maxDist {
			continue
		}
		score := 2 * d
		if protoPrefix(n) != prefix {
			score++
		}
		if better(n, score) {
			best, bestScore = n, score
		}
	}
	if best != "" {
		return best
	}
	for _, n := range names {
		if len(n) > len(name) && strings.HasPrefix(n, name) && (n[len(name)] == '.' || n[len(name)] == '_') {
			if best == "" || len(n) < len(best) || len(n) == len(best) && n < best {
				best = n
			}
		}
	}
	return best
}

func protoPrefix(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}

// osaDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// characters each cost one.
func osaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	// Three rolling rows: two back (for transpositions), previous, current.
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
