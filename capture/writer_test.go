package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

var writerIfaces = []Interface{
	{Name: "eth0", Description: "lab link", LinkType: LinkEthernet, SnapLen: 262144, TSResolution: time.Nanosecond},
	{Name: "tun0", LinkType: LinkRaw, TSResolution: time.Microsecond, TSOffset: 1000},
	{LinkType: LinkLinuxSLL2, SnapLen: 128, TSResolution: time.Millisecond},
	{Name: "odd", LinkType: LinkIPv6, TSResolution: 953}, // not a power of ten: written as 1ns
}

// writerFrames are frames whose times are exact at their interface's
// resolution.
func writerFrames() []Frame {
	base := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	return []Frame{
		{Interface: 0, Time: base.Add(123456789), OrigLen: 1514, Data: payload(1, 61), Comment: "first"},
		{Interface: 1, Time: base.Add(5 * time.Microsecond), Data: payload(2, 62)},
		{Interface: 2, Time: base.Add(7 * time.Millisecond), Data: payload(3, 63), Comment: "multi\nline ✓"},
		{Interface: 3, Time: base.Add(1), Data: payload(4, 64)},
		{Interface: 0, Data: nil},                                     // zero time, no data
		{Interface: 1, Time: time.Unix(1000, 0), Data: payload(5, 1)}, // exactly the if_tsoffset epoch
	}
}

func writeFrames(t testing.TB, comment string, ifaces []Interface, frames []Frame) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewPcapngWriter(&buf, comment, ifaces)
	if err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		if err := w.WriteFrame(&frames[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriterRoundTrip(t *testing.T) {
	in := writerFrames()
	b := writeFrames(t, "section comment", writerIfaces, in)
	got, r := mustReadAll(t, b)
	if len(got) != len(in) {
		t.Fatalf("read %d frames, wrote %d", len(got), len(in))
	}
	for i, g := range got {
		w := in[i]
		wantTime := w.Time
		if wantTime.IsZero() {
			wantTime = time.Unix(0, 0)
		}
		wantOrig := w.OrigLen
		if wantOrig == 0 {
			wantOrig = len(w.Data)
		}
		if g.Number != i+1 || !g.Time.Equal(wantTime) || g.Interface != w.Interface || g.LinkType != writerIfaces[w.Interface].LinkType ||
			g.Comment != w.Comment || g.OrigLen != wantOrig || g.CapLen != len(w.Data) || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("frame %d: wrote %+v, read %+v", i+1, w, g)
		}
	}
	wantIfs := append([]Interface(nil), writerIfaces...)
	wantIfs[3].TSResolution = time.Nanosecond
	if !reflect.DeepEqual(r.Interfaces(), wantIfs) {
		t.Errorf("Interfaces():\n got %+v\nwant %+v", r.Interfaces(), wantIfs)
	}
	if !reflect.DeepEqual(r.SectionComments(), []string{"section comment"}) {
		t.Errorf("SectionComments() = %q", r.SectionComments())
	}
}

// What the writer writes, tshark reads the same way.
func TestWriterReadByTshark(t *testing.T) {
	tshark := needTshark(t)
	in := writerFrames()
	path := writeTemp(t, "w.pcapng", writeFrames(t, "hi", writerIfaces, in))
	out, err := exec.Command(tshark, "-r", path, "-T", "fields", "-E", "occurrence=a",
		"-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len",
		"-e", "frame.interface_id", "-e", "frame.interface_name", "-e", "frame.comment").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(in) {
		t.Fatalf("tshark reads %d frames, wrote %d:\n%s", len(lines), len(in), out)
	}
	for i, f := range in {
		tm, orig := f.Time, f.OrigLen
		if tm.IsZero() {
			tm = time.Unix(0, 0)
		}
		if orig == 0 {
			orig = len(f.Data)
		}
		name := writerIfaces[f.Interface].Name
		if name == "" {
			name = "unknown" // tshark's word for an interface without if_name
		}
		// tshark 4.0 prints a comment's newline as "\n".
		want := fmt.Sprintf("%s\t%d\t%d\t%d\t%s\t%s", epoch(tm), orig, len(f.Data), f.Interface,
			name, strings.ReplaceAll(f.Comment, "\n", `\n`))
		if lines[i] != want {
			t.Errorf("frame %d:\n tshark %q\n want   %q", i+1, lines[i], want)
		}
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterErrors(t *testing.T) {
	w, err := NewPcapngWriter(io.Discard, "", writerIfaces[:2])
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    Frame
		says string
	}{
		{"no such interface", Frame{Interface: 2}, "interface 2, but the writer has 2"},
		{"negative interface", Frame{Interface: -1}, "interface -1"},
		{"before the epoch", Frame{Time: time.Unix(-1, 0)}, "before the interface's epoch"},
		{"before the if_tsoffset epoch", Frame{Interface: 1, Time: time.Unix(999, 0)}, "if_tsoffset 1000"},
		{"comment too long", Frame{Comment: strings.Repeat("x", 70000)}, "at most 65535"},
		{"data too long", Frame{Data: make([]byte, MaxCapLen+1)}, "more than the 1048576"},
	}
	for _, c := range cases {
		if err := w.WriteFrame(&c.f); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.says)
		}
	}
	// A write error surfaces, at the latest on Flush.
	fw, err := NewPcapngWriter(&failWriter{after: 100}, "", writerIfaces[:1])
	if err != nil {
		t.Fatal(err)
	}
	f := Frame{Data: make([]byte, 100)}
	var werr error
	for range 1000 {
		if werr = fw.WriteFrame(&f); werr != nil {
			break
		}
	}
	if werr == nil {
		werr = fw.Flush()
	}
	if werr == nil || !strings.Contains(werr.Error(), "disk full") {
		t.Errorf("write error: %v", werr)
	}
}

func TestWriteFrameDoesNotAllocate(t *testing.T) {
	w, err := NewPcapngWriter(io.Discard, "", writerIfaces)
	if err != nil {
		t.Fatal(err)
	}
	f := writerFrames()[2] // with a comment
	if a := testing.AllocsPerRun(1000, func() {
		if err := w.WriteFrame(&f); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("WriteFrame allocates %v times per frame", a)
	}
}
