package tsharkdiff

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	diffs := []Diff{
		{Field: FrameCount, Tshark: "6", Ours: "5"},
		{Frame: 1, Field: "ipv6.src", Tshark: "fe80::1", Ours: "fe80::2"},
		{Frame: 3, Field: "icmpv6.opt.type", Tshark: "1", Ours: "1,5"},
		{Frame: 4, Field: "icmpv6.opt.type", Tshark: "1", Ours: ""},
		{Frame: 5, Field: "icmpv6.opt.type", Tshark: "3", Ours: "5"},
	}
	want := strings.Join([]string{
		"5 differences in 2 fields: icmpv6.opt.type (3 frames), ipv6.src (1 frame)",
		"frame count: tshark 6, ours 5",
		"icmpv6.opt.type: 3 frames differ (3, 4, 5)",
		`  frame 3: tshark "1", ours "1,5"`,
		`  frame 4: tshark "1", ours ""`,
		"  … 1 more",
		"ipv6.src: 1 frame differs (1)",
		`  frame 1: tshark "fe80::1", ours "fe80::2"`,
	}, "\n")
	if got := Report(diffs, 2); got != want {
		t.Errorf("Report(diffs, 2) =\n%s\nwant\n%s", got, want)
	}
	if got := Report(diffs, 0); !strings.Contains(got, `frame 5: tshark "3", ours "5"`) || strings.Contains(got, "more") {
		t.Errorf("Report(diffs, 0) should show every example:\n%s", got)
	}
}

func TestReportEdges(t *testing.T) {
	if got := Report(nil, 5); got != "no differences" {
		t.Errorf("Report(nil) = %q, want %q", got, "no differences")
	}
	if got, want := Report([]Diff{{Field: FrameCount, Tshark: "2", Ours: "1"}}, 5), "1 difference\nframe count: tshark 2, ours 1"; got != want {
		t.Errorf("Report(frame count only) = %q, want %q", got, want)
	}

	long := strings.Repeat("ab", 500)
	got := Report([]Diff{{Frame: 1, Field: "data.data", Tshark: long, Ours: ""}}, 5)
	if !strings.Contains(got, "…(1000 bytes)") || len(got) > 400 {
		t.Errorf("a 1000-byte cell should be cut short with its length; got %d bytes:\n%s", len(got), got)
	}

	var many []Diff
	for f := 1; f <= 30; f++ {
		many = append(many, Diff{Frame: f, Field: "ipv6.dst", Tshark: "x", Ours: "y"})
	}
	got = Report(many, 1)
	if !strings.Contains(got, "ipv6.dst: 30 frames differ (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, …)") ||
		!strings.Contains(got, "  … 29 more") {
		t.Errorf("Report of 30 diffs with max 1:\n%s", got)
	}
}
