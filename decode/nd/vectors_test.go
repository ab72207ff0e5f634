package nd_test

import (
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/v6scope/v6scope/internal/decodetest"
)

// Builders for test vectors. The frames are Ethernet, IPv6 and ICMPv6 with
// correct checksums (decodetest), so that only what a test changes is
// wrong.

const (
	etherIPv6 = 0x86dd
	protoICMP = 58
)

// frame returns an Ethernet frame holding an ND message from src to dst
// with Hop Limit hlim.
func frame(src, dst string, hlim, typ, code uint8, body []byte) []byte {
	return decodetest.Ethernet(etherIPv6, decodetest.IPv6(src, dst, protoICMP, hlim, decodetest.ICMPv6(src, dst, typ, code, body)))
}

// nd255 is frame with the Hop Limit ND requires.
func nd255(src, dst string, typ uint8, body []byte) []byte { return frame(src, dst, 255, typ, 0, body) }

// opt returns an option of type typ holding data, zero-padded to a
// multiple of 8 bytes, with the Length that says so.
func opt(typ uint8, data ...byte) []byte {
	n := (2 + len(data) + 7) / 8
	b := make([]byte, n*8)
	b[0], b[1] = typ, byte(n)
	copy(b[2:], data)
	return b
}

// rawOpt returns an option with whatever Length the test wants.
func rawOpt(typ, length uint8, data ...byte) []byte {
	return append([]byte{typ, length}, data...)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func addr(s string) []byte {
	a := netip.MustParseAddr(s).As16()
	return a[:]
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

var mac1 = []byte{0x02, 0x76, 0x36, 0x00, 0x00, 0x01}

// Message bodies (after type, code and checksum).
func rsBody(opts ...[]byte) []byte { return cat(u32(0), cat(opts...)) }
func raBody(hop, flags uint8, lifetime uint16, reach, retrans uint32, opts ...[]byte) []byte {
	return cat([]byte{hop, flags}, u16(lifetime), u32(reach), u32(retrans), cat(opts...))
}
func nsBody(target string, opts ...[]byte) []byte { return cat(u32(0), addr(target), cat(opts...)) }
func naBody(flags uint32, target string, opts ...[]byte) []byte {
	return cat(u32(flags), addr(target), cat(opts...))
}
func rdBody(target, dest string, opts ...[]byte) []byte {
	return cat(u32(0), addr(target), addr(dest), cat(opts...))
}

// Options.
func sllao(mac []byte) []byte { return opt(1, mac...) }
func tllao(mac []byte) []byte { return opt(2, mac...) }
func prefixInfo(plen, flags uint8, valid, preferred uint32, prefix string) []byte {
	return opt(3, cat([]byte{plen, flags}, u32(valid), u32(preferred), u32(0), addr(prefix))...)
}
func mtuOpt(mtu uint32) []byte { return opt(5, cat(u16(0), u32(mtu))...) }
func rdnss(lifetime uint32, servers ...string) []byte {
	d := cat(u16(0), u32(lifetime))
	for _, s := range servers {
		d = append(d, addr(s)...)
	}
	return opt(25, d...)
}

// redirectedHeader wraps a packet in a Redirected Header option.
func redirectedHeader(pkt []byte) []byte { return opt(4, cat(make([]byte, 6), pkt)...) }

// syntheticFrames exercise every option v6scope decodes, and the corner
// cases of each, on frames tshark can check too.
func syntheticFrames() map[string][]byte {
	const ll, ll2, all, routers = "fe80::1", "fe80::2", "ff02::1", "ff02::2"
	dns := []byte("\x07example\x03com\x00\x03lan\x00")
	cga := cat(make([]byte, 16), []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1}, []byte{0},
		// A small SubjectPublicKeyInfo: rsaEncryption, modulus 3, exponent 3.
		[]byte{0x30, 0x1a, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
			0x03, 0x09, 0x00, 0x30, 0x06, 0x02, 0x01, 0x03, 0x02, 0x01, 0x03},
		u16(1), u16(3), []byte{1, 2, 3})
	cgaOpt := func() []byte {
		body := cat([]byte{0, 0}, cga) // pad length, reserved
		n := (2 + len(body) + 7) / 8 * 8
		body[0] = byte(n - 2 - len(body))
		return opt(11, body...)
	}()
	echo := decodetest.IPv6("2001:db8::1", "2001:db8:1::1", protoICMP, 63, decodetest.ICMPv6("2001:db8::1", "2001:db8:1::1", 128, 0, []byte{0, 1, 0, 1, 'a', 'b'}))
	return map[string][]byte{
		"rs":          nd255(ll, routers, 133, rsBody(sllao(mac1))),
		"rs-bare":     nd255("::", routers, 133, rsBody()),
		"ra-flags":    nd255(ll, all, 134, raBody(64, 0xfc, 1800, 30000, 1000, sllao(mac1), mtuOpt(1500))),
		"ra-prefix":   nd255(ll, all, 134, raBody(0, 0x08, 0, 0, 0, prefixInfo(64, 0xe0, 0xffffffff, 3600, "2001:db8::"), prefixInfo(48, 0x1f, 10, 20, "fe80::"))),
		"ra-mip6":     nd255(ll, all, 134, raBody(0, 0x20, 0, 0, 0, opt(7, cat(u16(0), u32(3000))...), opt(8, cat(u16(0), u16(10), u16(1800))...))),
		"ra-route":    nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(24, cat([]byte{0, 0x18}, u32(60))...), opt(24, cat([]byte{48, 0x08}, u32(0xffffffff), addr("2001:db8:aa::")[:8])...), opt(24, cat([]byte{128, 0x00}, u32(1), addr("2001:db8::5"))...))),
		"ra-dns":      nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, rdnss(600, "2001:db8::53", "2001:db8::54"), opt(31, cat(u16(0), u32(1200), dns)...))),
		"ra-efo":      nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(26, cat(u16(0xdc01), u32(0))...))),
		"ra-capport":  nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(37, []byte("https://portal.example/api")...))),
		"ra-pref64":   nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(38, cat(u16(600<<3|0), addr("64:ff9b::")[:12])...), opt(38, cat(u16(8<<3|5), addr("2001:db8::")[:12])...), opt(38, cat(u16(1<<3|2), addr("2001:db8:1:2::")[:12])...))),
		"ra-unknown":  nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(200, 1, 2, 3, 4, 5, 6), opt(21, make([]byte, 22)...))),
		"ra-shortpfx": nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, rawOpt(3, 3, cat([]byte{64, 0xc0}, u32(10), u32(5), make([]byte, 14))...), mtuOpt(1500))),
		"ra-longmtu":  nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, rawOpt(5, 2, cat(u16(0), u32(9000), make([]byte, 8))...))),
		"ns":          nd255(ll, "ff02::1:ff00:2", 135, nsBody(ll2, sllao(mac1))),
		"ns-dad":      nd255("::", "ff02::1:ff00:2", 135, nsBody(ll2, opt(14, 1, 2, 3, 4, 5, 6))),
		"ns-send":     nd255(ll, "ff02::1:ff00:2", 135, nsBody(ll2, cgaOpt, opt(12, cat(u16(0), make([]byte, 16), []byte{9, 9, 9, 9, 9, 9})...), opt(13, cat(make([]byte, 6), []byte{0, 0, 0x65, 0x5c, 0x1a, 0x00, 0x80, 0x00})...), opt(14, 7, 7, 7, 7, 7, 7))),
		"na":          nd255(ll2, ll, 136, naBody(0xe0000000, ll2, tllao(mac1))),
		"na-eui64":    nd255(ll2, all, 136, naBody(0x20000000, ll2, opt(2, 1, 2, 3, 4, 5, 6, 7, 8), opt(1, 1, 2, 3, 4, 5, 6, 7, 8))),
		"na-odd-lla":  nd255(ll2, all, 136, naBody(0x20000000, ll2, rawOpt(2, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))),
		"ra-anchor":   nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(15, cat([]byte{2, 3}, []byte("\x02ca\x03lan\x00"), []byte{0, 0, 0})...), opt(15, cat([]byte{1, 2}, []byte{0x30, 0x02, 0x31, 0x00}, []byte{0, 0})...))),
		"ra-cert":     nd255(ll, all, 134, raBody(0, 0, 0, 0, 0, opt(16, cat([]byte{2, 0}, []byte{1, 2, 3, 4})...))),
		"redirect":    nd255(ll, "2001:db8::1", 137, rdBody("fe80::99", "2001:db8:1::1", tllao(mac1), redirectedHeader(echo))),
		"redirect-rh": nd255(ll, "2001:db8::1", 137, rdBody("2001:db8:1::1", "2001:db8:1::1", redirectedHeader(echo))),
	}
}

// writePcap writes frames as an Ethernet pcap file and returns its path
// and the frames' names in file order.
func writePcap(t testing.TB, frames map[string][]byte) (string, []string) {
	t.Helper()
	names := make([]string, 0, len(frames))
	for n := range frames {
		names = append(names, n)
	}
	slices.Sort(names)
	// pcap global header (little-endian): magic, version 2.4, zone,
	// sigfigs, snaplen, link type 1 (Ethernet).
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b := hdr
	for i, n := range names {
		f := frames[n]
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[0:], uint32(1700000000+i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		b = append(append(b, rec...), f...)
	}
	path := filepath.Join(t.TempDir(), "nd-synthetic.pcap")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, names
}
