package teredo

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// client is one Teredo client's qualification (RFC 4380 §5.2.1).
type client struct {
	t         *Tracker
	key       netip.AddrPort // the endpoint it was first seen with
	id        string
	endpoints []netip.AddrPort
	state     ClientState
	nat       NAT
	// local is its endpoint inside the NAT, when captured there; mapping
	// the one outside, from the server's origin indication.
	local, mapping    netip.AddrPort
	solicited, server netip.Addr // the server solicited, and the one that answered
	secondary         netip.Addr
	secondaryMapping  netip.AddrPort
	address           netip.Addr // its Teredo address, once seen in use
	nonce             []byte
	coneSince         time.Time // first unanswered RS of each form
	plainSince        time.Time
	coneFailed        bool
	relay             netip.AddrPort // a relay that sent it a bubble through the server
	testing           peer           // the peer of its latest connectivity test
	discoveries       int            // local discovery bubbles it sent (RFC 4380 §5.2.8)
	discoveryFrame    int            // the first of them
	alt               []netip.AddrPort
	predicted         uint16 // the port of its latest Random Port trailer
	first, last       int
	transitions       int
	sinceFrame        int
	qualifiedFrame    int
	timer             analyze.Timer
}

func (c *client) move(to ClientState, r Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	if c.state != to {
		from := c.state
		c.state = to
		c.sinceFrame = frame
		c.transitions++
		c.t.transition("client", c.id, frame, at, from.String(), to.String(), r, b, evidence...)
	}
	c.t.e.Touch("teredo", c.id, c.state.String())
}

// pending notes an unanswered RS of one form and arms the qualification
// timeout: Attempts × ResponseTimeout after the first of them.
func (c *client) pending(cone bool, now time.Time) {
	if cone && c.coneSince.IsZero() {
		c.coneSince = now
	} else if !cone && c.plainSince.IsZero() {
		c.plainSince = now
	}
	c.arm()
}

func (c *client) deadline(since time.Time) time.Time {
	return since.Add(time.Duration(c.t.cfg.Attempts) * c.t.cfg.ResponseTimeout)
}

func (c *client) arm() {
	var next time.Time
	for _, s := range []time.Time{c.coneSince, c.plainSince} {
		if !s.IsZero() && (next.IsZero() || c.deadline(s).Before(next)) {
			next = c.deadline(s)
		}
	}
	if next.IsZero() {
		c.t.e.Clock.Stop(&c.timer)
		return
	}
	c.t.e.Clock.Arm(&c.timer, next, c)
}

// Fire implements analyze.Firer: a form of the solicitation went
// unanswered. Without an answer to the cone form the NAT is not a cone
// one, and the client goes on with the other form; without an answer to
// that, qualification failed (RFC 4380 §5.2.1).
func (c *client) Fire(now time.Time) {
	if !c.coneSince.IsZero() && !c.deadline(c.coneSince).After(now) {
		c.coneSince = time.Time{}
		c.coneFailed = true
	}
	if !c.plainSince.IsZero() && !c.deadline(c.plainSince).After(now) {
		c.plainSince = time.Time{}
		if c.state == Qualifying {
			c.move(Failed, ReasonNoAnswer, analyze.BasisTimer, c.t.e.Frame(), now, c.sinceFrame)
		}
	}
	c.arm()
}

// useAddress checks the Teredo address the client sends from against its
// mapping and server (RFC 4380 §4, §5.2.1).
func (c *client) useAddress(a netip.Addr, frame int, at time.Time) {
	ta, ok := tunnel.ParseTeredo(a)
	if !ok || !c.mapping.IsValid() || a == c.address {
		return
	}
	if ta.Client != c.mapping.Addr() || ta.Port != c.mapping.Port() || c.server.IsValid() && ta.Server != c.server {
		c.t.anomaly(analyze.Warn, "teredo.address_mismatch", c.id, frame, at,
			"the client sends from "+a.String()+", which names server "+ta.Server.String()+" and mapping "+netip.AddrPortFrom(ta.Client, ta.Port).String()+
				", but qualification gave it server "+c.server.String()+" and mapping "+c.mapping.String(), "RFC 4380 §4, §5.2.1")
		return
	}
	c.address = a
}

func (c *client) session() *analyze.Session {
	s := &analyze.Session{Proto: "teredo", Kind: "client", ID: c.id, State: c.state.String(), FirstFrame: c.first, LastFrame: c.last, Transitions: c.transitions}
	add := func(k string, v any) { s.Attrs = append(s.Attrs, analyze.Attr{Key: k, Val: v}) }
	if c.local.IsValid() {
		add("local_addr", c.local.Addr())
		add("local_port", int(c.local.Port()))
	}
	if c.mapping.IsValid() {
		add("mapped_addr", c.mapping.Addr())
		add("mapped_port", int(c.mapping.Port()))
	}
	if c.server.IsValid() {
		add("server", c.server)
	} else if c.solicited.IsValid() {
		add("server", c.solicited)
	}
	if c.secondary.IsValid() {
		add("secondary_server", c.secondary)
		if c.secondaryMapping.IsValid() {
			add("secondary_mapping", c.secondaryMapping.String())
		}
	}
	if c.nat != NATUnknown {
		add("nat", c.nat.String())
	}
	add("cone_test_failed", c.coneFailed)
	if c.discoveries > 0 {
		add("discovery_bubbles", c.discoveries)
		add("discovery_first_frame", c.discoveryFrame)
	}
	if len(c.alt) > 0 {
		alt := make([]string, len(c.alt))
		for i, ep := range c.alt {
			alt[i] = ep.String()
		}
		add("alternate_addresses", alt)
	}
	if c.predicted != 0 {
		add("predicted_port", int(c.predicted))
	}
	if c.address.IsValid() {
		add("address", c.address)
		ta, _ := tunnel.ParseTeredo(c.address)
		add("cone", ta.Flags&tunnel.FlagCone != 0)
	}
	return s
}
