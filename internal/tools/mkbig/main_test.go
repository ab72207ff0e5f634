package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pcapFile builds a classic pcap in byte order bo with the given magic,
// link type and frames.
func pcapFile(bo binary.ByteOrder, magic, linkType uint32, frames ...[]byte) []byte {
	b := make([]byte, fileHeaderLen)
	bo.PutUint32(b[0:], magic)
	bo.PutUint16(b[4:], 2)
	bo.PutUint16(b[6:], 4)
	bo.PutUint32(b[16:], 65535)
	bo.PutUint32(b[20:], linkType)
	for i, f := range frames {
		rec := make([]byte, recordHeaderLen)
		bo.PutUint32(rec[0:], uint32(1000+i))
		bo.PutUint32(rec[8:], uint32(len(f)))
		bo.PutUint32(rec[12:], uint32(len(f)+100)) // snapped
		b = append(append(b, rec...), f...)
	}
	return b
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadPcap(t *testing.T) {
	a, b := []byte("frame-a"), []byte("frame-bb")
	for _, tc := range []struct {
		name    string
		data    []byte
		want    int
		skip    bool
		wantErr string
	}{
		{name: "little-endian µs", data: pcapFile(binary.LittleEndian, magicMicro, 1, a, b), want: 2},
		{name: "big-endian ns", data: pcapFile(binary.BigEndian, magicNano, 1, a, b), want: 2},
		{name: "Ethernet with FCS bits", data: pcapFile(binary.LittleEndian, magicMicro, 1|0x10000000, a), want: 1},
		{name: "no frames", data: pcapFile(binary.LittleEndian, magicMicro, 1), want: 0},
		{name: "raw IPv6", data: pcapFile(binary.LittleEndian, magicMicro, 229, a), skip: true},
		{name: "pcapng", data: []byte{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, skip: true},
		{name: "not a capture", data: []byte("hello, this is a text file!"), wantErr: "neither classic pcap nor pcapng"},
		{name: "short", data: []byte{1, 2, 3}, wantErr: "too short"},
		{name: "record cut short", data: pcapFile(binary.LittleEndian, magicMicro, 1, a)[:fileHeaderLen+recordHeaderLen+3], wantErr: "record 1 at offset 24: captured length 7 runs past the end"},
		{name: "record header cut short", data: pcapFile(binary.LittleEndian, magicMicro, 1, a)[:fileHeaderLen+5], wantErr: "record 1 at offset 24: header cut short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames, err := readPcap(writeTemp(t, "in.pcap", tc.data))
			switch {
			case tc.skip:
				if !errors.Is(err, errSkip) {
					t.Errorf("error = %v, want errSkip", err)
				}
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("error = %v", err)
			case len(frames) != tc.want:
				t.Errorf("%d frames, want %d", len(frames), tc.want)
			case tc.want > 0 && (!bytes.Equal(frames[0].data, a) || frames[0].origLen != uint32(len(a)+100)):
				t.Errorf("frame 1 = %q, orig %d; want %q, orig %d", frames[0].data, frames[0].origLen, a, len(a)+100)
			}
		})
	}
}

// TestRoundTrip writes 5 packets from two inputs (one skipped) and reads
// the result back.
func TestRoundTrip(t *testing.T) {
	a, b, c := []byte("frame-a"), []byte("frame-bb"), []byte("frame-ccc")
	in1 := writeTemp(t, "one.pcap", pcapFile(binary.BigEndian, magicMicro, 1, a, b))
	in2 := writeTemp(t, "two.pcap", pcapFile(binary.LittleEndian, magicNano, 1, c))
	raw := writeTemp(t, "raw.pcap", pcapFile(binary.LittleEndian, magicMicro, 101, a))
	out := filepath.Join(t.TempDir(), "big.pcap")
	if err := run(5, out, 999_999, 1_700_000_000, []string{in1, raw, in2}); err != nil {
		t.Fatal(err)
	}
	frames, err := readPcap(out)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{a, b, c, a, b}
	if len(frames) != len(want) {
		t.Fatalf("%d frames, want %d", len(frames), len(want))
	}
	for i, f := range frames {
		if !bytes.Equal(f.data, want[i]) || f.origLen != uint32(len(want[i])+100) {
			t.Errorf("frame %d = %q orig %d, want %q orig %d", i+1, f.data, f.origLen, want[i], len(want[i])+100)
		}
	}
	data, _ := os.ReadFile(out)
	le := binary.LittleEndian
	if le.Uint32(data) != magicMicro || le.Uint32(data[20:]) != linkEthernet {
		t.Errorf("file header % x, want little-endian µs Ethernet", data[:fileHeaderLen])
	}
	// Timestamps: 1_700_000_000 s + i × 999 999 µs.
	off := fileHeaderLen
	for i := range len(want) {
		us := uint64(1_700_000_000)*1e6 + uint64(i)*999_999
		if s, frac := le.Uint32(data[off:]), le.Uint32(data[off+4:]); uint64(s) != us/1e6 || uint64(frac) != us%1e6 {
			t.Errorf("frame %d timestamp %d.%06d, want %d.%06d", i+1, s, frac, us/1e6, us%1e6)
		}
		off += recordHeaderLen + int(le.Uint32(data[off+8:]))
	}
}

func TestRunErrors(t *testing.T) {
	raw := writeTemp(t, "raw.pcap", pcapFile(binary.LittleEndian, magicMicro, 229, []byte("x")))
	for _, tc := range []struct {
		name    string
		err     error
		wantErr string
	}{
		{"no inputs", run(1, "-", 10, 0, nil), "no input captures"},
		{"only skipped inputs", run(1, "-", 10, 0, []string{raw}), "no Ethernet frames"},
		{"zero step", run(1, "-", 0, 0, []string{raw}), "-step 0"},
		{"negative count", run(-1, "-", 10, 0, []string{raw}), "-n -1"},
		{"missing input", run(1, "-", 10, 0, []string{filepath.Join(t.TempDir(), "nope.pcap")}), "nope.pcap"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.wantErr)
		}
	}
}
