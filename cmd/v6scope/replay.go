package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/spf13/cobra"
	andd "github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
	"github.com/v6scope/v6scope/replay"
)

// Exit codes of replay beyond the common ones (docs/cli.md).
const (
	exitSend   = 4 // sending failed: no such interface, down, no permission, oversize frame with --on-oversize stop
	exitExpect = 5 // replay --script: an expect was not met
)

type replayOptions struct {
	file, iface, out, script            string
	multiplier, pps, mbps               float64
	topspeed, dryRun, json, bypas, spin bool
	loops                               int
	loopDelay, duration                 time.Duration
	limit                               int64
	filter, session                     string
	protos                              []string
	srcMAC, dstMAC                      string
	maps                                []string
	stats                               int
	oversize                            string
	teredo                              bool
}

func newReplayCmd(e *env) *cobra.Command {
	o := &replayOptions{}
	cmd := &cobra.Command{
		Use:   "replay FILE (-i IFACE | -w OUT.pcapng) | replay --script FILE",
		Short: "Send the frames of a capture again, paced, selected and rewritten, and measure how it went",
		Long: `Replay a capture onto an interface (AF_PACKET; needs CAP_NET_RAW) or into a pcapng
file whose timestamps are the schedule. Pacing runs against absolute time: the
capture's own timing (optionally --multiplier), --pps, --mbps or --topspeed.
Frames can be selected (-Y, --proto, --session) and rewritten (--src-mac,
--dst-mac, --map-ip, inside tunnels too, checksums updated). The report gives
tcpreplay's Actual and Rated figures, the rate error against the target, gap
error percentiles and failures. --script runs a scenario that sends and
expects answers (docs/replay.md).`,
		Example: `  v6scope replay capture.pcapng -i veth0 --pps 1000
  v6scope replay capture.pcapng -w out.pcapng --multiplier 2 --loop 3
  v6scope replay capture.pcapng -i veth0 -Y 'icmpv6.type == 135' --map-ip 2001:db8:1::/64=2001:db8:2::/64
  v6scope replay --script docs/scripts/ns-na.v6s`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.file = args[0]
			}
			return e.replay(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.iface, "interface", "i", "", "send on this interface (nothing is sent on any other)")
	f.StringVarP(&o.out, "write", "w", "", "write a pcapng file stamped with the schedule instead of sending")
	f.StringVar(&o.script, "script", "", "run a replay script (docs/replay.md)")
	f.Float64Var(&o.multiplier, "multiplier", 0, "original timing, this many times faster (0.5: half speed)")
	f.Float64Var(&o.pps, "pps", 0, "send this many packets per second")
	f.Float64Var(&o.mbps, "mbps", 0, "send this many megabits per second (frame bytes as captured)")
	f.BoolVar(&o.topspeed, "topspeed", false, "send as fast as possible")
	f.IntVar(&o.loops, "loop", 1, "passes over the capture; 0 loops until --limit or --duration")
	f.DurationVar(&o.loopDelay, "loop-delay", 0, "pause between passes")
	f.Int64Var(&o.limit, "limit", 0, "stop after sending this many frames")
	f.DurationVar(&o.duration, "duration", 0, "stop after this long (frames due later are not sent)")
	f.StringVarP(&o.filter, "display-filter", "Y", "", "replay only the frames matching this display filter")
	f.StringVar(&o.session, "session", "", "replay only the frames of this analyze session id (v6scope analyze --json)")
	f.StringSliceVar(&o.protos, "proto", nil, "replay only frames of these protocols: "+strings.Join(protoNames(), ", "))
	f.StringVar(&o.srcMAC, "src-mac", "", "rewrite the Ethernet source address")
	f.StringVar(&o.dstMAC, "dst-mac", "", "rewrite the Ethernet destination address")
	f.StringArrayVar(&o.maps, "map-ip", nil, "rewrite addresses: OLD=NEW, addresses or prefixes, IPv4 or IPv6 (repeat it)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the schedule, send nothing")
	f.IntVar(&o.stats, "stats", 0, "print the counts every N seconds while sending")
	f.BoolVar(&o.json, "json", false, "write the report as JSON")
	f.StringVar(&o.oversize, "on-oversize", "skip", "a frame larger than the interface MTU: skip (count it, name the first) or stop")
	f.BoolVar(&o.spin, "spin", false, "spin through every gap even when other threads want the CPU, as tcpreplay does (by default a low-rate sender spins only while its CPU is free, then sleeps)")
	f.BoolVar(&o.bypas, "qdisc-bypass", false, "send with PACKET_QDISC_BYPASS (skip the kernel's queueing discipline)")
	f.BoolVar(&o.teredo, "teredo-heuristic", true, "find Teredo on any UDP port by its content (filters and rewriting)")
	return cmd
}

func protoNames() []string {
	var n []string
	for k := range replay.ProtoFilters {
		n = append(n, k)
	}
	sortStrings(n)
	return n
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (o *replayOptions) pacing(cmd *cobra.Command) (replay.Pacing, error) {
	n := 0
	p := replay.Pacing{Mode: replay.Original}
	for _, name := range []string{"multiplier", "pps", "mbps", "topspeed"} {
		if cmd.Flags().Changed(name) {
			n++
		}
	}
	if n > 1 {
		return p, usageErr("--multiplier, --pps, --mbps and --topspeed: choose one")
	}
	switch {
	case cmd.Flags().Changed("multiplier"):
		p.Multiplier = o.multiplier
		if !(o.multiplier > 0) {
			return p, usageErr("--multiplier %v: must be more than 0", o.multiplier)
		}
	case cmd.Flags().Changed("pps"):
		p = replay.Pacing{Mode: replay.PPS, Rate: o.pps}
	case cmd.Flags().Changed("mbps"):
		p = replay.Pacing{Mode: replay.Mbps, Rate: o.mbps}
	case o.topspeed:
		p = replay.Pacing{Mode: replay.Topspeed}
	}
	if err := p.Validate(); err != nil {
		return p, usageErr("--%v", err)
	}
	return p, nil
}

func (e *env) replay(cmd *cobra.Command, o *replayOptions) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.script != "" {
		return e.replayScript(ctx, o)
	}
	if o.file == "" {
		return usageErr("no capture file: v6scope replay FILE (-i IFACE | -w OUT.pcapng), or --script FILE")
	}
	if !o.dryRun && (o.iface == "") == (o.out == "") {
		return usageErr("say where frames go: -i IFACE (send on that interface) or -w OUT.pcapng (write a file), one of them")
	}
	pacing, err := o.pacing(cmd)
	if err != nil {
		return err
	}
	if o.loops < 0 || o.limit < 0 || o.duration < 0 || o.loopDelay < 0 || o.stats < 0 {
		return usageErr("--loop, --limit, --duration, --loop-delay and --stats cannot be negative")
	}
	if o.loops == 0 && o.limit == 0 && o.duration == 0 {
		return usageErr("--loop 0 (loop forever) needs --limit or --duration to end")
	}
	var over replay.Oversize
	switch o.oversize {
	case "skip":
	case "stop":
		over = replay.OversizeStop
	default:
		return usageErr("--on-oversize %q: skip or stop", o.oversize)
	}
	rw, err := o.rewriter()
	if err != nil {
		return err
	}
	sel, err := o.selection(e)
	if err != nil {
		return err
	}

	// The output first: an Ethernet interface makes frames of other link
	// types get an Ethernet header, with its address as the source.
	var (
		out replay.Output
		ifc *replay.Interface
	)
	switch {
	case o.dryRun || o.out != "":
		if rw.DstMAC != nil { // --dst-mac: frames without an Ethernet header get one
			rw.Ethernet = &replay.EthernetHeader{Dst: rw.DstMAC, Src: rw.SrcMAC}
		}
	default:
		ifc, err = replay.OpenInterface(o.iface, replay.InterfaceOptions{QdiscBypass: o.bypas})
		if err != nil {
			return &exitError{exitSend, err}
		}
		out = ifc
		if ifc.LinkType() == capture.LinkEthernet {
			src := rw.SrcMAC
			if src == nil {
				src = ifc.HardwareAddr()
			}
			if len(src) != 6 { // the loopback interface has none
				src = make(net.HardwareAddr, 6)
			}
			rw.Ethernet = &replay.EthernetHeader{Dst: rw.DstMAC, Src: src}
		}
	}
	frames, err := o.loadFrames(e, sel, rw)
	if err != nil {
		if ifc != nil {
			ifc.Close()
		}
		return err
	}
	defer frames.Close()
	if frames.Selected == 0 && frames.Err == nil {
		if ifc != nil {
			ifc.Close()
		}
		return &exitError{exitUsage, fmt.Errorf("%s: no frame selected (%d left out by the selection)", o.file, frames.Unmatched)}
	}
	switch {
	case o.dryRun:
		out = &dryRun{w: e.stdout}
	case o.out != "":
		lt, first := capture.LinkEthernet, 0
		for l, n := range frames.Links {
			if first == 0 || n < first {
				lt, first = l, n
			}
		}
		fo, err := replay.CreateFile(o.out, lt, "v6scope replay of "+filepath.Base(o.file))
		if err != nil {
			return &exitError{exitInput, fmt.Errorf("writing output: %w", err)}
		}
		out = fo
	default:
		for lt, n := range frames.Links {
			if lt != ifc.LinkType() {
				ifc.Close()
				return &exitError{exitUsage, fmt.Errorf("frame %d is of link type %s, but %s takes %s frames; select other frames (-Y) or convert the capture", n, lt, o.iface, ifc.LinkType())}
			}
		}
	}
	opts := replay.Options{Pacing: pacing, Loops: o.loops, LoopDelay: o.loopDelay, Limit: o.limit, Duration: o.duration,
		Oversize: over, Spin: o.spin, Warn: func(s string) { fmt.Fprintln(e.stderr, "v6scope: warning:", s) }}
	if o.stats > 0 {
		opts.Stats, opts.StatsOut = time.Duration(o.stats)*time.Second, e.stderr
	}
	rep, playErr := replay.Play(ctx, frames, out, opts)
	closeErr := out.Close()
	if o.json {
		if err := rep.WriteJSON(e.stdout); err != nil {
			return writeErr(err)
		}
	} else {
		w := e.stdout
		if o.dryRun {
			fmt.Fprintln(w)
		}
		if err := rep.WriteText(w); err != nil {
			return writeErr(err)
		}
	}
	switch {
	case playErr == nil && closeErr != nil:
		return &exitError{exitInput, fmt.Errorf("writing output: %w", closeErr)}
	case playErr == nil:
		return nil
	case frames.Err != nil && errors.Is(playErr, frames.Err):
		return &exitError{exitDamaged, fmt.Errorf("%w\n(the %d frames before the damage were replayed, once)", playErr, rep.Packets)}
	case errors.Is(playErr, context.Canceled):
		return &exitError{exitSend, errors.New("interrupted; the report above says what was sent")}
	}
	return &exitError{exitSend, playErr}
}

// loadFrames selects the frames of o.file: a file is streamed when the
// selection is large (replay.OpenFile), standard input is held in memory.
// A frame that cannot be put into an Ethernet frame stops it here, before
// anything is sent.
func (o *replayOptions) loadFrames(e *env, sel replay.Selection, rw *replay.Rewriter) (*replay.Frames, error) {
	var (
		frames *replay.Frames
		err    error
	)
	if o.file == "-" {
		r, oerr := e.openCapture(o.file)
		if oerr != nil {
			return nil, oerr
		}
		frames, err = replay.Load(r, o.file, sel, rw, o.teredo)
		r.Close()
	} else {
		frames, err = replay.OpenFile(o.file, sel, rw, o.teredo, 0)
	}
	switch {
	case err == nil:
		return frames, nil
	case errors.Is(err, replay.ErrNoDstMAC):
		where := "an Ethernet interface"
		if o.iface != "" {
			where = o.iface + ", an Ethernet interface"
		}
		return nil, usageErr("%s: %v: to send it on %s, give the Ethernet destination with --dst-mac MAC (the source is the interface's address unless --src-mac says otherwise)", o.file, err, where)
	case errors.Is(err, replay.ErrNoSrcMAC):
		return nil, usageErr("%s: %v: with --dst-mac and no interface, give the Ethernet source too with --src-mac MAC", o.file, err)
	case errors.Is(err, replay.ErrNotConvertible):
		return nil, usageErr("%s: %v", o.file, err)
	}
	return nil, &exitError{exitInput, err}
}

func (o *replayOptions) rewriter() (*replay.Rewriter, error) {
	var src, dst net.HardwareAddr
	var err error
	if o.srcMAC != "" {
		if src, err = net.ParseMAC(o.srcMAC); err != nil || len(src) != 6 {
			return nil, usageErr("--src-mac %q: not a MAC address (02:00:00:00:00:01)", o.srcMAC)
		}
	}
	if o.dstMAC != "" {
		if dst, err = net.ParseMAC(o.dstMAC); err != nil || len(dst) != 6 {
			return nil, usageErr("--dst-mac %q: not a MAC address (02:00:00:00:00:01)", o.dstMAC)
		}
	}
	var maps []replay.IPMap
	for _, s := range o.maps {
		m, err := replay.ParseIPMap(s)
		if err != nil {
			return nil, usageErr("--map-ip: %v", err)
		}
		maps = append(maps, m)
	}
	return replay.NewRewriter(src, dst, maps), nil
}

// selection compiles -Y and --proto into one filter and finds the frames
// of --session.
func (o *replayOptions) selection(e *env) (replay.Selection, error) {
	var sel replay.Selection
	var parts []string
	if strings.TrimSpace(o.filter) != "" {
		parts = append(parts, "("+o.filter+")")
	}
	if len(o.protos) > 0 {
		var alt []string
		for _, p := range o.protos {
			fx, ok := replay.ProtoFilters[strings.TrimSpace(p)]
			if !ok {
				return sel, usageErr("--proto %s: unknown; use %s", p, strings.Join(protoNames(), ", "))
			}
			alt = append(alt, "("+fx+")")
		}
		parts = append(parts, "("+strings.Join(alt, " or ")+")")
	}
	if len(parts) > 0 {
		fl, err := filter.Compile(strings.Join(parts, " and "), decode.NewSchema())
		if err != nil {
			var fe *filter.Error
			if errors.As(err, &fe) && len(parts) == 1 && o.filter != "" {
				fl, err = filter.Compile(o.filter, decode.NewSchema())
			}
			if err != nil {
				return sel, usageErr("-Y: %v", err)
			}
		}
		sel.Filter = fl
	}
	if o.session != "" {
		frames, err := e.sessionFrames(o)
		if err != nil {
			return sel, err
		}
		sel.Frames = frames
	}
	// The first pass sends the first selected frames first, so --limit N
	// never needs more than N of them: the file is read no further than
	// one more, which tells the report that the limit stopped the run.
	if o.limit > 0 {
		sel.Max = int(min(o.limit, math.MaxInt32-1)) + 1
	}
	return sel, nil
}

// sessionFrames runs the analysis engine over the capture and returns the
// frames that touched session o.session.
func (e *env) sessionFrames(o *replayOptions) (map[int]bool, error) {
	ao := &analyzeOptions{reachable: andd.DefaultReachableTime, retrans: andd.DefaultRetransTimer, delayFirstProbe: andd.DefaultDelayFirstProbe, teredo: o.teredo}
	for _, p := range analyzers {
		if _, err := newEngine(&analyzeOptions{protos: []string{p}}, nil); err == nil {
			ao.protos = append(ao.protos, p)
		}
	}
	eng, err := newEngine(ao, nil)
	if err != nil {
		return nil, err
	}
	eng.Annotate(true)
	r, err := e.openCapture(o.file)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := decode.New()
	d.SetHeuristic("teredo", o.teredo)
	var (
		f       capture.Frame
		decoded = make([]gopacket.LayerType, 0, 16)
		frames  = map[int]bool{}
	)
	for {
		if err := r.Next(&f); err != nil {
			if err == io.EOF {
				break
			}
			break // damage: Load reports it
		}
		_ = d.Fast(&f, &decoded)
		eng.Observe(&f, decoded, d)
		for _, m := range eng.Marks() {
			if m.Session == o.session {
				frames[f.Number] = true
			}
		}
	}
	eng.Finish()
	if len(frames) == 0 {
		return nil, usageErr("--session %q: no frame of %s belongs to it (v6scope analyze --json %s lists the sessions)", o.session, o.file, o.file)
	}
	return frames, nil
}

func (e *env) replayScript(ctx context.Context, o *replayOptions) error {
	if o.file != "" || o.out != "" {
		return usageErr("--script: the script opens its captures and says where frames go; give no FILE or -w")
	}
	f, err := os.Open(o.script)
	if err != nil {
		return &exitError{exitInput, err}
	}
	defer f.Close()
	s, err := replay.ParseScript(f, o.script, decode.NewSchema())
	if err != nil {
		return usageErr("%v", err)
	}
	sum, err := s.Run(ctx, replay.ScriptEnv{Dir: filepath.Dir(o.script), Out: e.stdout, Interface: o.iface, TeredoHeuristic: o.teredo})
	if err != nil {
		if errors.Is(err, replay.ErrExpect) {
			return &exitError{exitExpect, err}
		}
		return &exitError{exitSend, err}
	}
	fmt.Fprintf(e.stdout, "%s: passed: %d steps, %d sends (%d frames), %d expectations met\n", o.script, sum.Steps, sum.Sends, sum.Packets, sum.Expects)
	return nil
}

// dryRun prints the schedule instead of sending.
type dryRun struct {
	w     io.Writer
	first time.Time
}

func (d *dryRun) Name() string                { return "dry run (nothing sent)" }
func (d *dryRun) MTU() int                    { return 0 }
func (d *dryRun) Paced() bool                 { return false }
func (d *dryRun) Start(first time.Time) error { d.first = first; return nil }
func (d *dryRun) Close() error                { return nil }
func (d *dryRun) Send(b []replay.Packet) (int, error) {
	for i, p := range b {
		if _, err := fmt.Fprintf(d.w, "frame %d\tat +%.9f s\t%d bytes\n", p.Frame.Number, p.Due.Seconds(), len(p.Frame.Data)); err != nil {
			return i, err
		}
	}
	return len(b), nil
}
