package nd

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/nd"
	"github.com/v6scope/v6scope/output"
)

type routerKey struct {
	link analyze.Link
	addr netip.Addr
}

// raParams are the parts of an RA a router should keep stable (RFC 4861
// §6.2.7: routers check each other's RAs for consistency; NDPMon flags
// changes).
type raParams struct {
	hopLimit        uint8
	flags           uint8 // M, O, H, Prf, P (RFC 4861 §4.2, RFC 4191 §2.2)
	reachable       uint32
	retrans         uint32
	mtu             uint32
	prefixes, rdnss int
}

// router is one router heard on a link (RFC 4861 §6.3.4).
type router struct {
	t           *Tracker
	key         routerKey
	id          string
	state       RouterState
	mac         analyze.MAC
	params      raParams
	lifetime    time.Duration
	first, last int
	transitions int
	sinceFrame  int
	ras         int
	rdnss       []string
	dnssl       []string
	timer       analyze.Timer
}

func (r *router) move(to RouterState, why Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	from := r.state
	r.state = to
	r.sinceFrame = frame
	r.transitions++
	r.t.transition("router", r.id, frame, at, from.String(), to.String(), why, b, evidence)
}

// Fire implements analyze.Firer: the Router Lifetime ran out.
func (r *router) Fire(now time.Time) {
	if r.state == Advertising {
		r.move(Expired, ReasonLifetime, analyze.BasisTimer, r.t.e.Frame(), now, r.sinceFrame)
	}
}

// advertised applies an RA's Router Lifetime (RFC 4861 §6.3.4).
func (r *router) advertised(frame int, at time.Time, lifetime time.Duration) {
	r.lifetime = lifetime
	if lifetime == 0 {
		r.t.e.Clock.Stop(&r.timer)
		if r.state != Expired {
			r.move(Expired, ReasonRALifetimeZero, analyze.BasisObserved, frame, at, frame)
		}
		return
	}
	if r.state != Advertising {
		r.move(Advertising, ReasonRA, analyze.BasisObserved, frame, at, frame)
	}
	r.sinceFrame = frame
	r.t.e.Clock.Arm(&r.timer, at.Add(lifetime), r)
}

func (r *router) session() *analyze.Session {
	s := &analyze.Session{Proto: "nd", Kind: "router", ID: r.id, State: r.state.String(), FirstFrame: r.first, LastFrame: r.last, Transitions: r.transitions}
	p := r.params
	s.Attrs = append(s.Attrs,
		analyze.Attr{Key: "link", Val: linkString(r.key.link)},
		analyze.Attr{Key: "router", Val: r.key.addr},
		analyze.Attr{Key: "lladdr", Val: r.mac.String()},
		analyze.Attr{Key: "ras", Val: r.ras},
		analyze.Attr{Key: "lifetime", Val: r.lifetime},
		analyze.Attr{Key: "preference", Val: preferenceName(p.flags & 0x18 >> 3)},
		analyze.Attr{Key: "cur_hop_limit", Val: int(p.hopLimit)},
		analyze.Attr{Key: "managed", Val: p.flags&0x80 != 0},
		analyze.Attr{Key: "other", Val: p.flags&0x40 != 0},
		analyze.Attr{Key: "reachable_time_ms", Val: int(p.reachable)},
		analyze.Attr{Key: "retrans_timer_ms", Val: int(p.retrans)},
	)
	if p.mtu != 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "mtu", Val: int(p.mtu)})
	}
	if len(r.rdnss) > 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "rdnss", Val: r.rdnss})
	}
	if len(r.dnssl) > 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "dnssl", Val: r.dnssl})
	}
	return s
}

// preferenceName names a Default Router Preference (RFC 4191 §2.2); the
// reserved value is treated as medium.
func preferenceName(prf uint8) string {
	switch prf {
	case 1:
		return "high"
	case 3:
		return "low"
	}
	return "medium"
}

type prefixKey struct {
	link   analyze.Link
	prefix netip.Prefix
}

// prefix is one prefix advertised in Prefix Information options
// (RFC 4861 §4.6.2, §6.3.4; RFC 4862 §5.5.3), valid for its Valid Lifetime.
type prefix struct {
	t                *Tracker
	key              prefixKey
	id               string
	state            RouterState
	router           netip.Addr
	onLink, auto     bool
	valid, preferred uint32
	first, last      int
	transitions      int
	sinceFrame       int
	timer            analyze.Timer
}

func (p *prefix) move(to RouterState, why Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	from := p.state
	p.state = to
	p.sinceFrame = frame
	p.transitions++
	p.t.transition("prefix", p.id, frame, at, from.String(), to.String(), why, b, evidence)
}

// Fire implements analyze.Firer: the Valid Lifetime ran out.
func (p *prefix) Fire(now time.Time) {
	if p.state == Advertising {
		p.move(Expired, ReasonLifetime, analyze.BasisTimer, p.t.e.Frame(), now, p.sinceFrame)
	}
}

// infinite is the lifetime that never runs out (RFC 4861 §4.6.2).
const infinite = 0xffffffff

func (p *prefix) advertised(frame int, at time.Time) {
	if p.valid == 0 {
		p.t.e.Clock.Stop(&p.timer)
		if p.state != Expired {
			p.move(Expired, ReasonRALifetimeZero, analyze.BasisObserved, frame, at, frame)
		}
		return
	}
	if p.state != Advertising {
		p.move(Advertising, ReasonRA, analyze.BasisObserved, frame, at, frame)
	}
	p.sinceFrame = frame
	if p.valid == infinite {
		p.t.e.Clock.Stop(&p.timer)
		return
	}
	p.t.e.Clock.Arm(&p.timer, at.Add(time.Duration(p.valid)*time.Second), p)
}

func (p *prefix) session() *analyze.Session {
	s := &analyze.Session{Proto: "nd", Kind: "prefix", ID: p.id, State: p.state.String(), FirstFrame: p.first, LastFrame: p.last, Transitions: p.transitions}
	s.Attrs = append(s.Attrs,
		analyze.Attr{Key: "link", Val: linkString(p.key.link)},
		analyze.Attr{Key: "prefix", Val: p.key.prefix.String()},
		analyze.Attr{Key: "router", Val: p.router},
		analyze.Attr{Key: "on_link", Val: p.onLink},
		analyze.Attr{Key: "autonomous", Val: p.auto},
		analyze.Attr{Key: "valid_lifetime", Val: lifetimeString(p.valid)},
		analyze.Attr{Key: "preferred_lifetime", Val: lifetimeString(p.preferred)},
	)
	return s
}

func lifetimeString(v uint32) string {
	if v == infinite {
		return "infinity"
	}
	return strconv.FormatUint(uint64(v), 10) + "s"
}

// Prefix Information option body, after type and length (RFC 4861 §4.6.2).
const (
	piPrefixLen = 0
	piFlags     = 1
	piValid     = 2
	piPreferred = 6
	piPrefix    = 14
	piLen       = 30
	piFlagL     = 0x80
	piFlagA     = 0x40
)

// RDNSS option body (RFC 8106 §5.1): 2 reserved bytes, Lifetime, addresses.
const (
	rdnssLifetime = 2
	rdnssAddrs    = 6
)

// DNSSL option body (RFC 8106 §5.2): 2 reserved bytes, Lifetime, names.
const (
	dnsslLifetime = 2
	dnsslNames    = 6
)

// options reads what a router advertises in its RA's options: prefixes,
// MTU, RDNSS and DNSSL (RFC 4861 §4.6.2, §4.6.4; RFC 8106 §5).
func (t *Tracker) raOptions(p *analyze.Packet, m *nd.ND, r *router, params *raParams) {
	r.rdnss, r.dnssl = r.rdnss[:0], r.dnssl[:0]
	for i := range m.Options {
		o := &m.Options[i]
		switch o.Type {
		case nd.OptPrefixInfo:
			if len(o.Data) < piLen {
				continue
			}
			params.prefixes++
			plen := int(o.Data[piPrefixLen])
			addr := netip.AddrFrom16([16]byte(o.Data[piPrefix : piPrefix+16]))
			pfx, err := addr.Prefix(min(plen, 128))
			if err != nil || addr.IsLinkLocalUnicast() {
				continue
			}
			t.prefixInfo(p, pfx, o.Data[piFlags], binary.BigEndian.Uint32(o.Data[piValid:]), binary.BigEndian.Uint32(o.Data[piPreferred:]))
		case nd.OptMTU:
			if len(o.Data) >= 6 {
				params.mtu = binary.BigEndian.Uint32(o.Data[2:])
			}
		case nd.OptRDNSS:
			if o.Length >= 3 && o.Length%2 == 0 {
				t.anomaly(analyze.Warn, "nd.rdnss_even_length", r.id, p, "RDNSS option with an even Length "+strconv.Itoa(int(o.Length))+" from router "+r.key.addr.String()+": its addresses do not fill it; hosts ignore the option", "RFC 8106 §5.3.1")
				continue
			}
			if len(o.Data) < rdnssAddrs {
				continue
			}
			params.rdnss++
			life := binary.BigEndian.Uint32(o.Data[rdnssLifetime:])
			for b := o.Data[rdnssAddrs:]; len(b) >= 16; b = b[16:] {
				a := netip.AddrFrom16([16]byte(b[:16]))
				r.rdnss = append(r.rdnss, a.String()+" lifetime "+lifetimeString(life))
			}
		case nd.OptDNSSL:
			if len(o.Data) < dnsslNames {
				continue
			}
			life := binary.BigEndian.Uint32(o.Data[dnsslLifetime:])
			r.dnssl = appendNames(r.dnssl, o.Data[dnsslNames:], " lifetime "+lifetimeString(life))
		}
	}
}

// appendNames appends the domain names of a DNSSL option (RFC 8106 §5.2,
// RFC 1035 §3.1 labels, no compression), sanitized: they come off the wire.
func appendNames(dst []string, b []byte, suffix string) []string {
	var name []byte
	for len(b) > 0 {
		l := int(b[0])
		b = b[1:]
		if l == 0 {
			if len(name) > 0 {
				dst = append(dst, string(output.AppendSafe(nil, name))+suffix)
				name = name[:0]
			}
			continue
		}
		if l > len(b) || l > 63 {
			break
		}
		if len(name) > 0 {
			name = append(name, '.')
		}
		name = append(name, b[:l]...)
		b = b[l:]
	}
	return dst
}
