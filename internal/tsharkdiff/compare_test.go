package tsharkdiff

import (
	"reflect"
	"testing"
)

func TestCompare(t *testing.T) {
	fields := []string{"frame.number", "ipv6.src", "icmpv6.type"}
	base := &Table{Fields: fields, Rows: [][]string{
		{"1", "fe80::1", "135"},
		{"2", "fe80::2", ""},
		{"3", "", ""},
	}}
	for _, tc := range []struct {
		name         string
		tshark, ours *Table
		want         []Diff
	}{
		{name: "identical", tshark: base, ours: base, want: nil},
		{name: "both nil", want: nil},
		{
			name:   "one cell",
			tshark: base,
			ours: &Table{Fields: fields, Rows: [][]string{
				{"1", "fe80::1", "135"},
				{"2", "fe80::2", "136"},
				{"3", "", ""},
			}},
			want: []Diff{{Frame: 2, Field: "icmpv6.type", Tshark: "", Ours: "136"}},
		},
		{
			name:   "frame by frame, then field by field",
			tshark: base,
			ours: &Table{Fields: fields, Rows: [][]string{
				{"1", "fe80::9", "1"},
				{"2", "fe80::2", ""},
				{"3", "::", ""},
			}},
			want: []Diff{
				{Frame: 1, Field: "ipv6.src", Tshark: "fe80::1", Ours: "fe80::9"},
				{Frame: 1, Field: "icmpv6.type", Tshark: "135", Ours: "1"},
				{Frame: 3, Field: "ipv6.src", Tshark: "", Ours: "::"},
			},
		},
		{
			name:   "fewer rows, common rows still compared",
			tshark: base,
			ours: &Table{Fields: fields, Rows: [][]string{
				{"1", "fe80::1", "136"},
			}},
			want: []Diff{
				{Field: FrameCount, Tshark: "3", Ours: "1"},
				{Frame: 1, Field: "icmpv6.type", Tshark: "135", Ours: "136"},
			},
		},
		{
			name:   "columns matched by name",
			tshark: base,
			ours: &Table{Fields: []string{"icmpv6.type", "frame.number", "ipv6.src"}, Rows: [][]string{
				{"135", "1", "fe80::1"},
				{"", "2", "fe80::2"},
				{"", "3", ""},
			}},
			want: nil,
		},
		{
			name:   "column missing on each side",
			tshark: &Table{Fields: []string{"frame.number", "ipv6.src"}, Rows: [][]string{{"1", "fe80::1"}}},
			ours:   &Table{Fields: []string{"frame.number", "ipv6.dst"}, Rows: [][]string{{"1", "ff02::1"}}},
			want: []Diff{
				{Field: "ipv6.src", Tshark: "(column present)", Ours: noColumn},
				{Field: "ipv6.dst", Tshark: noColumn, Ours: "(column present)"},
			},
		},
		{
			name:   "short hand-built row reads as empty cells",
			tshark: &Table{Fields: []string{"a", "b"}, Rows: [][]string{{"1", ""}}},
			ours:   &Table{Fields: []string{"a", "b"}, Rows: [][]string{{"1"}}},
			want:   nil,
		},
		{
			name:   "nil against rows",
			tshark: base,
			want: []Diff{
				{Field: FrameCount, Tshark: "3", Ours: "0"},
				{Field: "frame.number", Tshark: "(column present)", Ours: noColumn},
				{Field: "ipv6.src", Tshark: "(column present)", Ours: noColumn},
				{Field: "icmpv6.type", Tshark: "(column present)", Ours: noColumn},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(tc.tshark, tc.ours)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Compare:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	diffs := []Diff{
		{Frame: 1, Field: "ipv6.src", Tshark: "a", Ours: "b"},
		{Frame: 2, Field: "icmpv6.type", Tshark: "1", Ours: "2"},
		{Frame: 3, Field: "ipv6.src", Tshark: "c", Ours: "d"},
		{Frame: 4, Field: "udp.srcport", Tshark: "5", Ours: "6"},
	}
	onlyFrame3 := Ignore(func(d Diff) bool { return d.Frame == 3 })
	for _, tc := range []struct {
		name    string
		ignores []Ignore
		want    []Diff
	}{
		{name: "no ignores", want: diffs},
		{name: "by field", ignores: []Ignore{IgnoreField("ipv6.src", "udp.srcport")}, want: []Diff{diffs[1]}},
		{name: "any predicate matches", ignores: []Ignore{IgnoreField("icmpv6.type"), onlyFrame3}, want: []Diff{diffs[0], diffs[3]}},
		{name: "everything", ignores: []Ignore{func(Diff) bool { return true }}, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Filter(diffs, tc.ignores...); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Filter:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestDiffString(t *testing.T) {
	for _, tc := range []struct {
		d    Diff
		want string
	}{
		{Diff{Frame: 7, Field: "ipv6.src", Tshark: "", Ours: "::1"}, `frame 7 ipv6.src: tshark "", ours "::1"`},
		{Diff{Field: FrameCount, Tshark: "161", Ours: "160"}, "frame count: tshark 161, ours 160"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
