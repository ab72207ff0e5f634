package tsharkdiff

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestTsharkWikiV6(t *testing.T) {
	Require(t)
	file := filepath.Join(Corpus(t), "nd", "wiki_v6.pcap")
	tab, err := Tshark(t.Context(), file, []string{"frame.number", "ipv6.src"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 161 {
		t.Fatalf("%s: %d rows, want 161 (SOURCES.md)", file, len(tab.Rows))
	}
	for i, row := range tab.Rows {
		if row[0] != strconv.Itoa(i+1) {
			t.Fatalf("row %d has frame.number %q, want %d", i, row[0], i+1)
		}
	}
	// Frame 1: tshark -r wiki_v6.pcap -c 1 -T fields -e ipv6.src
	if got, want := tab.Rows[0][1], "3ffe:507:0:1:200:86ff:fe05:80da"; got != want {
		t.Errorf("frame 1 ipv6.src = %q, want %q", got, want)
	}
	// The same table compares equal to itself, and a changed cell shows.
	if diffs := Compare(tab, tab); diffs != nil {
		t.Errorf("Compare(tab, tab) = %v, want nil", diffs)
	}
}

func TestTsharkMultipleOccurrences(t *testing.T) {
	Require(t)
	// td_icmpv6.pcap frame 1 is an RA whose options are, in wire order,
	// PIO (3), RDNSS (25), DNSSL (31), MTU (5), SLLA (1), Advertisement
	// Interval (7) and Home Agent Information (8): tshark keeps that order.
	file := filepath.Join(Corpus(t), "nd", "td_icmpv6.pcap")
	tab, err := Tshark(t.Context(), file, []string{"icmpv6.type", "icmpv6.opt.type"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tab.Rows[0], []string{"134", "3,25,31,5,1,7,8"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("frame 1 = %q, want %q", got, want)
	}
}

func TestTsharkExtraArgs(t *testing.T) {
	Require(t)
	file := filepath.Join(Corpus(t), "teredo", "zeek_Teredo.pcap")
	count := func(extra ...string) int {
		tab, err := Tshark(t.Context(), file, []string{"frame.protocols"}, extra...)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, row := range tab.Rows {
			if strings.Contains(row[0], ":teredo:") {
				n++
			}
		}
		return n
	}
	// SOURCES.md: teredo=4, with heuristics on 29.
	if got := count(); got != 4 {
		t.Errorf("Teredo frames with defaults = %d, want 4", got)
	}
	if got := count("-o", "teredo.heuristic_teredo:TRUE"); got != 29 {
		t.Errorf("Teredo frames with -o teredo.heuristic_teredo:TRUE = %d, want 29", got)
	}
}

func TestTsharkErrors(t *testing.T) {
	Require(t)
	corpus := Corpus(t)
	v6 := filepath.Join(corpus, "nd", "wiki_v6.pcap")

	t.Run("unknown field", func(t *testing.T) {
		tab, err := Tshark(t.Context(), v6, []string{"frame.number", "nosuch.field"})
		if err == nil || tab != nil || !strings.Contains(err.Error(), "nosuch.field") || strings.Contains(err.Error(), "Running as user") {
			t.Errorf("Tshark with an unknown field = %v, %v; want no table and an error naming the field, without the root warning", tab, err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.pcap")
		if _, err := Tshark(t.Context(), missing, []string{"frame.number"}); err == nil || !strings.Contains(err.Error(), "nope.pcap") {
			t.Errorf("Tshark on a missing file: error %v, want one naming it", err)
		}
	})
	t.Run("no fields", func(t *testing.T) {
		if _, err := Tshark(t.Context(), v6, nil); err == nil {
			t.Error("Tshark with no fields: no error")
		}
	})
	t.Run("cut short", func(t *testing.T) {
		data, err := os.ReadFile(v6)
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(t.TempDir(), "cut.pcap")
		if err := os.WriteFile(cut, data[:3000], 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := Tshark(t.Context(), cut, []string{"frame.number"})
		if err == nil || !strings.Contains(err.Error(), "cut short") {
			t.Errorf("Tshark on a cut-short file: error %v, want tshark's \"cut short\" message", err)
		}
		if tab == nil || len(tab.Rows) == 0 || len(tab.Rows) >= 161 {
			t.Errorf("Tshark on a cut-short file should still return the frames before the cut; got %v", tab)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := Tshark(ctx, v6, []string{"frame.number"}); err == nil {
			t.Error("Tshark with a cancelled context: no error")
		}
	})
}
