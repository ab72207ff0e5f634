package mld

import (
	"net/netip"
	"slices"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/mld"
)

type groupKey struct {
	link  analyze.Link
	group netip.Addr
}

// source is a source record (RFC 3810 §7.2.3). A zero expiry is a timer of
// zero: in EXCLUDE mode, a source listeners exclude.
type source struct {
	addr    netip.Addr
	expires time.Time
}

// group is the router-side state of one multicast address on one link
// (RFC 3810 §7.2).
type group struct {
	t           *Tracker
	key         groupKey
	id          string
	state       GroupState
	exclude     bool
	filter      time.Time // Filter Timer, EXCLUDE mode only
	sources     []source
	v1Until     time.Time // Older Version Host Present timer (RFC 3810 §8.3.2)
	first, last int
	transitions int
	sinceFrame  int
	timer       analyze.Timer
}

func (g *group) running(s *source, now time.Time) bool { return s.expires.After(now) }

// settle computes the state from the filter mode and sources, records a
// transition when it changed, and arms the timer at the next deadline.
func (g *group) settle(r Reason, b analyze.Basis, frame int, now time.Time, evidence ...int) {
	to := Include
	switch {
	case g.exclude:
		to = Exclude
	case len(g.sources) == 0:
		to = NoListeners
	}
	if to != g.state {
		from := g.state
		g.state = to
		g.sinceFrame = frame
		g.transitions++
		g.t.transition("group", g.id, frame, now, from.String(), to.String(), r, b, evidence)
	}
	next := time.Time{}
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if g.exclude {
		consider(g.filter)
	}
	for i := range g.sources {
		consider(g.sources[i].expires)
	}
	if next.IsZero() {
		g.t.e.Clock.Stop(&g.timer)
	} else {
		g.t.e.Clock.Arm(&g.timer, next, g)
	}
}

// Fire implements analyze.Firer: the Filter Timer or a source timer ran
// out (RFC 3810 §7.2.3, §7.5).
func (g *group) Fire(now time.Time) {
	reason := ReasonSourceTimer
	if g.exclude && !g.filter.After(now) {
		// "If the Filter Timer expires … the router switches to INCLUDE
		// mode for the sources whose timers are running; sources with a
		// zero timer are deleted" (RFC 3810 §7.5).
		g.exclude = false
		reason = ReasonFilterTimer
		g.sources = slices.DeleteFunc(g.sources, func(s source) bool { return !g.running(&s, now) })
	} else if !g.exclude {
		g.sources = slices.DeleteFunc(g.sources, func(s source) bool { return !g.running(&s, now) })
	}
	g.settle(reason, analyze.BasisTimer, g.t.e.Frame(), now, g.sinceFrame)
}

func (g *group) find(a netip.Addr) int {
	for i := range g.sources {
		if g.sources[i].addr == a {
			return i
		}
	}
	return -1
}

// set gives source a the expiry at (adding it when absent, up to the cap).
func (g *group) set(a netip.Addr, at time.Time) {
	if i := g.find(a); i >= 0 {
		g.sources[i].expires = at
		return
	}
	if len(g.sources) < g.t.cfg.MaxSources {
		g.sources = append(g.sources, source{a, at})
	} else {
		g.t.sourcesDropped++
	}
}

func in(list []netip.Addr, a netip.Addr) bool { return slices.Contains(list, a) }

// record applies one multicast address record (RFC 3810 §7.4.1, §7.4.2).
func (g *group) record(typ uint8, srcs []netip.Addr, now time.Time, mali time.Duration) {
	exp := now.Add(mali)
	if !g.v1Until.IsZero() && g.v1Until.After(now) {
		// MLDv1 compatibility mode (RFC 3810 §8.3.2): BLOCK is ignored and
		// TO_EX(x) is taken as TO_EX({}).
		switch typ {
		case mld.BlockOldSources:
			return
		case mld.ChangeToExcludeMode:
			srcs = nil
		}
	}
	if !g.exclude {
		switch typ {
		case mld.ModeIsInclude, mld.AllowNewSources, mld.ChangeToIncludeMode:
			// INCLUDE(A+B), (B)=MALI
			for _, s := range srcs {
				g.set(s, exp)
			}
		case mld.ModeIsExclude, mld.ChangeToExcludeMode:
			// EXCLUDE(A*B, B-A): (B-A)=0, Delete(A-B), GT=MALI
			g.sources = slices.DeleteFunc(g.sources, func(s source) bool { return !in(srcs, s.addr) })
			for _, s := range srcs {
				if g.find(s) < 0 {
					g.set(s, time.Time{})
				}
			}
			g.exclude, g.filter = true, exp
		case mld.BlockOldSources:
			// INCLUDE(A): Send Q(G, A*B), seen as its own Query.
		}
		return
	}
	switch typ {
	case mld.ModeIsInclude, mld.AllowNewSources, mld.ChangeToIncludeMode:
		// EXCLUDE(X+A, Y-A), (A)=MALI
		for _, s := range srcs {
			g.set(s, exp)
		}
	case mld.ModeIsExclude, mld.ChangeToExcludeMode:
		// EXCLUDE(A-Y, Y*A): (A-X-Y)=MALI (IS_EX) or GT (TO_EX),
		// Delete(X-A), Delete(Y-A), GT=MALI
		newExp := exp
		if typ == mld.ChangeToExcludeMode {
			newExp = g.filter
		}
		g.sources = slices.DeleteFunc(g.sources, func(s source) bool { return !in(srcs, s.addr) })
		for _, s := range srcs {
			if g.find(s) < 0 {
				g.set(s, newExp)
			}
		}
		g.filter = exp
	case mld.BlockOldSources:
		// EXCLUDE(X+(A-Y), Y): (A-X-Y)=GT
		for _, s := range srcs {
			if g.find(s) < 0 {
				g.set(s, g.filter)
			}
		}
	}
}

// lower applies a Multicast Address Specific Query (sources empty) or a
// Multicast Address and Source Specific Query with the S flag clear:
// timers above LLQT are lowered to it (RFC 3810 §7.6.3.1, §7.6.3.2).
func (g *group) lower(srcs []netip.Addr, now time.Time, llqt time.Duration) {
	at := now.Add(llqt)
	if len(srcs) == 0 {
		if g.exclude && g.filter.After(at) {
			g.filter = at
		}
		return
	}
	for _, s := range srcs {
		if i := g.find(s); i >= 0 && g.sources[i].expires.After(at) {
			g.sources[i].expires = at
		}
	}
}

func (g *group) session() *analyze.Session {
	s := &analyze.Session{Proto: "mld", Kind: "group", ID: g.id, State: g.state.String(), FirstFrame: g.first, LastFrame: g.last, Transitions: g.transitions}
	mode := "INCLUDE"
	if g.exclude {
		mode = "EXCLUDE"
	}
	now := g.t.e.Now()
	var fwd, blocked []netip.Addr
	for i := range g.sources {
		if g.running(&g.sources[i], now) {
			fwd = append(fwd, g.sources[i].addr)
		} else {
			blocked = append(blocked, g.sources[i].addr)
		}
	}
	version := 2
	if g.v1Until.After(now) {
		version = 1
	}
	s.Attrs = append(s.Attrs, analyze.Attr{Key: "link", Val: linkString(g.key.link)}, analyze.Attr{Key: "group", Val: g.key.group},
		analyze.Attr{Key: "mode", Val: mode}, analyze.Attr{Key: "sources", Val: fwd}, analyze.Attr{Key: "version", Val: version})
	if len(blocked) > 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "excluded", Val: blocked})
	}
	if g.exclude {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "filter_timer", Val: g.filter.Sub(now)})
	}
	return s
}
