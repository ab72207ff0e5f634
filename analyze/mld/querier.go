package mld

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// querier is one router that sent Queries on a link, in the election of
// RFC 3810 §7.6.2.
type querier struct {
	t           *Tracker
	key         groupKey // link and the router's address
	id          string
	state       QuerierState
	queries     int
	first, last int
	transitions int
	sinceFrame  int
	timer       analyze.Timer // Other Querier Present timer
}

func (q *querier) move(to QuerierState, r Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	if q.state == to {
		return
	}
	from := q.state
	q.state = to
	q.sinceFrame = frame
	q.transitions++
	q.t.transition("querier", q.id, frame, at, from.String(), to.String(), r, b, evidence)
	q.t.e.Touch("mld", q.id, to.String())
}

// Fire implements analyze.Firer: the Other Querier Present Interval passed
// without a Query from a lower address, so this router takes over.
func (q *querier) Fire(now time.Time) {
	if q.state != OtherQuerierPresent {
		return
	}
	ls := q.t.link(q.key.link)
	q.move(Querier, ReasonOtherQuerierTimer, analyze.BasisTimer, q.t.e.Frame(), now, q.sinceFrame)
	if ls.elected != q.key.group {
		if old := q.t.queriers.Peek(groupKey{q.key.link, ls.elected}); old != nil && old.Val.state == Querier {
			// The old querier fell silent: it is no longer elected.
			old.Val.move(OtherQuerierPresent, ReasonOtherQuerierTimer, analyze.BasisInferred, q.t.e.Frame(), now, old.Val.last)
		}
		ls.elected = q.key.group
	}
}

func (t *Tracker) querierOf(p *analyze.Packet, a netip.Addr) *querier {
	k := groupKey{p.Link, a}
	en, created := t.queriers.Add(k)
	q := &en.Val
	if created {
		q.t, q.key, q.first = t, k, p.Frame
		q.id = "mld/querier/" + linkString(p.Link) + "/" + a.String()
	}
	return q
}

// elect applies a Query from src: the lowest address is querier; the
// others wait the Other Querier Present Interval (RFC 3810 §7.6.2).
func (t *Tracker) elect(p *analyze.Packet, ls *linkState, src netip.Addr) {
	q := t.querierOf(p, src)
	q.last = p.Frame
	q.queries++
	switch {
	case !ls.elected.IsValid() || ls.elected == src:
		ls.elected = src
		q.move(Querier, ReasonQuery, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
	case src.Less(ls.elected):
		if old := t.queriers.Peek(groupKey{p.Link, ls.elected}); old != nil {
			old.Val.move(OtherQuerierPresent, ReasonLowerQuerier, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
			t.e.Clock.Arm(&old.Val.timer, p.Time.Add(ls.oqpi()), &old.Val)
		}
		ls.elected = src
		q.move(Querier, ReasonQuery, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
	default:
		// A higher address still querying has not heard the querier yet.
		q.move(OtherQuerierPresent, ReasonLowerQuerier, analyze.BasisInferred, p.Frame, p.Time, p.Frame)
	}
	if ls.elected == src {
		// Every router that heard the querier restarts its Other Querier
		// Present timer.
		t.queriers.All(func(en *analyze.Entry[groupKey, querier]) bool {
			if o := &en.Val; o.key.link == p.Link && o.state == OtherQuerierPresent {
				t.e.Clock.Arm(&o.timer, p.Time.Add(ls.oqpi()), o)
			}
			return true
		})
		t.e.Clock.Stop(&q.timer)
	}
	t.e.Touch("mld", q.id, q.state.String())
}

func (q *querier) session() *analyze.Session {
	s := &analyze.Session{Proto: "mld", Kind: "querier", ID: q.id, State: q.state.String(), FirstFrame: q.first, LastFrame: q.last, Transitions: q.transitions}
	ls := q.t.link(q.key.link)
	s.Attrs = append(s.Attrs, analyze.Attr{Key: "link", Val: linkString(q.key.link)}, analyze.Attr{Key: "querier", Val: q.key.group},
		analyze.Attr{Key: "queries", Val: q.queries}, analyze.Attr{Key: "elected", Val: ls.elected == q.key.group})
	if ls.elected == q.key.group {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "qrv", Val: ls.qrv}, analyze.Attr{Key: "query_interval", Val: ls.qi}, analyze.Attr{Key: "query_response_interval", Val: ls.qri}, analyze.Attr{Key: "mali", Val: ls.mali()})
	}
	return s
}
