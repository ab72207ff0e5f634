package analyze_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// code is a comparable Reason, as the trackers' are.
type code int

func (c code) String() string { return []string{"zero", "one"}[c] }
func (c code) Explain() string {
	return []string{"the first (RFC 4861 §7.3)", `a "quoted" \ one`}[c]
}

// words is a Reason that cannot be a map key: the writer must not cache it.
type words struct{ parts []string }

func (w words) String() string  { return strings.Join(w.parts, "_") }
func (w words) Explain() string { return strings.Join(w.parts, " ") + " \x1b[2J" }

func decodeLines(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}

// TestJSONTimes: the cached date part and the nanoseconds written digit by
// digit give what time.Format gives, across seconds, days and the epoch.
func TestJSONTimes(t *testing.T) {
	base := time.Date(2024, 12, 31, 23, 59, 58, 0, time.FixedZone("x", 3600))
	var times []time.Time
	for _, d := range []time.Duration{0, 1, 999_999_999, time.Second, time.Second + 5, 2*time.Second + 120_000_000, 2 * time.Hour, -3 * time.Second} {
		times = append(times, base.Add(d))
	}
	times = append(times, time.Unix(0, 7), time.Unix(-1, 500), time.Unix(1700000000, 20000))
	var out bytes.Buffer
	j := analyze.NewJSONWriter(&out)
	for i, at := range times {
		j.Anomaly(&analyze.Anomaly{Proto: "nd", Code: "nd.x", Frame: i + 1, Time: at})
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	recs := decodeLines(t, out.Bytes())
	if len(recs) != len(times) {
		t.Fatalf("%d records for %d anomalies", len(recs), len(times))
	}
	for i, at := range times {
		want := at.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
		if got := recs[i]["time"]; got != want {
			t.Errorf("time %v written as %v, want %s", at, got, want)
		}
	}
}

// TestJSONReasons: codes and explanations come out right for a cached
// Reason, written twice, and for one that cannot be cached; wire-style
// text is escaped either way.
func TestJSONReasons(t *testing.T) {
	var out bytes.Buffer
	j := analyze.NewJSONWriter(&out)
	reasons := []analyze.Reason{code(0), code(1), code(0), words{[]string{"no", "cache"}}, code(1)}
	for i, r := range reasons {
		j.Transition(&analyze.Transition{Proto: "nd", Kind: "neighbor", Session: "s", Frame: i + 1, To: "STALE", Reason: r, Evidence: []int{i + 1}})
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	recs := decodeLines(t, out.Bytes())
	for i, r := range reasons {
		if recs[i]["reason"] != r.String() {
			t.Errorf("record %d: reason %v, want %q", i, recs[i]["reason"], r.String())
		}
		want := r.Explain()
		if _, ok := r.(words); ok {
			want = strings.Replace(want, "\x1b", `\x1b`, 1) // escaped, not obeyed
		} else {
			want = strings.ReplaceAll(want, `\`, `\\`) // the sanitizer's own escape
		}
		if recs[i]["explain"] != want {
			t.Errorf("record %d: explain %q, want %q", i, recs[i]["explain"], want)
		}
	}
}
