package tsharkdiff

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Table is the `-T fields` output of one capture: one row per frame, one
// cell per requested field. A cell holds every occurrence of its field in
// the frame joined with "," (tshark -E occurrence=a -E aggregator=,), and is
// empty when the field does not occur.
type Table struct {
	// Fields are the requested field names, in column order.
	Fields []string
	// Rows[i] is frame i+1; each row has len(Fields) cells.
	Rows [][]string
}

// Parse reads `-T fields` output with a tab separator, no header and no
// quoting, as both tshark and v6scope print it, and checks it strictly:
// every line must end in a newline and hold exactly len(fields) cells. A
// cell may be empty. Parse is exported so that tests can read v6scope's own
// output with the same code that reads tshark's.
func Parse(r io.Reader, fields []string) (*Table, error) {
	if len(fields) == 0 {
		return nil, errors.New("tsharkdiff: parse: no fields given; pass the field names the output was made with")
	}
	t := &Table{Fields: append([]string(nil), fields...)}
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		s, err := br.ReadString('\n')
		if err == io.EOF {
			if s != "" {
				return nil, fmt.Errorf("tsharkdiff: parse: line %d (%.60q) has no final newline: the output was cut short", line, s)
			}
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("tsharkdiff: parse: reading line %d: %w", line, err)
		}
		cells := strings.Split(s[:len(s)-1], "\t")
		if len(cells) != len(fields) {
			return nil, fmt.Errorf("tsharkdiff: parse: line %d (frame %d) has %d tab-separated cells, want %d (one per field %s): %.120q",
				line, line, len(cells), len(fields), strings.Join(fields, ","), s)
		}
		t.Rows = append(t.Rows, cells)
	}
}

// Tshark runs tshark on file in `-T fields` mode for the given fields and
// parses its output. The command line is
//
//	tshark -n -r FILE EXTRA... -T fields -E header=n -E separator=/t \
//	    -E occurrence=a -E aggregator=, -E quote=n -e FIELD...
//
// where extra holds further options such as "-o",
// "teredo.heuristic_teredo:TRUE". Do not pass -Y or -R: the table must
// keep one row per frame. tshark runs with LC_ALL=C, without name
// resolution (-n), and with WIRESHARK_CONFIG_DIR pointing at an empty
// directory so that no personal preferences or profile change its output.
// The tshark binary is $V6SCOPE_TSHARK when set, else tshark on $PATH.
//
// tshark's standard error (such as "Running as user "root" …") is ignored
// unless it exits with a non-zero status; then the error carries it. When
// tshark exits non-zero after printing well-formed rows — a capture cut
// short in the middle of a packet makes it exit with status 2 — Tshark
// returns both the table and the error, and the caller decides.
func Tshark(ctx context.Context, file string, fields []string, extra ...string) (*Table, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("tsharkdiff: tshark -r %s: no fields given; name at least one, e.g. frame.number", file)
	}
	path, err := tsharkPath()
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "tsharkdiff-profile-")
	if err != nil {
		return nil, fmt.Errorf("tsharkdiff: tshark -r %s: making an empty configuration directory: %w", file, err)
	}
	defer os.RemoveAll(profile)

	args := []string{"-n", "-r", file}
	args = append(args, extra...)
	args = append(args, "-T", "fields",
		"-E", "header=n", "-E", "separator=/t", "-E", "occurrence=a",
		"-E", "aggregator=,", "-E", "quote=n")
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "WIRESHARK_CONFIG_DIR="+profile)
	stderr := &capBuffer{max: 64 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("tsharkdiff: tshark -r %s: %w", file, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("tsharkdiff: starting %s: %w", path, err)
	}
	table, perr := Parse(stdout, fields)
	if perr != nil {
		// Let tshark finish writing so that Wait does not hang on a full pipe.
		io.Copy(io.Discard, stdout)
	}
	werr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("tsharkdiff: tshark -r %s: %w", file, ctx.Err())
	case werr != nil:
		msg := stderr.meaningful()
		if msg == "" {
			msg = "(nothing on standard error)"
		}
		err := fmt.Errorf("tsharkdiff: %s %s failed: %w: %s", path, strings.Join(args, " "), werr, msg)
		if perr != nil || len(table.Rows) == 0 {
			return nil, err
		}
		return table, err
	case perr != nil:
		return nil, fmt.Errorf("tsharkdiff: tshark -r %s printed output we cannot read: %w", file, perr)
	}
	return table, nil
}

// tsharkPath returns the tshark to run: $V6SCOPE_TSHARK when set (for a
// machine whose packaged tshark is not 4.0), else tshark on $PATH.
func tsharkPath() (string, error) {
	if p := os.Getenv("V6SCOPE_TSHARK"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("tsharkdiff: V6SCOPE_TSHARK=%s is not an executable: %w", p, err)
		}
		return p, nil
	}
	p, err := exec.LookPath("tshark")
	if err != nil {
		return "", fmt.Errorf("tsharkdiff: %w; install tshark 4.0 (apt-get install tshark) or set V6SCOPE_TSHARK", err)
	}
	return p, nil
}

// capBuffer keeps the first max bytes written to it and drops the rest, so
// a chatty child cannot exhaust memory.
type capBuffer struct {
	buf bytes.Buffer
	max int
}

func (c *capBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// meaningful returns the captured text without tshark's routine warning
// about running as root, trimmed and on one line.
func (c *capBuffer) meaningful() string {
	var keep []string
	for _, l := range strings.Split(c.buf.String(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Running as user ") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, " ")
}
