package ip

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Option TLV of the Hop-by-Hop and Destination Options headers
// (RFC 8200 §4.2):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
//	|  Option Type  |  Opt Data Len |  Option Data
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
//
// The Pad1 option is the single byte 0, with no length or data.
const (
	optTypeOffset = 0
	optLenOffset  = 1
	optHeaderLen  = 2
	// The two high bits of the type say what a node that does not know the
	// option must do; the third says whether it may change en route.
	optActionShift = 6
	optChangeBit   = 0x20
	optRestMask    = 0x1f
)

// Option types (IANA "Destination Options and Hop-by-Hop Options").
const (
	OptPad1        = 0x00
	OptPadN        = 0x01
	OptTunnelLimit = 0x04 // RFC 2473 §4.1.1
	OptRouterAlert = 0x05 // RFC 2711 §2.1
	OptJumbo       = 0xc2 // RFC 2675 §2
	OptHomeAddress = 0xc9 // RFC 6275 §6.3
)

// OptionName names the option types.
func OptionName(v uint64) string {
	switch v {
	case OptPad1:
		return "Pad1"
	case OptPadN:
		return "PadN"
	case OptTunnelLimit:
		return "Tunnel Encapsulation Limit"
	case OptRouterAlert:
		return "Router Alert"
	case 0x07:
		return "CALIPSO"
	case 0x08:
		return "SMF_DPD"
	case 0x0f:
		return "Performance and Diagnostic Metrics"
	case 0x26:
		return "Quick-Start"
	case 0x31:
		return "IOAM"
	case 0x63:
		return "RPL Option"
	case 0x6d:
		return "MPL Option"
	case 0x8b:
		return "ILNP Nonce"
	case 0x8c:
		return "Line-Identification Option"
	case OptJumbo:
		return "Jumbo Payload"
	case OptHomeAddress:
		return "Home Address Option"
	}
	return ""
}

// OptionActionName names the action bits of an option type (RFC 8200 §4.2).
func OptionActionName(v uint64) string {
	switch v {
	case 0:
		return "Skip and continue"
	case 1:
		return "Discard packet"
	case 2:
		return "Discard packet and send ICMP Parameter Problem"
	case 3:
		return "Discard and send ICMP if not multicast"
	}
	return ""
}

const rfc8200Opt = "RFC 8200 §4.2"

var (
	fOpt        = fields.Add(dissect.Of("ipv6.opt", "Option", dissect.None, "One TLV option of a Hop-by-Hop or Destination Options header.", rfc8200Opt))
	fOptType    = fields.Add(&dissect.FieldInfo{Name: "ipv6.opt.type", Title: "Type", Kind: dissect.Uint, Base: dissect.BaseHex, Digits: 2, Values: OptionName, Explain: "Which option this is; its two high bits say what a node that does not know it must do.", RFC: rfc8200Opt})
	fOptAction  = fields.Add(&dissect.FieldInfo{Name: "ipv6.opt.type.action", Title: "Action", Kind: dissect.Uint, Values: OptionActionName, Explain: "What a node that does not recognise the option does: skip it, or discard the packet (and maybe send a Parameter Problem).", RFC: rfc8200Opt})
	fOptChange  = fields.Add(dissect.Flag("ipv6.opt.type.change", "May Change", "The option's data may change on the way (so it is zeroed for AH).", rfc8200Opt))
	fOptRest    = fields.Add(dissect.Hex("ipv6.opt.type.rest", "Low-Order Bits", 8, "The rest of the option type.", rfc8200Opt))
	fOptLen     = fields.Add(dissect.Dec("ipv6.opt.length", "Length", "Length of the option data in bytes.", rfc8200Opt))
	fOptPad1    = fields.Add(dissect.Of("ipv6.opt.pad1", "Pad1", dissect.None, "One byte of padding.", rfc8200Opt))
	fOptPadN    = fields.Add(dissect.Of("ipv6.opt.padn", "PadN", dissect.Bytes, "Two or more bytes of padding; the data should be zero.", rfc8200Opt))
	fOptRA      = fields.Add(&dissect.FieldInfo{Name: "ipv6.opt.router_alert", Title: "Router Alert", Kind: dissect.Uint, Values: routerAlertName, Explain: "Asks every router on the path to look at the packet; MLD messages carry it (value 0).", RFC: "RFC 2711 §2.1"})
	fOptTEL     = fields.Add(dissect.Dec("ipv6.opt.tel", "Tunnel Encapsulation Limit", "How many more levels of tunnel encapsulation the packet may get.", "RFC 2473 §4.1.1"))
	fOptJumbo   = fields.Add(dissect.Dec("ipv6.opt.jumbo", "Payload Length", "The length of a jumbogram's payload (more than 65535 bytes).", "RFC 2675 §2"))
	fOptHoA     = fields.Add(dissect.Of("ipv6.opt.mipv6.home_address", "Home Address", dissect.IPv6, "A mobile node's home address, carried while it uses a care-of address as the source.", "RFC 6275 §6.3"))
	fOptUnknown = fields.Add(dissect.Of("ipv6.opt.unknown", "Unknown Option Payload", dissect.Bytes, "Data of an option v6scope does not decode.", rfc8200Opt))
)

// optionLabels holds each option type's tree label, built once so that
// dissecting an unknown option allocates nothing.
var optionLabels = func() (l [256]string) {
	for typ := range l {
		if name := OptionName(uint64(typ)); name != "" {
			l[typ] = name
		} else {
			l[typ] = "Unknown IPv6 Option (" + dissect.HexValue(uint64(typ), 2) + ")"
		}
	}
	return l
}()

func optionLabel(typ uint8) string { return optionLabels[typ] }

func optionRFC(typ uint8) string {
	switch typ {
	case OptRouterAlert:
		return "RFC 2711 §2.1"
	case OptTunnelLimit:
		return "RFC 2473 §4.1.1"
	case OptJumbo:
		return "RFC 2675 §2"
	case OptHomeAddress:
		return "RFC 6275 §6.3"
	}
	return rfc8200Opt
}

func addOptionType(t *dissect.Tree, at int, typ uint8) {
	t.Uint(fOptType, at, 1, uint64(typ))
	t.Uint(fOptAction, at, 1, uint64(typ>>optActionShift))
	t.Uint(fOptChange, at, 1, uint64(typ&optChangeBit>>5))
	t.Uint(fOptRest, at, 1, uint64(typ&optRestMask))
}

func routerAlertName(v uint64) string {
	switch v {
	case 0:
		return "MLD"
	case 1:
		return "RSVP"
	case 2:
		return "Active Networks"
	}
	return ""
}

// Option is one TLV option of an options header.
type Option struct {
	Type   uint8
	Data   []byte // aliases the frame
	Offset int    // of the option within the options area
	Len    int    // bytes the option takes, type and length included
}

// OptionIterator walks the options of a Hop-by-Hop or Destination Options
// header. Its Next returns (option, done, err); an option whose length runs
// past the header is an error and ends the walk.
type OptionIterator struct {
	b   []byte
	off int
}

// NewOptionIterator walks b, the options area of the header.
func NewOptionIterator(b []byte) OptionIterator { return OptionIterator{b: b} }

// Next returns the next option.
func (it *OptionIterator) Next() (Option, bool, error) {
	if it.off >= len(it.b) {
		return Option{}, true, nil
	}
	start := it.off
	typ := it.b[start+optTypeOffset]
	if typ == OptPad1 {
		it.off++
		return Option{Type: OptPad1, Offset: start, Len: 1}, false, nil
	}
	if len(it.b)-start < optHeaderLen {
		it.off = len(it.b)
		return Option{}, true, dissect.Malformed("option type %d at byte %d has no length byte", typ, start)
	}
	n := int(it.b[start+optLenOffset])
	end := start + optHeaderLen + n
	if end > len(it.b) {
		it.off = len(it.b)
		return Option{}, true, dissect.Malformed("option type %d at byte %d claims %d data bytes, only %d left in the header", typ, start, n, len(it.b)-start-optHeaderLen)
	}
	it.off = end
	return Option{Type: typ, Data: it.b[start+optHeaderLen : end], Offset: start, Len: end - start}, false, nil
}

// optionSize is the data length RFC 8200 and its companions fix for an
// option type, or -1 when any length is allowed.
func optionSize(typ uint8) int {
	switch typ {
	case OptRouterAlert:
		return 2 // RFC 2711 §2.1
	case OptTunnelLimit:
		return 1 // RFC 2473 §4.1.1
	case OptJumbo:
		return 4 // RFC 2675 §2
	case OptHomeAddress:
		return v6AddrLen // RFC 6275 §6.3
	}
	return -1
}

// validOptions reports whether the options of b can be walked: none runs
// past the header. (An option of the wrong size is malformed too, but the
// header's own length still says where the next header starts.)
func validOptions(b []byte) bool {
	it := NewOptionIterator(b)
	for {
		o, done, err := it.Next()
		if err != nil {
			return false
		}
		if done || !sizeOK(o) {
			return true // the walk stops at a wrong-size option (see dissectOptions)
		}
	}
}

// sizeOK reports whether an option of fixed size has that size.
func sizeOK(o Option) bool {
	n := optionSize(o.Type)
	return n < 0 || len(o.Data) == n
}

// dissectOptions adds every option of b (at frame offset off) to t, and
// returns the Home Address option's address if there is one.
func dissectOptions(t *dissect.Tree, b []byte, off int) {
	it := NewOptionIterator(b)
	for {
		start := it.off
		o, done, err := it.Next()
		if err != nil {
			// Show what the broken option says about itself, then stop:
			// nothing after it can be trusted.
			at := off + start
			t.Push(fOpt, at, len(b)-start).Label = optionLabel(b[start])
			addOptionType(t, at, b[start])
			if start+optLenOffset < len(b) {
				t.Uint(fOptLen, at+optLenOffset, 1, uint64(b[start+optLenOffset]))
			}
			t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.opt.invalid_len", Message: err.Error(), RFC: rfc8200Opt, Offset: at, Length: len(b) - start, Malformed: true})
			t.Pop()
			return
		}
		if done {
			return
		}
		at := off + o.Offset
		t.Push(fOpt, at, o.Len).Label = optionLabel(o.Type)
		if o.Type == OptPad1 {
			// One byte, no length: only its type is shown, as Wireshark
			// does, and the walk goes on with the next byte (RFC 8200 §4.2).
			t.Uint(fOptType, at, 1, OptPad1)
			t.Add(fOptPad1, at, 1)
			t.Pop()
			continue
		}
		addOptionType(t, at, o.Type)
		t.Uint(fOptLen, at+optLenOffset, 1, uint64(len(o.Data)))
		data := at + optHeaderLen
		if !sizeOK(o) {
			n := optionSize(o.Type)
			t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.opt.invalid_len", Message: optionLabel(o.Type) + " option must have " + strconv.Itoa(n) + " data bytes, not " + strconv.Itoa(len(o.Data)), RFC: optionRFC(o.Type), Offset: at + optLenOffset, Length: 1, Malformed: true})
			// Its neighbours' boundaries are in doubt: stop walking here,
			// as Wireshark does; the header length still finds the next
			// header.
			t.Pop()
			return
		}
		switch {
		case o.Type == OptPadN:
			t.Bytes(fOptPadN, data, len(o.Data), o.Data)
		case o.Type == OptRouterAlert && len(o.Data) == 2:
			t.Uint(fOptRA, data, 2, uint64(binary.BigEndian.Uint16(o.Data)))
		case o.Type == OptTunnelLimit && len(o.Data) == 1:
			t.Uint(fOptTEL, data, 1, uint64(o.Data[0]))
		case o.Type == OptJumbo && len(o.Data) == 4:
			t.Uint(fOptJumbo, data, 4, uint64(binary.BigEndian.Uint32(o.Data)))
		case o.Type == OptHomeAddress && len(o.Data) == v6AddrLen:
			t.Addr(fOptHoA, data, v6AddrLen, netip.AddrFrom16([16]byte(o.Data)))
		default:
			t.Bytes(fOptUnknown, data, len(o.Data), o.Data)
		}
		t.Pop()
	}
}
