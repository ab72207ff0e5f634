package filter

import (
	"net/netip"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode/dissect"
)

// The test schema: a few names of each kind, spelled as Wireshark does.
var (
	fFrame       = &dissect.FieldInfo{Name: "frame", Title: "Frame", Kind: dissect.Protocol}
	fFrameNumber = &dissect.FieldInfo{Name: "frame.number", Title: "Frame Number", Kind: dissect.FrameNum}
	fTimeRel     = &dissect.FieldInfo{Name: "frame.time_relative", Title: "Time since first frame", Kind: dissect.RelTime}
	fTimeDelta   = &dissect.FieldInfo{Name: "frame.time_delta", Title: "Time delta from previous captured frame", Kind: dissect.RelTime}
	fTime        = &dissect.FieldInfo{Name: "frame.time", Title: "Arrival Time", Kind: dissect.AbsTime}
	fTimeEpoch   = &dissect.FieldInfo{Name: "frame.time_epoch", Title: "Epoch Time", Kind: dissect.EpochTime}
	fEth         = &dissect.FieldInfo{Name: "eth", Title: "Ethernet II", Kind: dissect.Protocol}
	fEthSrc      = &dissect.FieldInfo{Name: "eth.src", Title: "Source", Kind: dissect.MAC}
	fEthDst      = &dissect.FieldInfo{Name: "eth.dst", Title: "Destination", Kind: dissect.MAC}
	fEthAddr     = &dissect.FieldInfo{Name: "eth.addr", Title: "Address", Kind: dissect.MAC}
	fIP          = &dissect.FieldInfo{Name: "ip", Title: "Internet Protocol Version 4", Kind: dissect.Protocol}
	fIPSrc       = &dissect.FieldInfo{Name: "ip.src", Title: "Source Address", Kind: dissect.IPv4}
	fIPDst       = &dissect.FieldInfo{Name: "ip.dst", Title: "Destination Address", Kind: dissect.IPv4}
	fIPAddr      = &dissect.FieldInfo{Name: "ip.addr", Title: "Source or Destination Address", Kind: dissect.IPv4}
	fIPv6        = &dissect.FieldInfo{Name: "ipv6", Title: "Internet Protocol Version 6", Kind: dissect.Protocol}
	fIPv6Src     = &dissect.FieldInfo{Name: "ipv6.src", Title: "Source Address", Kind: dissect.IPv6}
	fIPv6Dst     = &dissect.FieldInfo{Name: "ipv6.dst", Title: "Destination Address", Kind: dissect.IPv6}
	fIPv6Addr    = &dissect.FieldInfo{Name: "ipv6.addr", Title: "Source or Destination Address", Kind: dissect.IPv6}
	fIPv6Nxt     = &dissect.FieldInfo{Name: "ipv6.nxt", Title: "Next Header", Kind: dissect.Uint, Values: nxtNames}
	fIPv6Hlim    = &dissect.FieldInfo{Name: "ipv6.hlim", Title: "Hop Limit", Kind: dissect.Uint}
	fIPv6Tclass  = &dissect.FieldInfo{Name: "ipv6.tclass", Title: "Traffic Class", Kind: dissect.Uint, Base: dissect.BaseHex, Digits: 2}
	fUDP         = &dissect.FieldInfo{Name: "udp", Title: "User Datagram Protocol", Kind: dissect.Protocol}
	fUDPPort     = &dissect.FieldInfo{Name: "udp.port", Title: "Source or Destination Port", Kind: dissect.Uint}
	fUDPSrcport  = &dissect.FieldInfo{Name: "udp.srcport", Title: "Source Port", Kind: dissect.Uint}
	fUDPDstport  = &dissect.FieldInfo{Name: "udp.dstport", Title: "Destination Port", Kind: dissect.Uint}
	fICMPv6      = &dissect.FieldInfo{Name: "icmpv6", Title: "Internet Control Message Protocol v6", Kind: dissect.Protocol}
	fICMPv6Type  = &dissect.FieldInfo{Name: "icmpv6.type", Title: "Type", Kind: dissect.Uint, Values: icmpv6Names}
	fICMPv6Csum  = &dissect.FieldInfo{Name: "icmpv6.checksum", Title: "Checksum", Kind: dissect.Uint, Base: dissect.BaseHex, Digits: 4}
	fNAFlagS     = &dissect.FieldInfo{Name: "icmpv6.nd.na.flag.s", Title: "Solicited", Kind: dissect.Bool}
	fNSTarget    = &dissect.FieldInfo{Name: "icmpv6.nd.ns.target_address", Title: "Target Address", Kind: dissect.IPv6}
	fData        = &dissect.FieldInfo{Name: "data", Title: "Data", Kind: dissect.Protocol}
	fDataData    = &dissect.FieldInfo{Name: "data.data", Title: "Data", Kind: dissect.Bytes}
	fDNS         = &dissect.FieldInfo{Name: "dns", Title: "Domain Name System", Kind: dissect.Protocol}
	fDNSQryName  = &dissect.FieldInfo{Name: "dns.qry.name", Title: "Name", Kind: dissect.String}
	fDelta       = &dissect.FieldInfo{Name: "v6scope.delta", Title: "Delta", Kind: dissect.Int}
	fRatio       = &dissect.FieldInfo{Name: "v6scope.ratio", Title: "Ratio", Kind: dissect.Float}
	fIfName      = &dissect.FieldInfo{Name: "frame.interface_name", Title: "Interface name", Kind: dissect.String}
)

func nxtNames(v uint64) string {
	switch v {
	case 17:
		return "UDP"
	case 41:
		return "IPv6"
	case 58:
		return "ICMPv6"
	}
	return ""
}

func icmpv6Names(v uint64) string {
	switch v {
	case 133:
		return "Router Solicitation"
	case 134:
		return "Router Advertisement"
	case 135:
		return "Neighbor Solicitation"
	case 136:
		return "Neighbor Advertisement"
	}
	return ""
}

var testSchema = NewSchema(fFrame, fFrameNumber, fTimeRel, fTimeDelta, fTime, fTimeEpoch, fRatio, fIfName, fEth, fEthSrc, fEthDst, fEthAddr,
	fIP, fIPSrc, fIPDst, fIPAddr, fIPv6, fIPv6Src, fIPv6Dst, fIPv6Addr, fIPv6Nxt, fIPv6Hlim, fIPv6Tclass,
	fUDP, fUDPPort, fUDPSrcport, fUDPDstport, fICMPv6, fICMPv6Type, fICMPv6Csum, fNAFlagS, fNSTarget,
	fData, fDataData, fDNS, fDNSQryName, fDelta, dissect.ExpertField)

func mac(s string) []byte {
	b, msg := parseByteString(s, false)
	if msg != "" {
		panic(s)
	}
	return b
}

func hidden(f *dissect.Field) { f.Hidden = true }

// addFrame adds the frame protocol with its number, times and interface
// name (kept in Field.B, as a decoder reusing a buffer does, for odd frame
// numbers).
func addFrame(t *dissect.Tree, num uint64, rel float64) {
	t.Push(fFrame, 0, len(t.Data))
	if num%2 == 1 {
		t.String(fIfName, 0, 0, "").B = []byte("eth0")
	} else {
		t.String(fIfName, 0, 0, "wlan0")
	}
	t.Uint(fFrameNumber, 0, 0, num)
	d := time.Duration(rel * float64(time.Second))
	at := time.Unix(1700000000, 0).Add(d)
	t.Time(fTime, at)
	t.Time(fTimeEpoch, at)
	t.Duration(fTimeRel, d)
	t.Duration(fTimeDelta, d-time.Duration(num-1)*time.Second/2)
	t.Pop()
}

func addEth(t *dissect.Tree, src, dst string) {
	t.Push(fEth, 0, 14)
	t.Bytes(fEthDst, 0, 6, mac(dst))
	hidden(t.Bytes(fEthAddr, 0, 6, mac(dst)))
	t.Bytes(fEthSrc, 6, 6, mac(src))
	hidden(t.Bytes(fEthAddr, 6, 6, mac(src)))
	t.Pop()
}

// pushIPv6 adds an ipv6 layer at off and leaves it open for its payload.
func pushIPv6(t *dissect.Tree, off int, src, dst string, nxt, hlim, tclass uint64) {
	t.Push(fIPv6, off, 40)
	t.Uint(fIPv6Tclass, off, 1, tclass)
	t.Uint(fIPv6Nxt, off+6, 1, nxt)
	t.Uint(fIPv6Hlim, off+7, 1, hlim)
	s, d := netip.MustParseAddr(src), netip.MustParseAddr(dst)
	t.Addr(fIPv6Src, off+8, 16, s)
	hidden(t.Addr(fIPv6Addr, off+8, 16, s))
	t.Addr(fIPv6Dst, off+24, 16, d)
	hidden(t.Addr(fIPv6Addr, off+24, 16, d))
}

func frameBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// nsTree is a Neighbor Solicitation from fe80::1 for fe80::2.
func nsTree() *dissect.Tree {
	t := &dissect.Tree{}
	data := frameBytes(14 + 40 + 24)
	data[14] = 0x60
	t.Reset(data)
	addFrame(t, 1, 0.5)
	addEth(t, "00:11:22:33:44:55", "33:33:ff:00:00:02")
	pushIPv6(t, 14, "fe80::1", "ff02::1:ff00:2", 58, 255, 0)
	t.Push(fICMPv6, 54, 24)
	t.Uint(fICMPv6Type, 54, 1, 135)
	t.Uint(fICMPv6Csum, 56, 2, 0x1234)
	t.Addr(fNSTarget, 62, 16, netip.MustParseAddr("fe80::2"))
	t.Pop()
	t.Pop()
	t.Float(fRatio, 0.25)
	return t
}

// naTree is the solicited Neighbor Advertisement answering nsTree.
func naTree() *dissect.Tree {
	t := &dissect.Tree{}
	data := frameBytes(14 + 40 + 24)
	data[14] = 0x60
	t.Reset(data)
	addFrame(t, 2, 1.75)
	addEth(t, "00:aa:bb:cc:dd:ee", "00:11:22:33:44:55")
	pushIPv6(t, 14, "fe80::2", "fe80::1", 58, 255, 0)
	t.Push(fICMPv6, 54, 24)
	t.Uint(fICMPv6Type, 54, 1, 136)
	t.Uint(fICMPv6Csum, 56, 2, 0xbeef)
	t.PushLabel("Flags: 0x60000000", 58, 4)
	t.Uint(fNAFlagS, 58, 4, 1)
	t.Pop()
	t.Pop()
	t.Pop()
	return t
}

// dnsTree is a DNS query in UDP in IPv6 in IPv4 (6in4), with a trailer.
func dnsTree() *dissect.Tree {
	t := &dissect.Tree{}
	data := frameBytes(14 + 20 + 40 + 8 + 20)
	t.Reset(data)
	addFrame(t, 3, 2.25)
	addEth(t, "00:11:22:33:44:55", "00:aa:bb:cc:dd:ee")
	t.Push(fIP, 14, 20)
	s, d := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("198.51.100.1")
	t.Addr(fIPSrc, 26, 4, s)
	hidden(t.Addr(fIPAddr, 26, 4, s))
	t.Addr(fIPDst, 30, 4, d)
	hidden(t.Addr(fIPAddr, 30, 4, d))
	t.Pop()
	pushIPv6(t, 34, "2001:db8::1", "2001:db8::53", 17, 64, 0x2e)
	t.Push(fUDP, 74, 8)
	t.Uint(fUDPSrcport, 74, 2, 5353)
	hidden(t.Uint(fUDPPort, 74, 2, 5353))
	t.Uint(fUDPDstport, 76, 2, 53)
	hidden(t.Uint(fUDPPort, 76, 2, 53))
	t.Pop()
	t.Push(fDNS, 82, 16)
	t.String(fDNSQryName, 94, 17, "www.Example.org")
	t.Pop()
	t.Pop()
	t.Push(fData, 98, 4)
	t.Bytes(fDataData, 98, 4, []byte{1, 2, 3, 4})
	t.Pop()
	t.Uint(fDelta, 0, 0, uint64(^uint64(0)-4)) // -5
	t.Float(fRatio, 2.5)
	t.Note(dissect.Note{Severity: dissect.Warn, Code: "ipv6.hlim.low", Message: "low hop limit"})
	return t
}

// tunnelTree is IPv6 in IPv6: two ipv6 layers, so every ipv6 field occurs
// twice.
func tunnelTree() *dissect.Tree {
	t := &dissect.Tree{}
	t.Reset(frameBytes(14 + 40 + 40 + 8))
	addFrame(t, 4, 3)
	pushIPv6(t, 14, "2001:db8::1", "2001:db8::2", 41, 64, 0)
	pushIPv6(t, 54, "2001:db8::1", "2001:db8::3", 58, 63, 0)
	t.Push(fICMPv6, 94, 8)
	t.Uint(fICMPv6Type, 94, 1, 128)
	t.Pop()
	t.Pop()
	t.Pop()
	return t
}

// trees are the packets every table case runs on, by name.
var trees = map[string]*dissect.Tree{
	"ns":     nsTree(),
	"na":     naTree(),
	"dns":    dnsTree(),
	"tunnel": tunnelTree(),
	"empty":  {},
}

var treeNames = func() []string {
	var n []string
	for k := range trees {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}()

// matching returns the names of the trees f matches, comma-separated.
func matching(f *Filter) string {
	var m []string
	for _, n := range treeNames {
		if f.Match(trees[n]) {
			m = append(m, n)
		}
	}
	return strings.Join(m, ",")
}

func mustCompile(t testing.TB, expr string) *Filter {
	t.Helper()
	f, err := Compile(expr, testSchema)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	return f
}
