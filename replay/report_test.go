package replay

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
)

// TestReportTextForFiles: frames written to a file carry the schedule's
// times, so the report says "written", and at top speed, where every frame
// carries the start time, it gives no rate instead of 0 pps.
func TestReportTextForFiles(t *testing.T) {
	cases := []struct {
		name      string
		r         Report
		want, not []string
	}{
		{"interface", Report{Target: "interface v6s0", Pacing: "1000 pps", Packets: 3, Bytes: 300, Duration: 2 * time.Millisecond, PPS: 1000},
			[]string{"sent in 0.002000 seconds", "1000.00 pps"}, []string{"written"}},
		{"file paced", Report{Target: "file o.pcapng", File: true, Pacing: "1000 pps", Packets: 3, Bytes: 300, Duration: 2 * time.Millisecond, PPS: 1000},
			[]string{"written, stamped over 0.002000 seconds", "1000.00 pps"}, []string{"sent in"}},
		{"file top speed", Report{Target: "file o.pcapng", File: true, Pacing: "top speed", Packets: 3, Bytes: 300},
			[]string{"written, all stamped with the start time", "Rated: none"}, []string{"0.00 pps", "sent in"}},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := c.r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: report lacks %q:\n%s", c.name, w, b.String())
			}
		}
		for _, n := range c.not {
			if strings.Contains(b.String(), n) {
				t.Errorf("%s: report has %q:\n%s", c.name, n, b.String())
			}
		}
	}
}

// TestPlayMarksFileReports: Play sets File for an output that is not paced
// (a file) and leaves it clear for one that is.
func TestPlayMarksFileReports(t *testing.T) {
	fs := &Frames{List: []Frame{{Number: 1, LinkType: capture.LinkEthernet, Data: make([]byte, 60)}, {Number: 2, LinkType: capture.LinkEthernet, Data: make([]byte, 60)}}}
	_, rep, err := playToBuffer(t, fs, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.File {
		t.Error("a replay written to a file is not marked File")
	}
}
