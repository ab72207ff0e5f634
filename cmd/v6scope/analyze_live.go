package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/output"
)

// streamSink prints transitions and anomalies the moment the engine emits
// them, one line each, and passes every record on to next (the report
// printed at the end).
type streamSink struct {
	w    *bufio.Writer
	next analyze.Sink
}

func (s *streamSink) Transition(t *analyze.Transition) {
	from := t.From
	if from == "" {
		from = "(new)"
	}
	fmt.Fprintf(s.w, "%s  %s %s %s  %s -> %s  (%s, frame %d)\n",
		t.Time.Local().Format("15:04:05.000"), t.Proto, t.Kind, output.Safe(t.Session), from, t.To, t.Reason, t.Frame)
	s.next.Transition(t)
}

func (s *streamSink) Anomaly(a *analyze.Anomaly) {
	fmt.Fprintf(s.w, "%s  ANOMALY %s %s: %s (%s, frame %d)\n",
		a.Time.Local().Format("15:04:05.000"), a.Severity, a.Code, output.Safe(a.Message), a.RFC, a.Frame)
	s.next.Anomaly(a)
}

func (s *streamSink) Session(x *analyze.Session) { s.next.Session(x) }

// analyzeLive runs the analysis on a live capture: transitions and
// anomalies stream out as they happen (text lines, or NDJSON with --json),
// and the report or summary follows when the capture stops (Ctrl-C, -a).
// Timers on the virtual clock fire when the next packet arrives.
func (e *env) analyzeLive(o *analyzeOptions) error {
	after, err := o.live.autostopAfter()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	var (
		sink   analyze.Sink
		jw     *analyze.JSONWriter
		report *analyze.Report
	)
	if o.json {
		jw = analyze.NewJSONWriter(out)
		sink = jw
	} else {
		report = analyze.NewReport()
		sink = &streamSink{w: out, next: report}
	}
	eng, err := newEngine(o, sink)
	if err != nil {
		return err
	}
	c, err := o.live.open()
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(e.stderr, "Analyzing live on %s; Ctrl-C stops and prints the report\n", quoteList(o.live.ifaces))
	undo := stopOn(c, after)
	defer undo()
	d := decode.New()
	d.SetHeuristic("teredo", o.teredo)
	if err := useIKEv2Keys(d, o.ikeKeys); err != nil {
		return err
	}
	flush := func() error {
		if jw != nil {
			if err := jw.Flush(); err != nil {
				return writeErr(err)
			}
		}
		if err := out.Flush(); err != nil {
			return writeErr(err)
		}
		return nil
	}
	var (
		f       capture.Frame
		decoded = make([]gopacket.LayerType, 0, 16)
		loopErr error
	)
	for {
		if err := c.Next(&f); err != nil {
			if !errors.Is(err, io.EOF) {
				loopErr = &exitError{exitInput, err}
			}
			break
		}
		_ = d.Fast(&f, &decoded)
		eng.Observe(&f, decoded, d)
		if !c.Ready() {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	st := eng.Finish()
	if jw != nil {
		jw.Summary(st)
	} else if err := report.Write(out, st); err != nil {
		return writeErr(err)
	}
	if err := flush(); err != nil {
		return err
	}
	c.Close()
	ks, _ := c.Stats()
	e.finalCounts(ks)
	return loopErr
}
