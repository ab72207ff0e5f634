package tsharkdiff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// maxShown is how many bytes of a cell Report prints before eliding.
const maxShown = 120

// Report formats diffs for a test failure, grouped by field: first the
// table-wide diffs (frame count, missing columns), then one block per field,
// the field with the most differing frames first, each with its count, the
// frames involved and its first max examples. max <= 0 shows every example.
//
//	3 differences in 2 fields: icmpv6.opt.type (2 frames), ipv6.src (1 frame)
//	icmpv6.opt.type: 2 frames differ (3, 5)
//	  frame 3: tshark "1", ours "1,5"
//	  frame 5: tshark "1", ours ""
//	ipv6.src: 1 frame differs (9)
//	  frame 9: tshark "fe80::1", ours "fe80::2"
func Report(diffs []Diff, max int) string {
	if len(diffs) == 0 {
		return "no differences"
	}
	type group struct {
		field string
		diffs []Diff
	}
	var whole []Diff
	var groups []*group
	byField := map[string]*group{}
	for _, d := range diffs {
		if d.Frame == 0 {
			whole = append(whole, d)
			continue
		}
		g := byField[d.Field]
		if g == nil {
			g = &group{field: d.Field}
			byField[d.Field] = g
			groups = append(groups, g)
		}
		g.diffs = append(g.diffs, d)
	}
	// Most differing frames first; ties keep first appearance (stable).
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(len(b.diffs), len(a.diffs)) })

	var b strings.Builder
	counts := make([]string, len(groups))
	for i, g := range groups {
		counts[i] = fmt.Sprintf("%s (%s)", g.field, plural(len(g.diffs), "frame"))
	}
	fmt.Fprintf(&b, "%s", plural(len(diffs), "difference"))
	if len(groups) > 0 {
		fmt.Fprintf(&b, " in %s: %s", plural(len(groups), "field"), strings.Join(counts, ", "))
	}
	b.WriteByte('\n')
	for _, d := range whole {
		fmt.Fprintf(&b, "%s\n", d)
	}
	for _, g := range groups {
		verb := "differ"
		if len(g.diffs) == 1 {
			verb = "differs"
		}
		fmt.Fprintf(&b, "%s: %s %s (%s)\n", g.field, plural(len(g.diffs), "frame"), verb, frameList(g.diffs, 20))
		for i, d := range g.diffs {
			if max > 0 && i == max {
				fmt.Fprintf(&b, "  … %d more\n", len(g.diffs)-max)
				break
			}
			fmt.Fprintf(&b, "  frame %d: tshark %s, ours %s\n", d.Frame, shown(d.Tshark), shown(d.Ours))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// plural formats n with noun, adding "s" unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// frameList names the frames of ds, at most limit of them, then "…".
func frameList(ds []Diff, limit int) string {
	var s []string
	for i, d := range ds {
		if i == limit {
			s = append(s, "…")
			break
		}
		s = append(s, fmt.Sprint(d.Frame))
	}
	return strings.Join(s, ", ")
}

// shown quotes a cell, cutting a very long one short and giving its length.
func shown(v string) string {
	if len(v) <= maxShown {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%q…(%d bytes)", v[:maxShown], len(v))
}
