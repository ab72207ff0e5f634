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

// AppendRow appends p's line: one cell per field.
func (ff *FieldsFormat) AppendRow(dst []byte, p *decode.Packet) []byte {
	fields := p.Tree.Fields
	var cell [256]byte
	for i, name := range ff.Fields {
		if i > 0 {
			dst = append(dst, ff.Separator...)
		}
		c := cell[:0]
		n := 0
		var last *dissect.Field
		for j := range fields {
			f := &fields[j]
			if f.Info == nil || f.Info.Name != name {
				continue
			}
			switch ff.Occurrence {
			case OccurFirst:
				if n == 0 {
					c = f.AppendValue(c)
				}
			case OccurLast:
				last = f
			default:
				if n > 0 {
					c = append(c, ff.Aggregator...)
				}
				c = f.AppendValue(c)
			}
			n++
		}
		if last != nil {
			c = last.AppendValue(c)
		}
		if n > 0 { // tshark leaves an absent field empty, without quotes
			var safe [256]byte
			dst = ff.quoted(dst, AppendSafe(safe[:0], c))
		}
	}
	return append(dst, '\n')
}
