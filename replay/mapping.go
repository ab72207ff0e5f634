package replay

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// IPMap rewrites addresses within From to the same host part within To:
// "2001:db8:1::/64=2001:db8:2::/64" maps 2001:db8:1::5 to 2001:db8:2::5;
// "192.0.2.1=198.51.100.7" maps one address.
type IPMap struct {
	From, To netip.Prefix
}

// ErrBadMap is wrapped by ParseIPMap's errors.
var ErrBadMap = errors.New("bad address map")

// ParseIPMap parses OLD=NEW, where both are addresses or prefixes of the
// same family and length (an address is a /32 or /128).
func ParseIPMap(s string) (IPMap, error) {
	old, nw, ok := strings.Cut(s, "=")
	if !ok {
		return IPMap{}, fmt.Errorf("%w %q: want OLD=NEW (an address or prefix on each side)", ErrBadMap, s)
	}
	from, err := parsePrefix(strings.TrimSpace(old))
	if err != nil {
		return IPMap{}, fmt.Errorf("%w %q: %v", ErrBadMap, s, err)
	}
	to, err := parsePrefix(strings.TrimSpace(nw))
	if err != nil {
		return IPMap{}, fmt.Errorf("%w %q: %v", ErrBadMap, s, err)
	}
	if from.Addr().Is4() != to.Addr().Is4() {
		return IPMap{}, fmt.Errorf("%w %q: both sides must be IPv4 or both IPv6", ErrBadMap, s)
	}
	if from.Bits() != to.Bits() {
		return IPMap{}, fmt.Errorf("%w %q: the prefixes must have the same length (/%d and /%d)", ErrBadMap, s, from.Bits(), to.Bits())
	}
	return IPMap{From: from.Masked(), To: to.Masked()}, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a prefix", s)
		}
		if p.Addr().Zone() != "" || p.Addr().Is4In6() {
			return netip.Prefix{}, fmt.Errorf("%q: no zones or IPv4-mapped prefixes", s)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address", s)
	}
	if a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q: no zones", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (m IPMap) String() string { return m.From.String() + "=" + m.To.String() }

// apply rewrites b (4 or 16 bytes) in place when it lies in m.From.
func (m IPMap) apply(b []byte) bool {
	bits := m.From.Bits()
	var from, to []byte
	if len(b) == 4 {
		f, t := m.From.Addr().As4(), m.To.Addr().As4()
		from, to = f[:], t[:]
	} else {
		f, t := m.From.Addr().As16(), m.To.Addr().As16()
		from, to = f[:], t[:]
	}
	full := bits / 8
	for i := 0; i < full; i++ {
		if b[i] != from[i] {
			return false
		}
	}
	rest := bits % 8
	if rest != 0 {
		mask := byte(0xff << (8 - rest))
		if b[full]&mask != from[full] {
			return false
		}
	}
	copy(b[:full], to[:full])
	if rest != 0 {
		mask := byte(0xff << (8 - rest))
		b[full] = b[full]&^mask | to[full]&mask
	}
	return true
}

// mapSet is the rules, most specific first.
type mapSet struct {
	v4, v6 []IPMap
}

func newMapSet(maps []IPMap) mapSet {
	var s mapSet
	for _, m := range maps {
		if m.From.Addr().Is4() {
			s.v4 = append(s.v4, m)
		} else {
			s.v6 = append(s.v6, m)
		}
	}
	for _, l := range [][]IPMap{s.v4, s.v6} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].From.Bits() > l[j].From.Bits() })
	}
	return s
}

// addr rewrites one address in place with the first (most specific) rule
// that covers it.
func (s *mapSet) addr(b []byte) {
	rules := s.v6
	if len(b) == 4 {
		rules = s.v4
	}
	for _, m := range rules {
		if m.apply(b) {
			return
		}
	}
}

func (s *mapSet) empty() bool { return len(s.v4) == 0 && len(s.v6) == 0 }
