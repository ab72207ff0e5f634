package mip6

import "github.com/v6scope/v6scope/analyze"

// Reasons lists every Reason the tracker reports, in code order: the
// generated reference docs/states.md and its tests walk it.
func Reasons() []analyze.Reason {
	out := make([]analyze.Reason, 0, len(reasonCodes)-1)
	for r := Reason(1); int(r) < len(reasonCodes); r++ {
		out = append(out, r)
	}
	return out
}
