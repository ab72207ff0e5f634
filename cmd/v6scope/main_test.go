package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
	"github.com/v6scope/v6scope/pcaps"
)

// bundled is the sample capture the tests read, relative to this package.
var bundled = filepath.Join("..", "..", "pcaps", pcaps.Default)

// cli runs v6scope with args and stdin as main does, and returns what it
// printed and its exit code.
func cli(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if args == nil {
		// cobra reads os.Args when given nil; main passes os.Args[1:],
		// which is never nil.
		args = []string{}
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code = run(args, stdin, &out, &errb)
	return out.String(), errb.String(), code
}

// lines splits output into its lines, without the final newline.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// frames reads every frame of a capture with the capture package: the
// independent account the CLI's output is checked against.
func frames(t *testing.T, path string) []capture.Frame {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []capture.Frame
	for {
		var f capture.Frame
		err := r.Next(&f)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		f.Data = bytes.Clone(f.Data)
		out = append(out, f)
	}
}

// summaryNumber returns the frame number a summary line starts with.
func summaryNumber(t *testing.T, line string) int {
	t.Helper()
	f := strings.Fields(line)
	if len(f) == 0 {
		t.Fatalf("empty summary line")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatalf("summary line %q does not start with a frame number", line)
	}
	return n
}

func TestNotACapture(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("this is a text file, not a capture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"text file", text, "not a pcap or pcapng file"},
		{"missing file", filepath.Join(dir, "missing.pcap"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := cli(t, nil, "read", tc.file)
			if code != exitInput {
				t.Errorf("exit code %d, want %d (docs/cli.md)\nstderr: %s", code, exitInput, errs)
			}
			if !strings.Contains(errs, tc.file) {
				t.Errorf("error does not name the file %s:\n%s", tc.file, errs)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("error does not say %q:\n%s", tc.want, errs)
			}
			if out != "" {
				t.Errorf("printed on stdout: %q", out)
			}
		})
	}
}

func TestTruncatedCapture(t *testing.T) {
	data, err := os.ReadFile(bundled)
	if err != nil {
		t.Fatal(err)
	}
	all := frames(t, bundled)
	const cutFrame = 30 // 1-based: frames 1-29 stay whole
	if len(all) < cutFrame {
		t.Fatalf("%s has %d frames, want at least %d", bundled, len(all), cutFrame)
	}
	off := all[cutFrame-1].Offset
	cut := filepath.Join(t.TempDir(), "cut.pcapng")
	// Keep the block header and part of the packet: cut mid-frame.
	if err := os.WriteFile(cut, data[:off+20], 0o644); err != nil {
		t.Fatal(err)
	}

	whole, _, code := cli(t, nil, "read", bundled)
	if code != exitOK {
		t.Fatalf("reading the whole capture: exit %d", code)
	}
	out, errs, code := cli(t, nil, "read", cut)
	if code != exitDamaged {
		t.Errorf("exit code %d, want %d (damaged capture)\nstderr: %s", code, exitDamaged, errs)
	}
	got := lines(out)
	want := lines(whole)[:cutFrame-1]
	if len(got) != len(want) {
		t.Fatalf("printed %d frames before the damage, want %d\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q (as read from the whole file)", i+1, got[i], want[i])
		}
	}
	for _, w := range []string{cut, fmt.Sprintf("frame %d", cutFrame), fmt.Sprintf("byte offset %d", off)} {
		if !strings.Contains(errs, w) {
			t.Errorf("warning does not say %q:\n%s", w, errs)
		}
	}
}

func TestBadDisplayFilter(t *testing.T) {
	for _, tc := range []struct {
		name, expr, at, want string
	}{
		{"unknown field", "ipv6.hlim == 255 && icmpv6.typ == 135", "icmpv6.typ", `did you mean "icmpv6.type"`},
		{"bad literal", "ipv6.src == fe80::zz", "fe80::zz", ""},
		{"unbalanced", "(ipv6 && udp", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := cli(t, nil, "read", "-Y", tc.expr, bundled)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, exitUsage, errs)
			}
			if out != "" {
				t.Errorf("printed packets for a filter that does not compile:\n%s", out)
			}
			if tc.want != "" && !strings.Contains(errs, tc.want) {
				t.Errorf("error does not say %q:\n%s", tc.want, errs)
			}
			ls := lines(errs)
			exprLine := -1
			for i, l := range ls {
				if l == tc.expr {
					exprLine = i
				}
			}
			if exprLine < 0 || exprLine+1 >= len(ls) {
				t.Fatalf("error does not repeat the expression on a line of its own with a marker below:\n%s", errs)
			}
			caret := strings.IndexByte(ls[exprLine+1], '^')
			if caret < 0 || strings.TrimLeft(ls[exprLine+1][:caret], " ") != "" {
				t.Fatalf("line under the expression is not a caret marker: %q", ls[exprLine+1])
			}
			if tc.at != "" {
				if wantCol := strings.Index(tc.expr, tc.at); caret != wantCol {
					t.Errorf("caret at column %d, want %d (under %q):\n%s\n%s", caret+1, wantCol+1, tc.at, ls[exprLine], ls[exprLine+1])
				}
			}
		})
	}
}

func TestUnknownFieldSuggests(t *testing.T) {
	out, errs, code := cli(t, nil, "read", "-T", "fields", "-e", "frame.number", "-e", "ipv6.scr", bundled)
	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if out != "" {
		t.Errorf("printed on stdout: %q", out)
	}
	for _, w := range []string{"ipv6.scr", `did you mean "ipv6.src"`} {
		if !strings.Contains(errs, w) {
			t.Errorf("error does not say %q:\n%s", w, errs)
		}
	}
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(bundled)
	if err != nil {
		t.Fatal(err)
	}
	want, _, code := cli(t, nil, "read", bundled)
	if code != exitOK || len(lines(want)) == 0 {
		t.Fatalf("read %s: exit %d, %d lines", bundled, code, len(lines(want)))
	}
	for _, args := range [][]string{{"read", "-r", "-"}, {"read", "-"}} {
		got, errs, code := cli(t, bytes.NewReader(data), args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
		if got != want {
			t.Errorf("%v printed\n%s\nwant (as from the file)\n%s", args, got, want)
		}
	}
	// Standard input that is not a capture is named as such.
	_, errs, code := cli(t, strings.NewReader("GET / HTTP/1.1\r\n"), "read", "-")
	if code != exitInput || !strings.Contains(errs, "standard input") {
		t.Errorf("text on stdin: exit %d, error %q; want %d naming standard input", code, errs, exitInput)
	}
}

func TestCount(t *testing.T) {
	all := frames(t, bundled)
	for _, n := range []int{1, 5, len(all), len(all) + 10} {
		out, errs, code := cli(t, nil, "read", "-c", strconv.Itoa(n), bundled)
		if code != exitOK {
			t.Fatalf("-c %d: exit %d: %s", n, code, errs)
		}
		got := lines(out)
		if want := min(n, len(all)); len(got) != want {
			t.Errorf("-c %d printed %d packets, want %d", n, len(got), want)
		}
		for i, l := range got {
			if summaryNumber(t, l) != i+1 {
				t.Errorf("-c %d: line %d is frame %d", n, i+1, summaryNumber(t, l))
			}
		}
	}
	// As tshark: -c counts packets read, not packets displayed.
	out, _, _ := cli(t, nil, "read", "-c", "3", "-Y", "icmpv6.type == 135", bundled)
	for _, l := range lines(out) {
		if n := summaryNumber(t, l); n > 3 {
			t.Errorf("-c 3 -Y …: printed frame %d, beyond the third packet read", n)
		}
	}
}

// timeColumn returns the Time column of a summary line: the second field,
// or the second and third for the formats with a date.
func timeColumn(line string, withDate bool) string {
	f := strings.Fields(line)
	if withDate {
		return f[1] + " " + f[2]
	}
	return f[1]
}

func TestTimeFormats(t *testing.T) {
	all := frames(t, bundled)
	const n = 6
	first := all[0].Time
	for _, tc := range []struct {
		format   string
		withDate bool
		want     func(i int) string // the Time of frame i (0-based)
	}{
		{"r", false, func(i int) string { return seconds(all[i].Time.Sub(first)) }},
		{"d", false, func(i int) string {
			if i == 0 {
				return seconds(0)
			}
			return seconds(all[i].Time.Sub(all[i-1].Time))
		}},
		{"e", false, func(i int) string {
			return fmt.Sprintf("%d.%09d", all[i].Time.Unix(), all[i].Time.Nanosecond())
		}},
		{"a", false, func(i int) string { return all[i].Time.Local().Format("15:04:05.000000000") }},
		{"ad", true, func(i int) string { return all[i].Time.Local().Format("2006-01-02 15:04:05.000000000") }},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out, errs, code := cli(t, nil, "read", "-c", strconv.Itoa(n), "-t", tc.format, bundled)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			got := lines(out)
			if len(got) != n {
				t.Fatalf("%d lines, want %d", len(got), n)
			}
			for i, l := range got {
				if c := timeColumn(l, tc.withDate); c != tc.want(i) {
					t.Errorf("frame %d: Time %q, want %q (line %q)", i+1, c, tc.want(i), l)
				}
			}
		})
	}
	_, errs, code := cli(t, nil, "read", "-t", "x", bundled)
	if code != exitUsage {
		t.Errorf("-t x: exit %d, want %d: %s", code, exitUsage, errs)
	}
}

// seconds formats a duration as tshark's relative times, with the
// nanosecond resolution of the bundled capture.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%d.%09d", d/time.Second, d%time.Second)
}

// TestTimeFormatsMatchTshark compares the Time column of every -t format
// with tshark's on the bundled capture.
func TestTimeFormatsMatchTshark(t *testing.T) {
	path := tsharkdiff.Require(t)
	for _, tc := range []struct {
		format   string
		withDate bool
	}{{"r", false}, {"d", false}, {"e", false}, {"a", false}, {"ad", true}, {"u", false}, {"ud", true}} {
		out, errs, code := cli(t, nil, "read", "-t", tc.format, bundled)
		if code != exitOK {
			t.Fatalf("-t %s: exit %d: %s", tc.format, code, errs)
		}
		ts := runTshark(t, path, "-r", bundled, "-t", tc.format)
		got, want := lines(out), lines(ts)
		if len(got) != len(want) {
			t.Fatalf("-t %s: %d lines, tshark %d", tc.format, len(got), len(want))
		}
		for i := range want {
			if g, w := timeColumn(got[i], tc.withDate), timeColumn(want[i], tc.withDate); g != w {
				t.Errorf("-t %s frame %d: Time %q, tshark %q", tc.format, i+1, g, w)
			}
		}
	}
}

// runTshark runs tshark as tsharkdiff does (C locale, no name resolution,
// no personal preferences) and returns its standard output.
func runTshark(t *testing.T, path string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"-n"}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "WIRESHARK_CONFIG_DIR="+t.TempDir())
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %v: %v\n%s", args, err, errb.String())
	}
	return string(out)
}

func TestJSON(t *testing.T) {
	all := frames(t, bundled)
	out, errs, code := cli(t, nil, "read", "-T", "json", bundled)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := lines(out)
	if len(got) != len(all) {
		t.Fatalf("%d JSON lines, want one per frame: %d", len(got), len(all))
	}
	for i, l := range got {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d is not valid JSON: %s", i+1, l)
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", i+1, err)
		}
	}
	// A filter keeps one line per displayed packet.
	out, _, _ = cli(t, nil, "read", "-T", "json", "-Y", "icmpv6.type == 135", bundled)
	text, _, _ := cli(t, nil, "read", "-Y", "icmpv6.type == 135", bundled)
	if n, m := len(lines(out)), len(lines(text)); n != m || n == 0 {
		t.Errorf("-T json -Y: %d lines, text output %d", n, m)
	}
}

// fieldsE are fields both tools decode in the bundled capture; ipv6.addr
// and ipv6.opt.type occur more than once in a frame.
var fieldsE = []string{"frame.number", "eth.src", "ipv6.src", "ipv6.addr", "ipv6.hlim", "ipv6.opt.type", "icmpv6.type", "icmpv6.checksum", "udp.srcport"}

func fieldArgs(opts ...string) []string {
	args := []string{"-T", "fields"}
	for _, o := range opts {
		args = append(args, "-E", o)
	}
	for _, f := range fieldsE {
		args = append(args, "-e", f)
	}
	return args
}

var fieldsOptions = [][]string{
	{"header=y", "separator=,", "occurrence=f", "quote=d", "aggregator=;"},
	{"header=y", "separator=,", "occurrence=a", "quote=d", "aggregator=;"},
	{"header=n", "separator=/s", "occurrence=l", "quote=s"},
	{"occurrence=a", "aggregator=/s"},
}

func TestFieldsOptions(t *testing.T) {
	all := frames(t, bundled)
	args := append([]string{"read"}, fieldArgs("header=y", "separator=,", "occurrence=f", "quote=d", "aggregator=;")...)
	out, errs, code := cli(t, nil, append(args, bundled)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := lines(out)
	if len(got) != len(all)+1 {
		t.Fatalf("%d lines, want a header and %d rows", len(got), len(all))
	}
	// As tshark: the header is never quoted, and neither is an absent
	// field (no UDP in this capture).
	if want := strings.Join(fieldsE, ","); got[0] != want {
		t.Errorf("header %s, want %s", got[0], want)
	}
	for i, row := range got[1:] {
		cells := strings.Split(row, ",")
		if len(cells) != len(fieldsE) {
			t.Fatalf("row %d has %d cells, want %d: %s", i+1, len(cells), len(fieldsE), row)
		}
		if last := cells[len(cells)-1]; last != "" {
			t.Errorf("row %d: absent udp.srcport printed as %s, want nothing", i+1, last)
		}
		if cells[0] != strconv.Quote(strconv.Itoa(i+1)) {
			t.Errorf("row %d starts with %s", i+1, cells[0])
		}
		// occurrence=f: one address, never the aggregator.
		if strings.Contains(cells[3], ";") {
			t.Errorf("row %d: occurrence=f printed several ipv6.addr: %s", i+1, cells[3])
		}
		if a, err := netip.ParseAddr(strings.Trim(cells[3], `"`)); err != nil || strings.Trim(cells[2], `"`) != a.String() {
			t.Errorf("row %d: first ipv6.addr %s is not ipv6.src %s", i+1, cells[3], cells[2])
		}
	}
	out, _, _ = cli(t, nil, append(append([]string{"read"}, fieldArgs("occurrence=a", "aggregator=;")...), bundled)...)
	for i, row := range lines(out) {
		cells := strings.Split(row, "\t")
		if addrs := strings.Split(cells[3], ";"); len(addrs) != 2 || addrs[0] != cells[2] {
			t.Errorf("row %d: occurrence=a ipv6.addr = %q, want source;destination", i+1, cells[3])
		}
	}
}

func TestFieldsMatchTshark(t *testing.T) {
	path := tsharkdiff.Require(t)
	for _, opts := range fieldsOptions {
		t.Run(strings.Join(opts, " "), func(t *testing.T) {
			args := fieldArgs(opts...)
			out, errs, code := cli(t, nil, append(append([]string{"read"}, args...), bundled)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			want := runTshark(t, path, append([]string{"-r", bundled}, args...)...)
			got, wl := lines(out), lines(want)
			if len(got) != len(wl) {
				t.Fatalf("%d lines, tshark %d", len(got), len(wl))
			}
			for i := range wl {
				if got[i] != wl[i] {
					t.Errorf("line %d:\n v6scope %q\n tshark  %q", i+1, got[i], wl[i])
				}
			}
		})
	}
}

func TestFieldsCommand(t *testing.T) {
	out, errs, code := cli(t, nil, "fields")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	all := lines(out)
	if want := len(schema().Names()); len(all) != want {
		t.Errorf("fields lists %d names, the schema has %d", len(all), want)
	}
	prefix := "ipv6.routing"
	out, _, code = cli(t, nil, "fields", prefix)
	if code != exitOK {
		t.Fatalf("fields %s: exit %d", prefix, code)
	}
	got := lines(out)
	want := 0
	for _, l := range all {
		if strings.HasPrefix(l, prefix) {
			want++
		}
	}
	if len(got) != want || want == 0 {
		t.Errorf("fields %s: %d lines, want the %d names that start with it", prefix, len(got), want)
	}
	for _, l := range got {
		cols := strings.Split(l, "\t")
		if len(cols) != 3 || !strings.HasPrefix(cols[0], prefix) || !strings.HasPrefix(cols[1], "FT_") {
			t.Errorf("fields %s: line %q is not NAME\\tFT_TYPE\\tTITLE with the prefix", prefix, l)
		}
	}
	_, errs, code = cli(t, nil, "fields", "no.such.prefix")
	if code != exitUsage || !strings.Contains(errs, "no.such.prefix") {
		t.Errorf("fields no.such.prefix: exit %d, error %q", code, errs)
	}
}

func TestVersion(t *testing.T) {
	out, errs, code := cli(t, nil, "version")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !regexp.MustCompile(`^v6scope \S.*\nbuilt with go1\.\d+`).MatchString(out) {
		t.Errorf("version printed %q", out)
	}
}

func TestDefaultPrintsBundled(t *testing.T) {
	out, errs, code := cli(t, nil)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// Not on a terminal: the mixed capture the UI would open, as read prints it.
	mixed := filepath.Join("..", "..", "pcaps", tuiDefault)
	want, _, _ := cli(t, nil, "read", mixed)
	if out != want {
		t.Errorf("v6scope with no arguments printed\n%s\nwant the bundled capture as read prints it\n%s", out, want)
	}
	if n := len(frames(t, mixed)); len(lines(out)) != n {
		t.Errorf("%d lines, want %d", len(lines(out)), n)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"read"},
		{"read", "--no-such-flag", bundled},
		{"no-such-command"},
		{"read", "-T", "xml", bundled},
		{"read", "-T", "fields", bundled},
		{"read", "-e", "ipv6.src", bundled},
		{"read", "-T", "fields", "-e", "ipv6.src", "-E", "occurrence=x", bundled},
	} {
		out, errs, code := cli(t, nil, args...)
		if code != exitUsage || errs == "" || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit %d with a message", args, code, errs, out, exitUsage)
		}
	}
}

// hostileCapture writes a pcapng whose interface name, packet comment and
// UDP payload carry terminal control sequences, and returns its path.
func hostileCapture(t *testing.T) string {
	t.Helper()
	payload := []byte("\x1b[2J\x1b]0;pwned\x07\x9b31m\r\x00clear")
	const hdr = 40 + 8
	pkt := make([]byte, hdr+len(payload))
	pkt[0] = 0x60
	pkt[4], pkt[5] = byte((8+len(payload))>>8), byte(8+len(payload))
	pkt[6], pkt[7] = 17, 64 // UDP, hop limit
	src, dst := netip.MustParseAddr("2001:db8::1").As16(), netip.MustParseAddr("2001:db8::2").As16()
	copy(pkt[8:], src[:])
	copy(pkt[24:], dst[:])
	u := pkt[40:]
	u[0], u[1], u[2], u[3] = 0x30, 0x39, 0x30, 0x39 // ports 12345
	u[4], u[5] = byte((8+len(payload))>>8), byte(8+len(payload))
	copy(u[8:], payload)

	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, "section \x1b[31mred", []capture.Interface{{
		Name: "eth\x1b[1mX", Description: "\x1b]2;title\x07", LinkType: capture.LinkIPv6, TSResolution: time.Microsecond,
	}})
	if err != nil {
		t.Fatal(err)
	}
	f := capture.Frame{Time: time.Unix(1700000000, 0), Interface: 0, LinkType: capture.LinkIPv6, OrigLen: len(pkt), Data: pkt, Comment: "see \x1b[2Jthis\x1b[0m"}
	if err := w.WriteFrame(&f); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hostile.pcapng")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The control bytes must really be in the file, or the test proves
	// nothing.
	if !bytes.Contains(buf.Bytes(), []byte("\x1b[2J")) || !bytes.Contains(buf.Bytes(), []byte("eth\x1b[1mX")) {
		t.Fatal("the written capture does not carry the escape sequences")
	}
	return path
}

func TestSanitized(t *testing.T) {
	file := hostileCapture(t)
	for _, args := range [][]string{
		{"read", file},
		{"read", "-V", file},
		{"read", "-V", "--explain", file},
		{"read", "-x", file},
		{"read", "-V", "-x", file},
		{"read", "-T", "json", file},
		{"read", "-T", "fields", "-e", "frame.comment", "-e", "frame.interface_name", "-e", "udp.payload", "-e", "frame.protocols", file},
		{"read", "-T", "fields", "-E", "quote=d", "-e", "frame.comment", "-e", "frame.interface_name", file},
	} {
		out, errs, code := cli(t, nil, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
		if out == "" {
			t.Errorf("%v printed nothing", args)
		}
		for name, s := range map[string]string{"stdout": out, "stderr": errs} {
			if i := strings.IndexFunc(s, func(r rune) bool {
				return r == 0x1b || r == 0x9b || r == 0x07 || r == '\r' || r == 0
			}); i >= 0 {
				t.Errorf("%v: raw control character %q on %s at byte %d:\n%q", args, s[i], name, i, s)
			}
		}
	}
	// What was neutralized is still shown, escaped.
	out, _, _ := cli(t, nil, "read", "-V", file)
	if !strings.Contains(out, `\x1b`) {
		t.Errorf("-V does not show the escape sequences as \\x1b:\n%s", out)
	}
	out, _, _ = cli(t, nil, "read", "-T", "json", file)
	var obj map[string]any
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Errorf("-T json on hostile text: %v", err)
	}
}

// TestBinary builds the real binary once and checks the exit statuses the
// shell sees, which go through main and os.Exit.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "v6scope")
	build := exec.Command(goBin, "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build (CGO_ENABLED=0): %v\n%s", err, out)
	}
	notCap := filepath.Join(t.TempDir(), "x.txt")
	os.WriteFile(notCap, []byte("hello"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"version"}, exitOK},
		{[]string{"read", "-c", "1", bundled}, exitOK},
		{[]string{"read", "-Y", "ipv6.nope", bundled}, exitUsage},
		{[]string{"read", notCap}, exitInput},
	} {
		cmd := exec.Command(bin, tc.args...)
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("v6scope %v: exit status %d, want %d", tc.args, code, tc.code)
		}
	}
}
