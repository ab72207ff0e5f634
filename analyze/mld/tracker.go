package mld

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/mld"
)

// Defaults of RFC 3810 §9, used until a Query advertises other values.
const (
	DefaultRobustness    = 2                 // §9.1
	DefaultQueryInterval = 125 * time.Second // §9.2
	DefaultQueryResponse = 10 * time.Second  // §9.3
)

// Config caps the tables. The zero value uses the defaults.
type Config struct {
	MaxGroups, MaxQueriers, MaxSources int
}

// Tracker is the MLD tracker: it plugs into an analyze.Engine.
type Tracker struct {
	e              *analyze.Engine
	cfg            Config
	groups         *analyze.Table[groupKey, group]
	queriers       *analyze.Table[groupKey, querier]
	links          map[analyze.Link]*linkState
	tr             analyze.Transition
	an             analyze.Anomaly
	evbuf          []int
	heardQuery     bool
	sourcesDropped int
}

// linkState is what the link's querier advertised (RFC 3810 §5.1.8,
// §5.1.9, §5.1.3), and who it is.
type linkState struct {
	qrv      int
	qi, qri  time.Duration
	elected  netip.Addr
	lastFrom netip.Addr // the querier whose parameters are below
	params   [3]uint32  // QRV, QQIC, Maximum Response Code of its last General Query
	hasParam bool
}

// mali is the Multicast Address Listening Interval: QRV × QI + QRI
// (RFC 3810 §9.4).
func (l *linkState) mali() time.Duration { return time.Duration(l.qrv)*l.qi + l.qri }

// oqpi is the Other Querier Present Interval: QRV × QI + QRI/2 (§9.5).
func (l *linkState) oqpi() time.Duration { return time.Duration(l.qrv)*l.qi + l.qri/2 }

// New returns an MLD tracker that reports to e.
func New(e *analyze.Engine, cfg Config) *Tracker {
	if cfg.MaxGroups <= 0 {
		cfg.MaxGroups = 16384
	}
	if cfg.MaxQueriers <= 0 {
		cfg.MaxQueriers = 256
	}
	if cfg.MaxSources <= 0 {
		cfg.MaxSources = 256
	}
	t := &Tracker{e: e, cfg: cfg,
		groups:   analyze.NewTable[groupKey, group](cfg.MaxGroups),
		queriers: analyze.NewTable[groupKey, querier](cfg.MaxQueriers),
		links:    map[analyze.Link]*linkState{},
		evbuf:    make([]int, 0, 4),
	}
	t.groups.OnEvict = func(en *analyze.Entry[groupKey, group]) {
		t.e.Clock.Stop(&en.Val.timer)
		s := en.Val.session()
		s.Evicted = true
		t.e.Session(s)
	}
	t.queriers.OnEvict = func(en *analyze.Entry[groupKey, querier]) {
		t.e.Clock.Stop(&en.Val.timer)
		s := en.Val.session()
		s.Evicted = true
		t.e.Session(s)
	}
	return t
}

// Proto implements analyze.Tracker.
func (t *Tracker) Proto() string { return "mld" }

func linkString(l analyze.Link) string {
	s := "if" + strconv.Itoa(int(l.Iface))
	if l.VLAN != 0 {
		s += ".vlan" + strconv.Itoa(int(l.VLAN))
	}
	return s
}

func (t *Tracker) link(l analyze.Link) *linkState {
	ls := t.links[l]
	if ls == nil {
		ls = &linkState{qrv: DefaultRobustness, qi: DefaultQueryInterval, qri: DefaultQueryResponse}
		t.links[l] = ls
	}
	return ls
}

func (t *Tracker) transition(kind, id string, frame int, at time.Time, from, to string, r Reason, b analyze.Basis, evidence []int) {
	t.evbuf = append(t.evbuf[:0], evidence...)
	t.tr = analyze.Transition{Proto: "mld", Kind: kind, Session: id, Frame: frame, Time: at, From: from, To: to, Reason: r, Basis: b, Evidence: t.evbuf}
	t.e.Transition(&t.tr)
}

func (t *Tracker) anomaly(sev analyze.Severity, code, session string, p *analyze.Packet, msg, rfc string) {
	t.an = analyze.Anomaly{Proto: "mld", Code: code, Severity: sev, Session: session, Frame: p.Frame, Time: p.Time, Message: msg, RFC: rfc}
	t.e.Anomaly(&t.an)
}

// Observe implements analyze.Tracker.
func (t *Tracker) Observe(p *analyze.Packet) {
	m := p.MLD
	if m == nil || !p.Direct {
		return
	}
	if !t.valid(p, m) {
		return
	}
	switch m.Type {
	case mld.TypeQuery:
		t.query(p, m)
	case mld.TypeReportV2:
		for i := range m.Records {
			r := &m.Records[i]
			if !r.Group.IsValid() {
				continue
			}
			if !r.Group.IsMulticast() {
				t.anomaly(analyze.Error, "mld.report_not_multicast", "", p, "MLDv2 report record for "+r.Group.String()+", which is not a multicast address: routers ignore it", "RFC 3810 §5.2.8")
				continue
			}
			if r.Type == 0 || r.Type > mld.BlockOldSources {
				continue // RFC 3810 §5.2.12: ignored
			}
			t.report(p, r.Group, r.Type, r.Sources, ReasonReport)
		}
	case mld.TypeReport, mld.TypeDone:
		if !m.Group.IsValid() {
			return
		}
		if !m.Group.IsMulticast() {
			t.anomaly(analyze.Error, "mld.report_not_multicast", "", p, "MLDv1 message for "+m.Group.String()+", which is not a multicast address: routers ignore it", "RFC 2710 §3.6")
			return
		}
		if m.Type == mld.TypeReport {
			t.report(p, m.Group, mld.ModeIsExclude, nil, ReasonV1Report)
		} else {
			t.report(p, m.Group, mld.ChangeToIncludeMode, nil, ReasonV1Done)
		}
	}
}

// valid applies the receiver's checks of RFC 2710 §3 and RFC 3810 §5 that
// the decoder notes (same codes): Hop Limit 1, Router Alert, a link-local
// source. A Query that fails them is ignored (RFC 3810 §5.1.14).
func (t *Tracker) valid(p *analyze.Packet, m *mld.MLD) bool {
	ctx := p.Ctx
	rfc := "RFC 3810 §5"
	if m.Version == 1 {
		rfc = "RFC 2710 §3"
	}
	if ctx.HopLimit != 1 {
		t.anomaly(analyze.Warn, mld.NoteHopLimit, "", p, "MLD message with Hop Limit "+strconv.Itoa(int(ctx.HopLimit))+", not 1", rfc)
	}
	if !ctx.RouterAlert {
		t.anomaly(analyze.Warn, mld.NoteNoRouterAlert, "", p, "MLD message without a Router Alert option: routers not listening to the address may miss it", rfc)
	}
	src := ctx.Src
	if src.IsLinkLocalUnicast() || src.IsUnspecified() && m.Type != mld.TypeQuery {
		return true
	}
	t.anomaly(analyze.Warn, mld.NoteSource, "", p, "MLD message from "+src.String()+", not a link-local address: receivers discard it", "RFC 3810 §5.1.14")
	return m.Type != mld.TypeQuery
}

// report applies one record to its group.
func (t *Tracker) report(p *analyze.Packet, addr netip.Addr, typ uint8, srcs []netip.Addr, r Reason) {
	ls := t.link(p.Link)
	k := groupKey{p.Link, addr}
	en, created := t.groups.Add(k)
	g := &en.Val
	if created {
		g.t, g.key, g.first = t, k, p.Frame
		g.id = "mld/group/" + linkString(p.Link) + "/" + addr.String()
	}
	g.last = p.Frame
	if r != ReasonReport {
		// RFC 3810 §8.3.2: an MLDv1 message sets the Older Version Host
		// Present timer to OVHPI (= MALI).
		g.v1Until = p.Time.Add(ls.mali())
	}
	g.record(typ, srcs, p.Time, ls.mali())
	g.settle(r, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
	t.e.Touch("mld", g.id, g.state.String())
}

// query handles a Query: the election (RFC 3810 §7.6.2), the querier's
// parameters (§5.1.3, §5.1.8, §5.1.9), and the timers a specific query
// lowers (§7.6.3).
func (t *Tracker) query(p *analyze.Packet, m *mld.MLD) {
	t.heardQuery = true
	ls := t.link(p.Link)
	src := p.Ctx.Src
	general := m.Group.IsUnspecified()
	if m.Version == 2 && general {
		t.querierParams(p, ls, src, m)
	} else if m.Version == 1 && general {
		ls.qri = time.Duration(m.MaxResp) * time.Millisecond
	}
	t.elect(p, ls, src)
	if general || !m.Group.IsMulticast() || m.Version == 2 && m.S() {
		return
	}
	g := t.groups.Get(groupKey{p.Link, m.Group})
	if g == nil {
		return
	}
	g.Val.last = p.Frame
	// LLQT = LLQI × LLQC, with the query's delay as LLQI and QRV as LLQC.
	llqt := time.Duration(m.MaxResponseDelay()) * time.Millisecond * time.Duration(ls.qrv)
	g.Val.lower(m.Sources, p.Time, llqt)
	g.Val.settle(ReasonQuery, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
}

// querierParams learns QRV, QI and QRI from a General Query, and flags a
// querier whose parameters change.
func (t *Tracker) querierParams(p *analyze.Packet, ls *linkState, src netip.Addr, m *mld.MLD) {
	params := [3]uint32{uint32(m.QRV()), uint32(m.QQIC), uint32(m.MaxResp)}
	if ls.hasParam && ls.lastFrom == src && params != ls.params {
		t.anomaly(analyze.Warn, "mld.querier_params_changed", "mld/querier/"+linkString(p.Link)+"/"+src.String(), p,
			"querier "+src.String()+" changed its parameters (QRV, QQIC, Maximum Response Code "+strconv.Itoa(int(ls.params[0]))+", "+strconv.Itoa(int(ls.params[1]))+", "+strconv.Itoa(int(ls.params[2]))+" → "+strconv.Itoa(int(params[0]))+", "+strconv.Itoa(int(params[1]))+", "+strconv.Itoa(int(params[2]))+"): listeners' timers change with them", "RFC 3810 §7.6.2")
	}
	ls.params, ls.lastFrom, ls.hasParam = params, src, true
	if q := m.QRV(); q != 0 {
		ls.qrv = int(q) // RFC 3810 §5.1.8: 0 means "use the default"
	}
	if qi := m.QueryInterval(); qi != 0 {
		ls.qi = time.Duration(qi) * time.Second
	}
	ls.qri = time.Duration(m.MaxResponseDelay()) * time.Millisecond
}

// Finish implements analyze.Tracker.
func (t *Tracker) Finish() {
	t.groups.All(func(en *analyze.Entry[groupKey, group]) bool {
		t.e.Session(en.Val.session())
		return true
	})
	t.queriers.All(func(en *analyze.Entry[groupKey, querier]) bool {
		t.e.Session(en.Val.session())
		return true
	})
}

// Tables implements analyze.Tracker.
func (t *Tracker) Tables() []analyze.TableStat {
	return []analyze.TableStat{
		{Kind: "group", Live: t.groups.Len(), Cap: t.groups.Cap(), Evicted: t.groups.Evicted()},
		{Kind: "querier", Live: t.queriers.Len(), Cap: t.queriers.Cap(), Evicted: t.queriers.Evicted()},
	}
}

// Limits implements analyze.Tracker.
func (t *Tracker) Limits() []string {
	var l []string
	if !t.heardQuery {
		l = append(l, "no Query was heard: listener timers use RFC 3810 §9's defaults (MALI 260 s), so groups outlive a short capture")
	}
	l = append(l, "the state is what a router on the link keeps for the link as a whole (RFC 3810 §7); which host listens is not part of it")
	if t.sourcesDropped > 0 {
		l = append(l, strconv.Itoa(t.sourcesDropped)+" source records were dropped: a group's source list is capped at "+strconv.Itoa(t.cfg.MaxSources))
	}
	return l
}
