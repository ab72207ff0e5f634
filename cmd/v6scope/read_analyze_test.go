package main

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestReadAnalysisFields reads nd-trouble with the v6scope.* fields: the
// frames a filter on v6scope.anomaly keeps are those analyze --json reports
// anomalies at, each with the same codes, and the cache-poisoning NAs carry
// theirs.
func TestReadAnalysisFields(t *testing.T) {
	path := filepath.Join("..", "..", "pcaps", "nd-trouble.pcapng")
	out, errs, code := cli(t, nil, "read", "-Y", "v6scope.anomaly", "-T", "fields", "-E", "occurrence=a",
		"-e", "frame.number", "-e", "v6scope.anomaly", "-e", "v6scope.session", "-e", "v6scope.state", path)
	if code != 0 {
		t.Fatalf("read: exit %d: %s", code, errs)
	}
	got := map[int][]string{}
	for _, l := range lines(out) {
		cols := strings.Split(l, "\t")
		if len(cols) != 4 {
			t.Fatalf("line %q: want 4 columns", l)
		}
		n, err := strconv.Atoi(cols[0])
		if err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if cols[1] == "" {
			t.Errorf("frame %d kept by -Y v6scope.anomaly has no anomaly", n)
		}
		if len(strings.Split(cols[2], ",")) != len(strings.Split(cols[3], ",")) {
			t.Errorf("frame %d: sessions %q and states %q differ in number", n, cols[2], cols[3])
		}
		got[n] = strings.Split(cols[1], ",")
	}
	// analyze --json with the same (default) settings.
	want := map[int][]string{}
	for _, r := range analyzeJSON(t, "nd-trouble.pcapng") {
		if r.Type == "anomaly" && r.Frame > 0 {
			want[r.Frame] = append(want[r.Frame], r.Code)
		}
	}
	// Anomalies a timer raises belong to no packet: read does not show them.
	for n, codes := range want {
		g := got[n]
		for _, c := range codes {
			if !slices.Contains(g, c) && !timerAnomaly(c) {
				t.Errorf("frame %d: analyze reports %s, read shows %q", n, c, g)
			}
		}
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			t.Errorf("frame %d: read shows %q, analyze reports nothing there", n, got[n])
		}
	}
	for _, n := range []int{92, 99} {
		if !slices.Contains(got[n], "nd.cache_poisoning") {
			t.Errorf("frame %d: anomalies %q, want nd.cache_poisoning", n, got[n])
		}
	}

	// A filter on the state: the DAD collision leaves an address DUPLICATE.
	out, errs, code = cli(t, nil, "read", "-Y", `v6scope.state == "DUPLICATE"`, "-T", "fields", "-e", "frame.number", path)
	if code != 0 {
		t.Fatalf("read: exit %d: %s", code, errs)
	}
	if len(lines(out)) == 0 {
		t.Error(`-Y 'v6scope.state == "DUPLICATE"' kept no frame`)
	}
	// Without analysis fields the packets carry none.
	out, _, _ = cli(t, nil, "read", "-V", "-c", "5", path)
	if strings.Contains(out, "v6scope analysis") {
		t.Error("read -V without v6scope.* fields ran the analysis")
	}
}

// timerAnomaly reports codes that a timer, not a packet, raises.
func timerAnomaly(code string) bool { return strings.HasSuffix(code, "_expired") }

func TestFieldsListsAnalysisFields(t *testing.T) {
	out, errs, code := cli(t, nil, "fields", "--explain", "v6scope.")
	if code != 0 {
		t.Fatalf("fields: exit %d: %s", code, errs)
	}
	for _, name := range []string{"v6scope.session", "v6scope.state", "v6scope.proto", "v6scope.anomaly"} {
		if !strings.Contains(out, name+"\t") {
			t.Errorf("v6scope fields does not list %s", name)
		}
	}
}
