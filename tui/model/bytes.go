package model

import "github.com/v6scope/v6scope/decode/dissect"

// FieldAt returns the index in t.Fields of the field that byte off belongs
// to: the shortest shown field covering it (the deepest, on ties the last),
// or -1.
func FieldAt(t *dissect.Tree, off int) int {
	best, bestLen := -1, 0
	for i := range t.Fields {
		f := &t.Fields[i]
		if f.Hidden || f.Length <= 0 || off < f.Offset || off >= f.Offset+f.Length {
			continue
		}
		if f.Info == dissect.ExpertField || f.Info == dissect.MalformedField {
			continue
		}
		if best < 0 || f.Length < bestLen || f.Length == bestLen {
			best, bestLen = i, f.Length
		}
	}
	return best
}
