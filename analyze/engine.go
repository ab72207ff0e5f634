package analyze

import (
	"slices"
	"sort"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// Tracker is one protocol's state machines. Every protocol package
// (analyze/nd, analyze/mld, …) provides one and plugs in with Engine.Add.
type Tracker interface {
	// Proto is the protocol's short name: "nd", "mld", "teredo".
	Proto() string
	// Observe is called for every packet, in capture order, after the
	// clock has fired the timers due before it.
	Observe(p *Packet)
	// Finish is called once at the end of the capture: the tracker emits a
	// Session record for every live session.
	Finish()
	// Tables reports the tracker's tables: live sessions, capacity and
	// evictions.
	Tables() []TableStat
	// Limits says, in a sentence each, what this capture could not show
	// (assumed constants, nodes never heard from); called after Finish.
	Limits() []string
}

// TableStat describes one bounded table of a tracker.
type TableStat struct {
	Kind    string // the session kind it holds: "neighbor"
	Live    int
	Cap     int
	Evicted int
}

// ProtoStats counts one protocol's records.
type ProtoStats struct {
	Proto       string
	Transitions int
	Anomalies   [4]int // by Severity
	Sessions    int    // session records emitted (live at the end, and evicted)
	Tables      []TableStat
	Limits      []string
}

// Stats is the summary of a run.
type Stats struct {
	Packets     int
	First, Last time.Time
	Protos      []ProtoStats
}

// Evictions returns the sessions evicted from every table of p.
func (p *ProtoStats) Evictions() int {
	n := 0
	for _, t := range p.Tables {
		n += t.Evicted
	}
	return n
}

// Engine feeds packets to the trackers, runs the virtual clock, and passes
// their records to a Sink while counting them. It is not safe for
// concurrent use.
type Engine struct {
	// Clock is the virtual clock; trackers arm their timers on it.
	Clock Clock

	sink     Sink
	trackers []Tracker
	stats    Stats
	byProto  map[string]*ProtoStats
	frame    int
	view     Packet
	layers   layers
	annotate bool
	marks    []Mark
	codes    []string
}

// New returns an engine that sends its records to sink (nil: counted and
// dropped).
func New(sink Sink) *Engine {
	return &Engine{sink: sink, byProto: map[string]*ProtoStats{}}
}

// Add plugs a tracker in. Trackers see each packet in the order added.
func (e *Engine) Add(t Tracker) {
	e.trackers = append(e.trackers, t)
	e.proto(t.Proto())
}

// Annotate makes the engine keep, for the packet just observed, the
// sessions it touched and the anomaly codes it raised (Marks, Codes), for
// read's v6scope.* fields.
func (e *Engine) Annotate(on bool) { e.annotate = on }

// Frame returns the number of the packet being (or last) observed.
func (e *Engine) Frame() int { return e.frame }

// Now returns the virtual clock's time.
func (e *Engine) Now() time.Time { return e.Clock.Now() }

// Observe feeds one decoded frame: the clock advances to its time (firing
// due timers), then each tracker sees it. decoded is the list of layer
// types Decoder.Fast or Decoder.Decode produced for it.
func (e *Engine) Observe(f *capture.Frame, decoded []gopacket.LayerType, d *decode.Decoder) {
	e.Clock.Advance(f.Time)
	// Timers that fired belong to no packet: marks start after them.
	e.marks, e.codes = e.marks[:0], e.codes[:0]
	if e.stats.Packets == 0 {
		e.stats.First = f.Time
	}
	e.stats.Packets++
	if f.Time.After(e.stats.Last) {
		e.stats.Last = f.Time
	}
	e.layers.fill(&e.view, f.Number, f.Time, f.Interface, decoded, d)
	e.frame = f.Number
	for _, t := range e.trackers {
		t.Observe(&e.view)
	}
}

// Finish ends the run: every tracker reports its live sessions, and the
// summary is returned.
func (e *Engine) Finish() *Stats {
	for _, t := range e.trackers {
		t.Finish()
	}
	e.stats.Protos = e.stats.Protos[:0]
	for _, t := range e.trackers {
		ps := e.proto(t.Proto())
		ps.Tables = t.Tables()
		ps.Limits = t.Limits()
		e.stats.Protos = append(e.stats.Protos, *ps)
	}
	sort.SliceStable(e.stats.Protos, func(i, j int) bool { return e.stats.Protos[i].Proto < e.stats.Protos[j].Proto })
	return &e.stats
}

func (e *Engine) proto(name string) *ProtoStats {
	ps := e.byProto[name]
	if ps == nil {
		ps = &ProtoStats{Proto: name}
		e.byProto[name] = ps
	}
	return ps
}

// Transition records t (trackers call it).
func (e *Engine) Transition(t *Transition) {
	e.proto(t.Proto).Transitions++
	// Frames count from 1: a 0 a tracker passed stands for a packet it
	// never saw (a response that did not come), not evidence.
	if slices.Contains(t.Evidence, 0) {
		t.Evidence = slices.DeleteFunc(t.Evidence, func(f int) bool { return f == 0 })
	}
	if e.annotate {
		e.mark(t.Proto, t.Session, t.To)
	}
	if e.sink != nil {
		e.sink.Transition(t)
	}
}

// Anomaly records a (trackers call it).
func (e *Engine) Anomaly(a *Anomaly) {
	if int(a.Severity) < len(ProtoStats{}.Anomalies) {
		e.proto(a.Proto).Anomalies[a.Severity]++
	}
	if e.annotate {
		e.codes = append(e.codes, a.Code)
	}
	if e.sink != nil {
		e.sink.Anomaly(a)
	}
}

// Session records a session that ended or was evicted (trackers call it).
func (e *Engine) Session(s *Session) {
	e.proto(s.Proto).Sessions++
	if e.sink != nil {
		e.sink.Session(s)
	}
}

// Touch notes that the packet being observed concerned a session, now in
// state; read shows it as v6scope.session and v6scope.state. Trackers call
// it for every session a packet touches, changed or not.
func (e *Engine) Touch(proto, session, state string) {
	if e.annotate {
		e.mark(proto, session, state)
	}
}

func (e *Engine) mark(proto, session, state string) {
	for i := range e.marks {
		if m := &e.marks[i]; m.Session == session && m.Proto == proto {
			m.State = state
			return
		}
	}
	e.marks = append(e.marks, Mark{Proto: proto, Session: session, State: state})
}

// Marks returns the sessions the last packet touched, with their state
// after it (only when Annotate is on).
func (e *Engine) Marks() []Mark { return e.marks }

// Codes returns the anomaly codes the last packet raised (only when
// Annotate is on).
func (e *Engine) Codes() []string { return e.codes }
