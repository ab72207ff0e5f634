package tsharkdiff

import (
	"fmt"
	"slices"
	"strconv"
)

// FrameCount is the Field of the [Diff] that reports tables of different
// lengths; its Tshark and Ours hold the two row counts.
const FrameCount = "frame count"

// Diff is one disagreement between tshark and v6scope: the cell of Field in
// Frame (1-based) reads Tshark on one side and Ours on the other. Diffs
// about a whole table carry Frame 0: the row counts (Field [FrameCount]),
// or a column only one table has (Tshark or Ours reads "(no such column)").
type Diff struct {
	Frame        int
	Field        string
	Tshark, Ours string
}

// String formats d on one line, quoting both values so an empty cell shows.
func (d Diff) String() string {
	if d.Frame == 0 {
		return fmt.Sprintf("%s: tshark %s, ours %s", d.Field, d.Tshark, d.Ours)
	}
	return fmt.Sprintf("frame %d %s: tshark %q, ours %q", d.Frame, d.Field, d.Tshark, d.Ours)
}

// noColumn stands for the cells of a field one table did not request.
const noColumn = "(no such column)"

// Compare returns every disagreement between the two tables, frame by frame
// and, within a frame, field by field in tshark's column order. Columns are
// matched by field name, so their order may differ. Tables of different
// lengths yield a [FrameCount] diff first, and the common frames are still
// compared; a column only one table has yields one diff with Frame 0. A nil
// table counts as empty. Compare returns nil when the tables agree.
func Compare(tshark, ours *Table) []Diff {
	if tshark == nil {
		tshark = &Table{}
	}
	if ours == nil {
		ours = &Table{}
	}
	var diffs []Diff
	if len(tshark.Rows) != len(ours.Rows) {
		diffs = append(diffs, Diff{
			Field:  FrameCount,
			Tshark: strconv.Itoa(len(tshark.Rows)),
			Ours:   strconv.Itoa(len(ours.Rows)),
		})
	}
	// pairs[k] = {column in tshark, column in ours} of each shared field.
	var pairs [][2]int
	for i, f := range tshark.Fields {
		if j := slices.Index(ours.Fields, f); j >= 0 {
			pairs = append(pairs, [2]int{i, j})
		} else {
			diffs = append(diffs, Diff{Field: f, Tshark: "(column present)", Ours: noColumn})
		}
	}
	for _, f := range ours.Fields {
		if !slices.Contains(tshark.Fields, f) {
			diffs = append(diffs, Diff{Field: f, Tshark: noColumn, Ours: "(column present)"})
		}
	}
	for r := range min(len(tshark.Rows), len(ours.Rows)) {
		trow, orow := tshark.Rows[r], ours.Rows[r]
		for _, p := range pairs {
			if t, o := cell(trow, p[0]), cell(orow, p[1]); t != o {
				diffs = append(diffs, Diff{Frame: r + 1, Field: tshark.Fields[p[0]], Tshark: t, Ours: o})
			}
		}
	}
	return diffs
}

// cell returns row[i], or "" when a hand-built row is short.
func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// Ignore is a predicate that marks a known, documented difference between
// tshark and v6scope, for [Filter]. Declare each one beside a comment that
// says why the difference is right (a tshark bug, an RFC reading, a
// deliberate v6scope choice) and where it is written down.
type Ignore func(Diff) bool

// IgnoreField ignores every difference in the named fields.
func IgnoreField(fields ...string) Ignore {
	return func(d Diff) bool { return slices.Contains(fields, d.Field) }
}

// Filter returns the diffs that no ignore predicate matches, in order.
func Filter(diffs []Diff, ignores ...Ignore) []Diff {
	var kept []Diff
next:
	for _, d := range diffs {
		for _, ig := range ignores {
			if ig(d) {
				continue next
			}
		}
		kept = append(kept, d)
	}
	return kept
}
