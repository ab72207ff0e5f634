package link

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// BSD loopback header (LINKTYPE_NULL and LINKTYPE_LOOP): a 4-byte address
// family, in the capturing host's byte order for NULL and in network byte
// order for LOOP. IPv6 has a different AF_INET6 on every BSD.
const nullHeaderLen = 4

// Address families seen in loopback headers.
const (
	afInet        = 2
	afInet6Linux  = 10
	afInet6BSD    = 24 // NetBSD, OpenBSD, BSD/OS
	afInet6FreeBS = 28 // FreeBSD, DragonFly
	afInet6Darwin = 30 // macOS
)

// FamilyName names the loopback address families.
func FamilyName(v uint64) string {
	switch v {
	case afInet:
		return "IP"
	case afInet6Linux, afInet6BSD, afInet6FreeBS, afInet6Darwin:
		return "IPv6"
	}
	return ""
}

var (
	fNull       = fields.Add(dissect.Proto("null", "Null/Loopback", "The BSD loopback header: just the address family of the packet.", "tcpdump.org LINKTYPE_NULL"))
	fNullFamily = fields.Add(&dissect.FieldInfo{Name: "null.family", Title: "Family", Kind: dissect.Uint, Values: FamilyName, Explain: "Address family of the payload (2 is IPv4; 24, 28 or 30 is IPv6 depending on the BSD).", RFC: "tcpdump.org LINKTYPE_NULL"})
)

// Null is a BSD loopback header.
type Null struct {
	dissect.Span
	Family  uint32
	network bool // LINKTYPE_LOOP: always network byte order
	next    gopacket.LayerType
}

// NewNull returns a decoder for LINKTYPE_NULL (host byte order, guessed per
// frame); SetNetworkOrder switches it to LINKTYPE_LOOP.
func NewNull() *Null { return &Null{} }

// SetNetworkOrder chooses LINKTYPE_LOOP's network byte order (true) or
// LINKTYPE_NULL's host byte order (false) for the frames that follow.
func (n *Null) SetNetworkOrder(network bool) { n.network = network }

// CanDecode implements gopacket.DecodingLayer.
func (n *Null) CanDecode() gopacket.LayerClass { return dissect.LayerNull }

// NextLayerType implements gopacket.DecodingLayer.
func (n *Null) NextLayerType() gopacket.LayerType { return n.next }

// LayerType implements gopacket.Layer.
func (n *Null) LayerType() gopacket.LayerType { return dissect.LayerNull }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (n *Null) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*n = Null{network: n.network}
	if len(data) < nullHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("loopback header", nullHeaderLen, len(data))
	}
	// The family is small, so in host order its high bytes are zero on
	// the side that is not the least significant: that tells the order.
	if n.network || (data[0] == 0 && data[1] == 0) {
		n.Family = binary.BigEndian.Uint32(data)
	} else {
		n.Family = binary.LittleEndian.Uint32(data)
	}
	n.Contents, n.Payload = data[:nullHeaderLen], data[nullHeaderLen:]
	switch FamilyName(uint64(n.Family)) {
	case "IP":
		n.next = dissect.LayerIPv4
	case "IPv6":
		n.next = dissect.LayerIPv6
	default:
		n.next = dissect.LayerPayload
	}
	return nil
}

// Dissect implements dissect.Layer.
func (n *Null) Dissect(t *dissect.Tree) {
	off := t.At(n.Contents)
	t.Push(fNull, off, nullHeaderLen)
	t.Uint(fNullFamily, off, nullHeaderLen, uint64(n.Family))
	t.Pop()
}

// Summarize implements dissect.Layer.
func (n *Null) Summarize(s *dissect.Summary) { s.Protocol = "NULL" }
