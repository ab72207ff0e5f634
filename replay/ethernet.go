package replay

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"github.com/v6scope/v6scope/capture"
)

// EthernetHeader says how to put frames captured without an Ethernet
// header — raw IP (a tun device, an IP tunnel), Linux cooked captures
// (SLL and SLL2, tcpdump -i any) and BSD loopback (NULL, LOOP) — into
// Ethernet frames, so that they can be replayed on an Ethernet interface
// (as tcprewrite --dlt=enet does). The link header they had is replaced
// by an IEEE 802.3 header: destination Dst, source Src, and the EtherType
// of what follows: 0x0800 for IPv4 and 0x86DD for IPv6 (RFC 894, RFC 2464
// §3), read from the IP version, or for a Linux cooked capture its
// protocol field, which is an EtherType. Ethernet frames pass unchanged.
type EthernetHeader struct {
	Dst, Src net.HardwareAddr // nil: a frame that needs them fails with ErrNoDstMAC, ErrNoSrcMAC
}

// Errors of a frame that cannot be put into an Ethernet frame; the error
// returned wraps one of them and names the frame.
var (
	ErrNoDstMAC       = errors.New("an Ethernet header needs a destination MAC address, and none was given")
	ErrNoSrcMAC       = errors.New("an Ethernet header needs a source MAC address, and none was given")
	ErrNotConvertible = errors.New("cannot be put into an Ethernet frame")
)

// conversion is what to do to one frame: replace the first off bytes by
// hdr[:n], giving a frame of link type lt.
type conversion struct {
	hdr [ethHeaderLen]byte
	n   int
	off int
	lt  capture.LinkType
}

// convert works out the conversion of frame number, of link type lt.
// Without r.Ethernet, or for an Ethernet frame, the frame stays as it is.
func (r *Rewriter) convert(lt capture.LinkType, b []byte, number int) (conversion, error) {
	c := conversion{lt: lt}
	if r == nil || r.Ethernet == nil || lt == capture.LinkEthernet {
		return c, nil
	}
	var etype uint16
	switch lt {
	case capture.LinkRaw, capture.LinkIPv4, capture.LinkIPv6, capture.LinkNull, capture.LinkLoop:
		c.off, etype = linkHeader(lt, b)
		if c.off < 0 {
			return c, fmt.Errorf("frame %d (link type %s) %w: it carries neither IPv4 nor IPv6; leave it out (-Y \"ip or ipv6\")", number, lt, ErrNotConvertible)
		}
	case capture.LinkLinuxSLL, capture.LinkLinuxSLL2:
		c.off, etype = linkHeader(lt, b)
		if c.off < 0 {
			return c, fmt.Errorf("frame %d (link type %s) %w: it is shorter than its link header (%d bytes)", number, lt, ErrNotConvertible, len(b))
		}
		// The protocol field holds an EtherType, or below 0x0600 one of
		// Linux's pseudo-protocols (802.2 LLC, Novell 802.3, CAN), which
		// have no EtherType (IEEE 802.3 §3.2.6: values from 1536 on are
		// types).
		if etype < 0x0600 {
			return c, fmt.Errorf("frame %d (link type %s) %w: its protocol 0x%04x is not an EtherType; leave it out (-Y \"ip or ipv6\")", number, lt, ErrNotConvertible, etype)
		}
	default:
		return c, fmt.Errorf("frame %d (link type %s) %w: only raw IP, Linux cooked (SLL, SLL2) and BSD loopback captures can be", number, lt, ErrNotConvertible)
	}
	if len(r.Ethernet.Dst) != 6 {
		return c, fmt.Errorf("frame %d (link type %s): %w", number, lt, ErrNoDstMAC)
	}
	if len(r.Ethernet.Src) != 6 {
		return c, fmt.Errorf("frame %d (link type %s): %w", number, lt, ErrNoSrcMAC)
	}
	copy(c.hdr[ethDstOff:], r.Ethernet.Dst)
	copy(c.hdr[ethSrcOff:], r.Ethernet.Src)
	binary.BigEndian.PutUint16(c.hdr[ethTypeOff:], etype)
	c.n = ethHeaderLen
	c.lt = capture.LinkEthernet
	return c, nil
}

// apply appends the converted frame b to dst.
func (c *conversion) apply(dst, b []byte) []byte {
	return append(append(dst, c.hdr[:c.n]...), b[c.off:]...)
}

// Prepare returns frame b (number, of link type lt) as it is to be sent,
// appended to dst[:0]: put into an Ethernet frame if r.Ethernet says so,
// then rewritten. b is not changed.
func (r *Rewriter) Prepare(dst []byte, lt capture.LinkType, b []byte, number int) (capture.LinkType, []byte, error) {
	c, err := r.convert(lt, b, number)
	if err != nil {
		return lt, dst[:0], err
	}
	out := c.apply(dst[:0], b)
	r.Rewrite(c.lt, out)
	return c.lt, out, nil
}
