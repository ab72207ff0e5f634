package lab

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/v6scope/v6scope/analyze"
	aikev2 "github.com/v6scope/v6scope/analyze/ikev2"
	amip6 "github.com/v6scope/v6scope/analyze/mip6"
	amld "github.com/v6scope/v6scope/analyze/mld"
	andd "github.com/v6scope/v6scope/analyze/nd"
	ateredo "github.com/v6scope/v6scope/analyze/teredo"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
	"github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/pcaps"
)

// Env is a capture loaded for computing answers: its frames, and (on first
// use) what the analysis engine made of them.
type Env struct {
	name   string
	frames []capture.Frame
	ifaces []capture.Interface
	keys   *ikev2.KeyTable
	schema *decode.Schema

	analysis *analysis
	fsys     fs.FS           // where other captures are read from (nil: pcaps.FS)
	others   map[string]*Env // other captures queries name
}

// Open loads the lab's capture (and key table) from the bundled pcaps.
func Open(l *Lab) (*Env, error) { return OpenFS(l, pcaps.FS) }

// OpenFS loads the lab's capture and key table from fsys.
func OpenFS(l *Lab, fsys fs.FS) (*Env, error) {
	data, err := fs.ReadFile(fsys, l.Capture)
	if err != nil {
		return nil, fmt.Errorf("lab %d: capture %s: %w", l.Number, l.Capture, err)
	}
	var keys *ikev2.KeyTable
	if l.Keys != "" {
		kd, err := fs.ReadFile(fsys, l.Keys)
		if err != nil {
			return nil, fmt.Errorf("lab %d: keys %s: %w", l.Number, l.Keys, err)
		}
		if keys, err = ikev2.ReadKeyTable(bytes.NewReader(kd)); err != nil {
			return nil, fmt.Errorf("lab %d: keys %s: %w", l.Number, l.Keys, err)
		}
	}
	e, err := NewEnv(bytes.NewReader(data), l.Capture, keys)
	if err != nil {
		return nil, err
	}
	e.fsys = fsys
	return e, nil
}

// other returns the Env of another capture (a query's capture:), read from
// the same place as this one, with the same keys.
func (e *Env) other(name string) (*Env, error) {
	if name == "" || name == e.name {
		return e, nil
	}
	if o, ok := e.others[name]; ok {
		return o, nil
	}
	fsys := e.fsys
	if fsys == nil {
		fsys = pcaps.FS
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", name, err)
	}
	o, err := NewEnv(bytes.NewReader(data), name, e.keys)
	if err != nil {
		return nil, err
	}
	o.fsys = fsys
	if e.others == nil {
		e.others = map[string]*Env{}
	}
	e.others[name] = o
	return o, nil
}

// NewEnv reads a whole capture from r. keys may be nil.
func NewEnv(r io.Reader, name string, keys *ikev2.KeyTable) (*Env, error) {
	rd, err := capture.NewReader(r, name)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	e := &Env{name: name, keys: keys, schema: decode.NewSchemaWith(analyze.Fields()...)}
	for {
		var f capture.Frame
		if err := rd.Next(&f); err != nil {
			if err == io.EOF {
				break
			}
			return nil, err
		}
		f.Data = bytes.Clone(f.Data)
		e.frames = append(e.frames, f)
	}
	e.ifaces = rd.Interfaces()
	if len(e.frames) == 0 {
		return nil, fmt.Errorf("%s: no frames", name)
	}
	return e, nil
}

// Name is the capture's name.
func (e *Env) Name() string { return e.name }

// Frames is how many frames the capture holds.
func (e *Env) Frames() int { return len(e.frames) }

// Compile compiles a display filter with the schema queries use (the
// decoders' fields and the analysis fields).
func (e *Env) Compile(expr string) (*filter.Filter, error) {
	f, err := filter.Compile(expr, e.schema)
	if err != nil {
		var fe *filter.Error
		if errors.As(err, &fe) && fe.Suggestion != "" {
			return nil, fmt.Errorf("display filter %q: %s (did you mean %q?)", expr, fe.Msg, fe.Suggestion)
		}
		return nil, fmt.Errorf("display filter %q: %w", expr, err)
	}
	return f, nil
}

// scan decodes every frame in order, with the analysis fields added, and
// calls fn with each packet. The packet is valid only during the call.
func (e *Env) scan(fn func(p *decode.Packet)) {
	d := decode.New()
	d.SetHeuristic("teredo", true)
	d.SetIKEv2Keys(e.keys)
	d.InterfaceName = func(i int) string {
		if i < len(e.ifaces) {
			return e.ifaces[i].Name
		}
		return ""
	}
	eng := newEngine(nil)
	eng.Annotate(true)
	var p decode.Packet
	for i := range e.frames {
		f := &e.frames[i]
		d.Decode(f, &p)
		eng.Observe(f, p.Layers, d)
		analyze.AppendFields(&p.Tree, eng.Marks(), eng.Codes())
		fn(&p)
	}
	eng.Finish()
}

// matching returns the numbers of the frames expr matches.
func (e *Env) matching(expr string) (map[int]bool, error) {
	f, err := e.Compile(expr)
	if err != nil {
		return nil, err
	}
	out := map[int]bool{}
	e.scan(func(p *decode.Packet) {
		if f.Match(&p.Tree) {
			out[p.Number] = true
		}
	})
	return out, nil
}

// newEngine returns an engine with every tracker v6scope analyze runs, with
// its default settings.
func newEngine(sink analyze.Sink) *analyze.Engine {
	e := analyze.New(sink)
	e.Add(andd.New(e, andd.Config{ReachableTime: andd.DefaultReachableTime, RetransTimer: andd.DefaultRetransTimer, DelayFirstProbe: andd.DefaultDelayFirstProbe}))
	e.Add(amld.New(e, amld.Config{}))
	e.Add(ateredo.New(e, ateredo.Config{}))
	e.Add(amip6.New(e, amip6.Config{}))
	e.Add(aikev2.New(e, aikev2.Config{}))
	return e
}

// The analysis: sessions with their transitions and the frames that
// touched them, and anomalies.

type session struct {
	proto, kind, id, state string
	firstFrame, lastFrame  int
	attrs                  map[string][]string
	transitions            []transition
	frames                 map[int]bool
	order                  int
}

type transition struct {
	frame                        int
	from, to, reason, basis, sid string
}

type anomaly struct {
	proto, code, severity, session, message string
	frame                                   int
}

type analysis struct {
	sessions  []*session
	byID      map[string]*session
	anomalies []anomaly
}

func (a *analysis) session(proto, id string) *session {
	k := proto + "\x00" + id
	s := a.byID[k]
	if s == nil {
		s = &session{proto: proto, id: id, frames: map[int]bool{}, attrs: map[string][]string{}, order: len(a.sessions)}
		a.byID[k] = s
		a.sessions = append(a.sessions, s)
	}
	return s
}

func (a *analysis) Transition(t *analyze.Transition) {
	s := a.session(t.Proto, t.Session)
	if s.kind == "" {
		s.kind = t.Kind
	}
	reason := ""
	if t.Reason != nil {
		reason = t.Reason.String()
	}
	s.transitions = append(s.transitions, transition{frame: t.Frame, from: t.From, to: t.To, reason: reason, basis: t.Basis.String(), sid: t.Session})
	s.state = t.To
}

func (a *analysis) Anomaly(x *analyze.Anomaly) {
	a.anomalies = append(a.anomalies, anomaly{proto: x.Proto, code: x.Code, severity: x.Severity.String(), session: x.Session, message: x.Message, frame: x.Frame})
}

func (a *analysis) Session(r *analyze.Session) {
	s := a.session(r.Proto, r.ID)
	s.kind, s.state, s.firstFrame, s.lastFrame = r.Kind, r.State, r.FirstFrame, r.LastFrame
	for _, at := range r.Attrs {
		s.attrs[at.Key] = attrStrings(at.Val)
	}
}

// attrStrings turns an attribute's value into the strings a query sees.
func attrStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return append([]string(nil), x...)
	case []netip.Addr:
		out := make([]string, len(x))
		for i, a := range x {
			out[i] = a.String()
		}
		return out
	case string:
		return []string{x}
	case bool:
		return []string{strconv.FormatBool(x)}
	case time.Duration:
		return []string{formatNumber(x.Seconds())}
	case time.Time:
		return []string{x.UTC().Format(time.RFC3339Nano)}
	case float64:
		return []string{formatNumber(x)}
	case fmt.Stringer:
		return []string{x.String()}
	}
	return []string{fmt.Sprint(v)}
}

func (e *Env) analyze() *analysis {
	if e.analysis != nil {
		return e.analysis
	}
	a := &analysis{byID: map[string]*session{}}
	d := decode.New()
	d.SetHeuristic("teredo", true)
	d.SetIKEv2Keys(e.keys)
	eng := newEngine(a)
	eng.Annotate(true)
	var p decode.Packet
	for i := range e.frames {
		f := &e.frames[i]
		d.Decode(f, &p)
		eng.Observe(f, p.Layers, d)
		for _, m := range eng.Marks() {
			s := a.session(m.Proto, m.Session)
			s.frames[f.Number] = true
			if s.firstFrame == 0 {
				s.firstFrame = f.Number
			}
			s.lastFrame = max(s.lastFrame, f.Number)
		}
	}
	eng.Finish()
	for _, s := range a.sessions {
		for _, t := range s.transitions {
			s.frames[t.frame] = true
		}
	}
	e.analysis = a
	return a
}

// Values.

// Eval computes the query's values, reduced for an answer of type typ.
func (e *Env) Eval(q *Query, typ string) ([]string, error) {
	e, err := e.other(q.Capture)
	if err != nil {
		return nil, err
	}
	vals, err := e.values(q)
	if err != nil {
		return nil, err
	}
	if q.Count != "" {
		return vals, nil
	}
	if q.Value == "count" {
		return []string{strconv.Itoa(len(vals))}, nil
	}
	return q.reduce(vals, typ)
}

func (e *Env) values(q *Query) ([]string, error) {
	switch {
	case q.Count != "":
		m, err := e.matching(q.Count)
		if err != nil {
			return nil, err
		}
		return []string{strconv.Itoa(len(m))}, nil
	case q.Field != "":
		return e.fieldValues(q.Field, q.Where)
	case q.Sessions != nil:
		ss, err := e.sessions(q.Sessions)
		if err != nil {
			return nil, err
		}
		var in map[int]bool
		if q.Value == "frames" && q.Where != "" {
			if in, err = e.matching(q.Where); err != nil {
				return nil, err
			}
		}
		var out []string
		for _, s := range ss {
			if q.Value == "frames" {
				out = append(out, sessionFrames(s, in)...)
				continue
			}
			out = append(out, sessionValue(s, q)...)
		}
		return out, nil
	case q.Transitions != nil:
		return e.transitions(q)
	case q.Anomalies != nil:
		return e.anomalies(q)
	}
	return nil, errors.New("empty query")
}

func (e *Env) fieldValues(name, where string) ([]string, error) {
	if _, ok := e.schema.Lookup(name); !ok {
		msg := "unknown field " + strconv.Quote(name)
		if near := filter.Suggest(name, e.schema.Names()); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return nil, errors.New(msg)
	}
	var f *filter.Filter
	if where != "" {
		var err error
		if f, err = e.Compile(where); err != nil {
			return nil, err
		}
	}
	var out []string
	var buf []byte
	e.scan(func(p *decode.Packet) {
		if f != nil && !f.Match(&p.Tree) {
			return
		}
		for i := range p.Tree.Fields {
			fl := &p.Tree.Fields[i]
			if fl.Info != nil && fl.Info.Name == name {
				buf = fl.AppendValue(buf[:0])
				out = append(out, string(buf))
			}
		}
	})
	return out, nil
}

func (e *Env) sessions(sel *SessionSel) ([]*session, error) {
	a := e.analyze()
	var touched map[int]bool
	if sel.TouchedBy != "" {
		var err error
		if touched, err = e.matching(sel.TouchedBy); err != nil {
			return nil, err
		}
	}
	var idRE *regexp.Regexp
	if sel.ID != "" {
		idRE = regexp.MustCompile(sel.ID) // checked when loaded
	}
	attrREs := map[string]*regexp.Regexp{}
	for k, v := range sel.Attrs {
		attrREs[k] = regexp.MustCompile(v)
	}
	var out []*session
	for _, s := range a.sessions {
		if sel.Proto != "" && s.proto != sel.Proto || sel.Kind != "" && s.kind != sel.Kind ||
			sel.State != "" && !strings.EqualFold(s.state, sel.State) || idRE != nil && !idRE.MatchString(s.id) {
			continue
		}
		ok := true
		for k, re := range attrREs {
			hit := false
			for _, v := range s.attrs[k] {
				hit = hit || re.MatchString(v)
			}
			ok = ok && hit
		}
		if ok && touched != nil {
			hit := false
			for n := range s.frames {
				hit = hit || touched[n]
			}
			ok = hit
		}
		if ok {
			out = append(out, s)
		}
	}
	// Sessions in the order they began.
	sortSessions(out)
	return out, nil
}

func sortSessions(ss []*session) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && less(ss[j], ss[j-1]); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

func less(a, b *session) bool {
	if a.firstFrame != b.firstFrame {
		return a.firstFrame < b.firstFrame
	}
	return a.order < b.order
}

// sessionFrames lists the frames that touched s, in order; only those in
// in when it is not nil.
func sessionFrames(s *session, in map[int]bool) []string {
	ns := make([]int, 0, len(s.frames))
	for n := range s.frames {
		if in == nil || in[n] {
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func sessionValue(s *session, q *Query) []string {
	if q.Attr != "" {
		return s.attrs[q.Attr]
	}
	switch q.Value {
	case "id":
		return []string{s.id}
	case "first_frame":
		return []string{strconv.Itoa(s.firstFrame)}
	case "last_frame":
		return []string{strconv.Itoa(s.lastFrame)}
	case "transitions":
		return []string{strconv.Itoa(len(s.transitions))}
	case "path":
		var states []string
		for _, t := range s.transitions {
			if len(states) == 0 || states[len(states)-1] != t.to {
				states = append(states, t.to)
			}
		}
		return []string{strings.Join(states, " → ")}
	}
	return []string{s.state} // state, and count (one per session)
}

func (e *Env) transitions(q *Query) ([]string, error) {
	sel := q.Transitions
	ss, err := e.sessions(&sel.SessionSel)
	if err != nil {
		return nil, err
	}
	var in map[int]bool
	if sel.In != "" {
		if in, err = e.matching(sel.In); err != nil {
			return nil, err
		}
	}
	var reRE *regexp.Regexp
	if sel.Reason != "" {
		reRE = regexp.MustCompile(sel.Reason)
	}
	type hit struct {
		t     transition
		order int
	}
	var hits []hit
	for _, s := range ss {
		for _, t := range s.transitions {
			if sel.From != "" && !strings.EqualFold(t.from, sel.From) || sel.To != "" && !strings.EqualFold(t.to, sel.To) ||
				reRE != nil && !reRE.MatchString(t.reason) || in != nil && !in[t.frame] {
				continue
			}
			hits = append(hits, hit{t, len(hits)})
		}
	}
	// In frame order.
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].t.frame < hits[j-1].t.frame; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	var out []string
	for _, h := range hits {
		switch q.Value {
		case "from":
			out = append(out, h.t.from)
		case "frame":
			out = append(out, strconv.Itoa(h.t.frame))
		case "reason":
			out = append(out, h.t.reason)
		case "basis":
			out = append(out, h.t.basis)
		case "session":
			out = append(out, h.t.sid)
		default:
			out = append(out, h.t.to)
		}
	}
	return out, nil
}

func (e *Env) anomalies(q *Query) ([]string, error) {
	sel := q.Anomalies
	a := e.analyze()
	var in map[int]bool
	if sel.In != "" {
		var err error
		if in, err = e.matching(sel.In); err != nil {
			return nil, err
		}
	}
	var codeRE *regexp.Regexp
	if sel.Code != "" {
		codeRE = regexp.MustCompile(sel.Code)
	}
	var out []string
	for _, x := range a.anomalies {
		if sel.Proto != "" && x.proto != sel.Proto || sel.Severity != "" && !strings.EqualFold(x.severity, sel.Severity) ||
			codeRE != nil && !codeRE.MatchString(x.code) || in != nil && !in[x.frame] {
			continue
		}
		switch q.Value {
		case "frame":
			out = append(out, strconv.Itoa(x.frame))
		case "severity":
			out = append(out, x.severity)
		case "session":
			out = append(out, x.session)
		case "message":
			out = append(out, x.message)
		default:
			out = append(out, x.code)
		}
	}
	return out, nil
}
