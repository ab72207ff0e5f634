package output

import (
	"fmt"
	"strings"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Occurrence chooses which occurrences of a field -T fields prints.
type Occurrence byte

// Occurrences, as tshark's -E occurrence= takes them.
const (
	OccurAll   Occurrence = 'a'
	OccurFirst Occurrence = 'f'
	OccurLast  Occurrence = 'l'
)

// FieldsFormat is the -T fields output: which fields, and tshark's -E
// options.
type FieldsFormat struct {
	Fields     []string
	Header     bool
	Separator  string
	Occurrence Occurrence
	Aggregator string
	Quote      byte // 0, '"' or '\''

	cells []cell  // per column, reused from row to row
	first []int   // per column, the first column with the same name
	cols  []int16 // by field ID; see column
}

// NewFieldsFormat returns tshark's defaults: no header, tab separator, all
// occurrences joined with commas, no quotes.
func NewFieldsFormat(fields []string) *FieldsFormat {
	return &FieldsFormat{Fields: fields, Separator: "\t", Occurrence: OccurAll, Aggregator: ","}
}

// SetOption applies one -E option ("header=y", "separator=/t", …). The
// values mean what they mean to tshark.
func (ff *FieldsFormat) SetOption(opt string) error {
	key, val, ok := strings.Cut(opt, "=")
	if !ok {
		return fmt.Errorf("-E %q: expected NAME=VALUE, e.g. header=y", opt)
	}
	switch key {
	case "header":
		switch val {
		case "y":
			ff.Header = true
		case "n":
			ff.Header = false
		default:
			return fmt.Errorf("-E header=%s: use y or n", val)
		}
	case "separator":
		s, err := separator(val)
		if err != nil {
			return fmt.Errorf("-E separator=%s: %w", val, err)
		}
		ff.Separator = s
	case "aggregator":
		s, err := separator(val)
		if err != nil {
			return fmt.Errorf("-E aggregator=%s: %w", val, err)
		}
		ff.Aggregator = s
	case "occurrence":
		switch val {
		case "a", "f", "l":
			ff.Occurrence = Occurrence(val[0])
		default:
			return fmt.Errorf("-E occurrence=%s: use f (first), l (last) or a (all)", val)
		}
	case "quote":
		switch val {
		case "d":
			ff.Quote = '"'
		case "s":
			ff.Quote = '\''
		case "n":
			ff.Quote = 0
		default:
			return fmt.Errorf("-E quote=%s: use d (double), s (single) or n (none)", val)
		}
	case "bom", "escape":
		if val != "y" && val != "n" {
			return fmt.Errorf("-E %s=%s: use y or n", key, val)
		}
	default:
		return fmt.Errorf("-E %s: unknown option; use header, separator, occurrence, aggregator or quote", key)
	}
	return nil
}

// separator decodes tshark's separator values: /t, /s, or one character.
func separator(v string) (string, error) {
	switch v {
	case "/t":
		return "\t", nil
	case "/s":
		return " ", nil
	}
	if len([]rune(v)) != 1 {
		return "", fmt.Errorf("expected /t, /s or a single character")
	}
	return v, nil
}

// AppendHeader appends the header line.
func (ff *FieldsFormat) AppendHeader(dst []byte) []byte {
	for i, name := range ff.Fields {
		if i > 0 {
			dst = append(dst, ff.Separator...)
		}
		// tshark writes the names unquoted, whatever -E quote says.
		dst = append(dst, name...)
	}
	return append(dst, '\n')
}

func (ff *FieldsFormat) quoted(dst, v []byte) []byte {
	if ff.Quote != 0 {
		dst = append(dst, ff.Quote)
	}
	dst = append(dst, v...)
	if ff.Quote != 0 {
		dst = append(dst, ff.Quote)
	}
	return dst
}

// AppendRow appends p's line: one cell per field. It walks p's fields once,
// finding each one's column through a table indexed by field ID, so its cost
// does not grow with the number of -e fields. A FieldsFormat is not safe for
// concurrent use.
func (ff *FieldsFormat) AppendRow(dst []byte, p *decode.Packet) []byte {
	if len(ff.cells) != len(ff.Fields) {
		ff.prepare()
	}
	for i := range ff.cells {
		c := &ff.cells[i]
		c.buf, c.n, c.last = c.buf[:0], 0, nil
	}
	fields := p.Tree.Fields
	for j := range fields {
		f := &fields[j]
		if f.Info == nil {
			continue
		}
		col := ff.column(f.Info)
		if col < 0 {
			continue
		}
		c := &ff.cells[col]
		switch ff.Occurrence {
		case OccurFirst:
			if c.n == 0 {
				c.buf = f.AppendValue(c.buf)
			}
		case OccurLast:
			c.last = f
		default:
			if c.n > 0 {
				c.buf = append(c.buf, ff.Aggregator...)
			}
			c.buf = f.AppendValue(c.buf)
		}
		c.n++
	}
	for i := range ff.Fields {
		if i > 0 {
			dst = append(dst, ff.Separator...)
		}
		c := &ff.cells[ff.first[i]]
		if c.last != nil {
			c.buf = c.last.AppendValue(c.buf)
			c.last = nil
		}
		if c.n == 0 {
			continue // tshark leaves an absent field empty, without quotes
		}
		if ff.Quote != 0 {
			dst = append(dst, ff.Quote)
		}
		dst = AppendSafe(dst, c.buf)
		if ff.Quote != 0 {
			dst = append(dst, ff.Quote)
		}
	}
	return append(dst, '\n')
}

// cell collects one column's values for the current row.
type cell struct {
	buf  []byte
	n    int
	last *dissect.Field
}

// prepare sizes the per-column state after Fields is set: a column that
// repeats an earlier field name shares that column's cell.
func (ff *FieldsFormat) prepare() {
	ff.cells = make([]cell, len(ff.Fields))
	ff.first = make([]int, len(ff.Fields))
	for i, name := range ff.Fields {
		ff.first[i] = i
		for j := range i {
			if ff.Fields[j] == name {
				ff.first[i] = j
				break
			}
		}
	}
	ff.cols = make([]int16, dissect.MaxID()+1)
}

// column returns the column whose cell collects info's values, or -1 when no
// -e names it. ff.cols remembers the answer by field ID: 0 not yet looked
// up, -1 not printed, k+1 column k.
func (ff *FieldsFormat) column(info *dissect.FieldInfo) int {
	id := info.ID()
	if id > 0 && id < len(ff.cols) {
		if c := ff.cols[id]; c != 0 {
			return int(c) - 1
		}
	}
	col := -1
	for i, name := range ff.Fields {
		if name == info.Name {
			col = ff.first[i]
			break
		}
	}
	if id > 0 && id < len(ff.cols) {
		ff.cols[id] = int16(col + 1)
		if col < 0 {
			ff.cols[id] = -1
		}
	}
	return col
}
