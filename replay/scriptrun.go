package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
)

// ScriptEnv is what a script runs with.
type ScriptEnv struct {
	// Dir is where relative capture and output names are found (the
	// script's directory).
	Dir string
	// Out receives one line per step done.
	Out io.Writer
	// OpenInterface opens an interface for sending and Listen starts the
	// capture expect reads on it; nil: OpenInterface and Listen of this
	// package (tests open them in a namespace, or inject fakes).
	OpenInterface func(name string) (Output, error)
	Listen        func(name string) (Capturer, error)
	// Interface names the interface when the script has no interface
	// line of its own (--script with -i).
	Interface       string
	TeredoHeuristic bool
}

// scriptRun is the state of a running script.
type scriptRun struct {
	s       *Script
	env     ScriptEnv
	ctx     context.Context
	out     Output
	lis     *listener
	capPath string
	sel     *filter.Filter
	src     net.HardwareAddr
	dst     net.HardwareAddr
	maps    []IPMap
	pacing  Pacing
	since   time.Time  // expect looks at frames received from here on
	rx      []Received // received, not yet consumed
	dec     *decode.Decoder
	pkt     decode.Packet
	sent    int64
}

// ScriptSummary counts what a script did.
type ScriptSummary struct {
	Steps, Sends, Expects int
	Packets               int64
}

// Run runs the script; the error of a failed step is a *ScriptError
// naming its line (wrapping ErrExpect for an expectation not met).
func (s *Script) Run(ctx context.Context, env ScriptEnv) (ScriptSummary, error) {
	r := &scriptRun{s: s, env: env, ctx: ctx, dec: decode.New()}
	r.dec.SetHeuristic("teredo", env.TeredoHeuristic)
	if r.env.OpenInterface == nil {
		r.env.OpenInterface = func(name string) (Output, error) { return OpenInterface(name, InterfaceOptions{}) }
	}
	if r.env.Listen == nil {
		r.env.Listen = Listen
	}
	if r.env.Out == nil {
		r.env.Out = io.Discard
	}
	defer r.close()
	var sum ScriptSummary
	type frame struct{ loop, left int }
	var stack []frame
	if env.Interface != "" {
		if err := r.setInterface(env.Interface); err != nil {
			return sum, &ScriptError{Name: s.Name, Line: 0, Msg: err.Error(), Err: err}
		}
	}
	for pc := 0; pc < len(s.Steps); pc++ {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		st := &s.Steps[pc]
		sum.Steps++
		fail := func(err error) error { return &ScriptError{Name: s.Name, Line: st.Line, Msg: err.Error(), Err: err} }
		switch st.Op {
		case OpInterface:
			if r.out != nil {
				r.close()
			}
			if err := r.setInterface(st.Arg); err != nil {
				return sum, fail(err)
			}
		case OpOutput:
			if r.out != nil {
				r.close()
			}
			r.out = &lazyFile{path: r.path(st.Arg)}
		case OpOpen:
			r.capPath = r.path(st.Arg)
		case OpSelect:
			r.sel = st.Filter
		case OpRewrite:
			switch st.What {
			case "clear":
				r.src, r.dst, r.maps = nil, nil, nil
			case "src-mac":
				r.src = st.MAC
			case "dst-mac":
				r.dst = st.MAC
			case "map-ip":
				r.maps = append(r.maps, st.Map)
			}
		case OpRate:
			r.pacing = st.Pacing
		case OpSend:
			n, err := r.send(st)
			if err != nil {
				return sum, fail(err)
			}
			sum.Sends++
			sum.Packets += n
		case OpWait:
			select {
			case <-time.After(st.D):
			case <-ctx.Done():
				return sum, ctx.Err()
			}
			fmt.Fprintf(r.env.Out, "line %d: waited %v\n", st.Line, st.D)
		case OpLoop:
			stack = append(stack, frame{loop: pc, left: st.N})
		case OpEnd:
			top := &stack[len(stack)-1]
			if top.left--; top.left > 0 {
				pc = top.loop
			} else {
				stack = stack[:len(stack)-1]
			}
		case OpExpect, OpExpectNone:
			sum.Expects++
			if err := r.expect(st); err != nil {
				return sum, fail(err)
			}
		}
	}
	return sum, nil
}

func (r *scriptRun) path(name string) string {
	if filepath.IsAbs(name) || r.env.Dir == "" {
		return name
	}
	return filepath.Join(r.env.Dir, name)
}

func (r *scriptRun) setInterface(name string) error {
	out, err := r.env.OpenInterface(name)
	if err != nil {
		return err
	}
	// The capture is open from here on, before any send: an answer that
	// comes back at once is in the ring when expect looks.
	c, err := r.env.Listen(name)
	if err != nil {
		out.Close()
		return err
	}
	r.out, r.lis = out, newListener(name, c)
	r.since = time.Now()
	return nil
}

func (r *scriptRun) close() {
	if r.out != nil {
		r.out.Close()
		r.out = nil
	}
	if r.lis != nil {
		r.lis.Close()
		r.lis = nil
	}
}

func (r *scriptRun) send(st *Step) (int64, error) {
	rw := NewRewriter(r.src, r.dst, r.maps)
	// On an Ethernet interface, frames of other link types get an
	// Ethernet header (the interface's address as source, unless rewritten).
	if ifc, ok := r.out.(interface {
		LinkType() capture.LinkType
		HardwareAddr() net.HardwareAddr
	}); ok && ifc.LinkType() == capture.LinkEthernet {
		src := r.src
		if src == nil {
			src = ifc.HardwareAddr()
		}
		if len(src) != 6 {
			src = make(net.HardwareAddr, 6)
		}
		rw.Ethernet = &EthernetHeader{Dst: r.dst, Src: src}
	}
	fs, err := OpenFile(r.capPath, Selection{Filter: r.sel, Max: st.N}, rw, r.env.TeredoHeuristic, 0)
	if errors.Is(err, ErrNoDstMAC) {
		return 0, fmt.Errorf("%w; give the destination with a line before the send: rewrite dst-mac MAC", err)
	}
	if err != nil {
		return 0, err
	}
	defer fs.Close()
	if fs.Selected == 0 && fs.Err == nil {
		return 0, fmt.Errorf("no frame of %s is selected", filepath.Base(r.capPath))
	}
	// Frames already received are not answers to this send.
	r.drain()
	r.rx = r.rx[:0]
	r.since = time.Now()
	rep, err := Play(r.ctx, fs, r.out, Options{Pacing: r.pacing, Loops: 1})
	fmt.Fprintf(r.env.Out, "line %d: sent %d frame(s) of %s (%s) in %.6f s\n", st.Line, rep.Packets, filepath.Base(r.capPath), r.pacing, rep.Duration.Seconds())
	return rep.Packets, err
}

// drain moves what the listener received into r.rx.
func (r *scriptRun) drain() {
	if r.lis == nil {
		return
	}
	for {
		select {
		case f := <-r.lis.C:
			r.receive(f)
		default:
			return
		}
	}
}

// match returns the index in r.rx of the first frame matching f, or -1.
func (r *scriptRun) match(f *filter.Filter, from int) int {
	for i := from; i < len(r.rx); i++ {
		fr := capture.Frame{Number: i + 1, Time: r.rx[i].Time, LinkType: r.rx[i].LinkType, Data: r.rx[i].Data, CapLen: len(r.rx[i].Data), OrigLen: len(r.rx[i].Data)}
		r.dec.Decode(&fr, &r.pkt)
		if f.Match(&r.pkt.Tree) {
			return i
		}
	}
	return -1
}

func (r *scriptRun) describe() string {
	s := &r.pkt.Summary
	src, dst := s.Src.String(), s.Dst.String()
	if !s.Src.IsValid() {
		src, dst = net.HardwareAddr(s.SrcHW).String(), net.HardwareAddr(s.DstHW).String()
	}
	return src + " → " + dst + " " + s.Protocol + " " + string(s.Info)
}

// receive keeps f if it arrived after the last send.
func (r *scriptRun) receive(f Received) {
	if !f.Time.Before(r.since) {
		r.rx = append(r.rx, f)
	}
}

// expect waits for a frame matching st's filter. The listener's capture
// has been open since the interface line, so an answer that arrived while
// the last send was still going, or before expect started, is there. When
// the time is up, frames the kernel stamped before the deadline may still
// sit in the capture ring's open block: they are collected for a short
// grace period and count.
func (r *scriptRun) expect(st *Step) error {
	if r.lis == nil {
		return fmt.Errorf("%s: no interface to listen on; put an interface line before it", st.Arg)
	}
	deadline := time.NewTimer(st.D)
	defer deadline.Stop()
	end := time.Now().Add(st.D)
	var grace <-chan time.Time
	checked := 0
	for {
		r.drain()
		if i := r.match(st.Filter, checked); i >= 0 && (grace == nil || !r.rx[i].Time.After(end)) {
			if st.Op == OpExpectNone {
				return fmt.Errorf("%w: expect-none %s: a matching frame arrived %s after the last send: %s",
					ErrExpect, st.Arg, r.rx[i].Time.Sub(r.since).Round(time.Microsecond), r.describe())
			}
			fmt.Fprintf(r.env.Out, "line %d: expect %s: matched %s after the last send: %s\n",
				st.Line, st.Arg, r.rx[i].Time.Sub(r.since).Round(time.Microsecond), r.describe())
			r.rx = r.rx[i+1:] // the next expect looks after this frame
			return nil
		}
		checked = len(r.rx)
		if err := r.lis.ended(); err != nil && len(r.lis.C) == 0 {
			return err
		}
		select {
		case f := <-r.lis.C:
			r.receive(f)
		case <-deadline.C:
			grace = time.After(expectGrace)
		case <-grace:
			if st.Op == OpExpectNone {
				fmt.Fprintf(r.env.Out, "line %d: expect-none %s: nothing matched in %v\n", st.Line, st.Arg, st.D)
				return nil
			}
			return fmt.Errorf("%w: expect %s: nothing matched within %v (%s received since the last send, none matching%s)",
				ErrExpect, st.Arg, st.D, plural(len(r.rx), "frame"), r.droppedNote())
		case <-r.lis.done:
			// The capture ended: what it queued is read above, then ended
			// says why.
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
}

// droppedNote says how many received frames were lost, if any.
func (r *scriptRun) droppedNote() string {
	if n := r.lis.dropped.Load(); n > 0 {
		return fmt.Sprintf("; %s dropped because the queue of %d was full", plural(int(n), "frame"), listenQueue)
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// lazyFile is a script's output file, created at the first send with the
// link type of the frames sent.
type lazyFile struct {
	path string
	f    *FileOutput
}

func (l *lazyFile) Name() string { return "file " + l.path }
func (l *lazyFile) MTU() int     { return 0 }
func (l *lazyFile) Paced() bool  { return false }
func (l *lazyFile) Start(first time.Time) error {
	if l.f != nil {
		return l.f.Start(first)
	}
	return nil
}

func (l *lazyFile) Send(b []Packet) (int, error) {
	if l.f == nil {
		f, err := CreateFile(l.path, b[0].Frame.LinkType, "written by a v6scope replay script")
		if err != nil {
			return 0, err
		}
		l.f = f
		if len(b) > 0 {
			_ = f.Start(b[0].Frame.Time.Add(-b[0].Due))
		}
	}
	return l.f.Send(b)
}

func (l *lazyFile) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}
