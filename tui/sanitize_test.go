package tui

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/tui/model"
)

// hostileRA is a Router Advertisement whose DNSSL name holds an escape
// sequence and a tview colour tag.
func hostileRA() []byte {
	var b []byte
	b = append(b, 0x33, 0x33, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd) // Ethernet
	label := []byte("ev\x1b[31mil[red]")
	name := append(append([]byte{byte(len(label))}, label...), 3, 'c', 'o', 'm', 0)
	opt := []byte{31, 0, 0, 0, 0, 0, 0x0e, 0x10} // DNSSL, length set below, lifetime 3600
	opt = append(opt, name...)
	for len(opt)%8 != 0 {
		opt = append(opt, 0)
	}
	opt[1] = byte(len(opt) / 8)
	icmp := []byte{134, 0, 0, 0, 64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0}
	icmp = append(icmp, opt...)
	ip := make([]byte, 40)
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(len(icmp)))
	ip[6], ip[7] = 58, 255
	ip[8], ip[9], ip[23] = 0xfe, 0x80, 1
	ip[24], ip[25], ip[39] = 0xff, 0x02, 1
	return append(append(b, ip...), icmp...)
}

func TestWireTextIsSanitized(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hostile.pcapng")
	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, "", []capture.Interface{{Name: "eth\x1b[2J0", LinkType: capture.LinkEthernet, TSResolution: time.Microsecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(&capture.Frame{Time: time.Unix(1700000000, 0), Data: hostileRA(), OrigLen: len(hostileRA()), Comment: "note\x1b]0;pwned\x07[blue]"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := model.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	h := start(t, src, Options{})
	h.onLoop(func() {
		h.a.tree.ExpandAll(true)
		for i := range h.a.cur.Tree.Fields {
			if h.a.cur.Tree.Fields[i].Name() == "icmpv6.opt.dnssl" {
				h.a.tree.Select(i)
				h.a.fieldChanged(i)
			}
		}
	})
	h.screenHas(`[31mil[red].com`) // the decoder escapes the ESC byte itself (\\033, as tshark)
	h.onLoop(func() {
		for i := range h.a.cur.Tree.Fields {
			if h.a.cur.Tree.Fields[i].Name() == "frame.comment" {
				h.a.tree.Select(i)
			}
		}
	})
	h.screenHas(`note\x1b]0;pwned\x07[blue]`)
	txt := h.text()
	for _, c := range txt {
		if c < 0x20 && c != '\n' || c >= 0x7f && c < 0xa0 {
			t.Fatalf("the screen holds control character %U:\n%s", c, txt)
		}
	}
	if strings.Contains(txt, "\x1b") {
		t.Errorf("an escape reached the screen")
	}
}
