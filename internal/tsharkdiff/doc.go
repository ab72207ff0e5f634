// Package tsharkdiff is the differential harness that holds v6scope's
// decoders to tshark 4.0: it runs tshark in `-T fields` mode on a capture,
// parses the output into a [Table] with one row per frame, compares it cell
// by cell with the [Table] v6scope produced for the same fields, and formats
// the disagreements so a reader sees at once which field is wrong.
//
// Both sides use the same output contract: one line per frame, fields
// separated by a tab, every occurrence of a field joined with "," (tshark
// -E occurrence=a -E aggregator=,), no quoting. Row i of a Table is frame
// i+1, so tshark must not be given a display filter (-Y) here.
//
// Tests that need tshark or the public capture corpus call [Require] and
// [Corpus], which skip when those are missing and fail instead when
// V6SCOPE_REQUIRE_PEERS=1 (as CI sets it).
//
// A typical test:
//
//	tsharkdiff.Require(t)
//	file := filepath.Join(tsharkdiff.Corpus(t), "nd", "wiki_v6.pcap")
//	want, err := tsharkdiff.Tshark(t.Context(), file, fields)
//	if err != nil {
//		t.Fatal(err)
//	}
//	got := ours(t, file, fields) // v6scope's own table
//	diffs := tsharkdiff.Filter(tsharkdiff.Compare(want, got),
//		// Why this difference is right, and where that is written down.
//		tsharkdiff.IgnoreField("icmpv6.opt.foo"))
//	if len(diffs) > 0 {
//		t.Errorf("%s: %s", file, tsharkdiff.Report(diffs, 5))
//	}
package tsharkdiff
