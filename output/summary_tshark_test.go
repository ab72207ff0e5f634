package output_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
	"github.com/v6scope/v6scope/output"
)

// columnsPrefix returns a summary line up to the end of the padded
// destination column: No., Time, Source, " → ", Destination. Protocol and
// Info are left to the protocol issues' differential tests. ok is false for
// a line without addresses.
func columnsPrefix(line string) (string, bool) {
	i := strings.Index(line, " → ")
	if i < 0 {
		return "", false
	}
	rest := line[i+len(" → "):]
	n := strings.IndexByte(rest, ' ')
	if n < 0 {
		n = len(rest)
	}
	n = max(n, 12)
	if n > len(rest) {
		return "", false
	}
	return line[:i+len(" → ")+n], true
}

// TestSummaryColumnsMatchTshark checks the summary line's first five
// columns, their widths and alignment, against tshark 4.0 for each -t
// format, on the bundled capture and the corpus's ND and MLD captures.
func TestSummaryColumnsMatchTshark(t *testing.T) {
	tshark := tsharkdiff.Require(t)
	files := []string{"../pcaps/kernel-nd-mld.pcapng"}
	if corpus := tsharkdiff.Corpus(t); corpus != "" {
		for _, dir := range []string{"nd", "mld"} {
			m, _ := filepath.Glob(filepath.Join(corpus, dir, "*.pcap*"))
			files = append(files, m...)
		}
	}
	formats := []string{"r", "a", "ad", "d", "e"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, file := range files {
		for _, tf := range formats {
			if tf != "r" && file != files[0] {
				continue // every -t format on one file is enough
			}
			cmd := exec.CommandContext(ctx, tshark, "-n", "-r", file, "-t", tf)
			cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC", "WIRESHARK_CONFIG_DIR="+t.TempDir())
			want, err := cmd.Output()
			if err != nil && len(want) == 0 {
				continue // tshark cannot read it either (damaged corpus files)
			}
			got := ourSummaries(t, file, tf)
			sc := bufio.NewScanner(bytes.NewReader(want))
			sc.Buffer(nil, 1<<20)
			for i := 0; sc.Scan() && i < len(got); i++ {
				w, ok1 := columnsPrefix(sc.Text())
				g, ok2 := columnsPrefix(got[i])
				if !ok1 || !ok2 {
					continue
				}
				if w != g {
					t.Errorf("%s -t %s line %d:\n tshark  %q\n v6scope %q", filepath.Base(file), tf, i+1, w, g)
				}
			}
		}
	}
}

// ourSummaries returns v6scope's summary lines for file, in UTC.
func ourSummaries(t *testing.T, file, tf string) []string {
	t.Helper()
	frames := loadFrames(t, file)
	format, err := output.ParseTimeFormat(tf)
	if err != nil {
		t.Fatal(err)
	}
	local := time.Local
	time.Local = time.UTC
	defer func() { time.Local = local }()
	c := output.Clock{Format: format, Digits: 6}
	if strings.HasSuffix(file, ".pcapng") {
		c.Digits = 9
	}
	d := decode.New()
	var p decode.Packet
	var lines []string
	for i := range frames {
		d.Decode(&frames[i], &p)
		lines = append(lines, string(output.AppendSummary(nil, &p, &c)))
	}
	return lines
}
