package analyze

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Report is a Sink that condenses a run into the readable report of
// `v6scope analyze`: per protocol, the sessions with their final states,
// transition counts, anomalies by severity, and what the capture could not
// show. It keeps at most MaxListed sessions and MaxExamples anomalies per
// code, so its memory stays bounded too.
type Report struct {
	MaxListed   int
	MaxExamples int

	kinds  map[string]*kindReport // "nd/neighbor"
	codes  map[string]*codeReport
	matrix map[move]int

	ordered []string // kind keys in first-seen order
}

// move is one kind of transition of one kind of session, counted in the
// transition matrix.
type move struct{ proto, kind, from, to string }

type kindReport struct {
	proto, kind string
	states      map[string]int
	listed      []Session
	more        int
	evicted     int
}

type codeReport struct {
	proto, code string
	sev         Severity
	rfc         string
	n           int
	examples    []Anomaly
}

// NewReport returns an empty report.
func NewReport() *Report {
	return &Report{MaxListed: 40, MaxExamples: 5, kinds: map[string]*kindReport{}, codes: map[string]*codeReport{}, matrix: map[move]int{}}
}

func (r *Report) kind(proto, kind string) *kindReport {
	k := proto + "/" + kind
	kr := r.kinds[k]
	if kr == nil {
		kr = &kindReport{proto: proto, kind: kind, states: map[string]int{}}
		r.kinds[k] = kr
		r.ordered = append(r.ordered, k)
	}
	return kr
}

// Transition implements Sink.
func (r *Report) Transition(t *Transition) {
	r.kind(t.Proto, t.Kind)
	from := t.From
	if from == "" {
		from = "(new)"
	}
	r.matrix[move{t.Proto, t.Kind, from, t.To}]++
}

// Anomaly implements Sink.
func (r *Report) Anomaly(a *Anomaly) {
	c := r.codes[a.Code]
	if c == nil {
		c = &codeReport{proto: a.Proto, code: a.Code, sev: a.Severity, rfc: a.RFC}
		r.codes[a.Code] = c
	}
	c.n++
	if len(c.examples) < r.MaxExamples {
		c.examples = append(c.examples, *a)
	}
}

// Session implements Sink.
func (r *Report) Session(s *Session) {
	kr := r.kind(s.Proto, s.Kind)
	kr.states[s.State]++
	if s.Evicted {
		kr.evicted++
		return
	}
	if len(kr.listed) < r.MaxListed {
		c := *s
		c.Attrs = append([]Attr(nil), s.Attrs...)
		kr.listed = append(kr.listed, c)
	} else {
		kr.more++
	}
}

// Write prints the report.
func (r *Report) Write(w io.Writer, st *Stats) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d packets", st.Packets)
	if st.Packets > 0 {
		fmt.Fprintf(bw, " over %.3f s (%s to %s)", st.Last.Sub(st.First).Seconds(), st.First.UTC().Format("2006-01-02 15:04:05.000"), st.Last.UTC().Format("15:04:05.000"))
	}
	fmt.Fprintln(bw)
	var quiet []string
	for _, ps := range st.Protos {
		if ps.Transitions == 0 && ps.Sessions == 0 && ps.Anomalies == [4]int{} && ps.Evictions() == 0 {
			quiet = append(quiet, ps.Proto) // nothing of it in the capture
			continue
		}
		fmt.Fprintf(bw, "\n== %s ==\n", strings.ToUpper(ps.Proto))
		fmt.Fprintf(bw, "%d transitions, %d sessions; anomalies: %d error, %d warning, %d note, %d chat\n",
			ps.Transitions, ps.Sessions, ps.Anomalies[Error], ps.Anomalies[Warn], ps.Anomalies[Note], ps.Anomalies[Chat])
		for _, k := range r.ordered {
			kr := r.kinds[k]
			if kr.proto != ps.Proto {
				continue
			}
			r.writeKind(bw, kr)
		}
		r.writeAnomalies(bw, ps.Proto)
		for _, t := range ps.Tables {
			if t.Evicted > 0 {
				fmt.Fprintf(bw, "  evicted: %d %s sessions (table cap %d): the oldest made room for newer ones\n", t.Evicted, t.Kind, t.Cap)
			}
		}
		if len(ps.Limits) > 0 {
			fmt.Fprintln(bw, "  What this capture could not show:")
			for _, l := range ps.Limits {
				fmt.Fprintf(bw, "    - %s\n", l)
			}
		}
	}
	if len(quiet) > 0 {
		fmt.Fprintf(bw, "\nNothing seen of: %s\n", strings.Join(quiet, ", "))
	}
	return bw.Flush()
}

func (r *Report) writeKind(w *bufio.Writer, kr *kindReport) {
	total := 0
	var states []string
	for s, n := range kr.states {
		total += n
		states = append(states, s)
	}
	sort.Strings(states)
	fmt.Fprintf(w, "\n  %s sessions: %d", kr.kind, total)
	for _, s := range states {
		fmt.Fprintf(w, "  %s %d", s, kr.states[s])
	}
	fmt.Fprintln(w)
	for _, s := range kr.listed {
		fmt.Fprintf(w, "    %-14s %s  (frames %d-%d, %d transitions)%s\n", s.State, s.ID, s.FirstFrame, s.LastFrame, s.Transitions, attrText(s.Attrs))
	}
	if kr.more > 0 {
		fmt.Fprintf(w, "    … and %d more (--json lists them all)\n", kr.more)
	}
	var moves []string
	counts := map[string]int{}
	for m, n := range r.matrix {
		if m.proto == kr.proto && m.kind == kr.kind {
			k := m.from + " → " + m.to
			moves = append(moves, k)
			counts[k] = n
		}
	}
	sort.Strings(moves)
	if len(moves) > 0 {
		fmt.Fprintln(w, "    transitions:")
		for _, k := range moves {
			fmt.Fprintf(w, "      %-32s %d\n", k, counts[k])
		}
	}
}

// attrText shows the attributes a reader looks for first.
func attrText(attrs []Attr) string {
	var b strings.Builder
	for _, a := range attrs {
		switch a.Key {
		case "lladdr", "router", "defender", "mode", "sources", "querier", "version", "preference", "valid_lifetime",
			"origin", "nat", "failed_by", "spi_to_initiator", "spi_to_responder":
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Val)
		}
	}
	return b.String()
}

func (r *Report) writeAnomalies(w *bufio.Writer, proto string) {
	var cs []*codeReport
	for _, c := range r.codes {
		if c.proto == proto {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		fmt.Fprintln(w, "\n  no anomalies")
		return
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].sev != cs[j].sev {
			return cs[i].sev > cs[j].sev
		}
		return cs[i].code < cs[j].code
	})
	fmt.Fprintln(w, "\n  anomalies:")
	for _, c := range cs {
		fmt.Fprintf(w, "    %-7s %-28s %d  [%s]\n", c.sev, c.code, c.n, c.rfc)
		for _, a := range c.examples {
			fmt.Fprintf(w, "      frame %d: %s\n", a.Frame, a.Message)
		}
		if c.n > len(c.examples) {
			fmt.Fprintf(w, "      … %d more\n", c.n-len(c.examples))
		}
	}
}
