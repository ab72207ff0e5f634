package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live"
	"github.com/v6scope/v6scope/decode"
)

// liveOptions are the flags every command that captures live shares.
type liveOptions struct {
	ifaces    []string
	capFilter string
	all       bool
	snapLen   int
	noPromisc bool
	bufferKiB int
	autostop  []string
}

func (lo *liveOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVarP(&lo.ifaces, "interface", "i", nil, "capture live on this interface (repeat for more); needs CAP_NET_RAW (docs/capture.md)")
	f.StringVarP(&lo.capFilter, "capture-filter", "f", "", "kernel capture filter in tcpdump syntax (pcap-filter(7)), instead of the built-in one")
	f.BoolVar(&lo.all, "all", false, "capture every frame: no kernel filter")
	f.IntVarP(&lo.snapLen, "snaplen", "s", live.DefaultSnapLen, "bytes kept of each frame")
	f.BoolVarP(&lo.noPromisc, "no-promisc", "p", false, "do not put the interfaces in promiscuous mode")
	f.IntVarP(&lo.bufferKiB, "buffer-size", "B", live.DefaultBufferSize>>10, "kernel ring size per interface, in KiB (as tcpdump -B)")
	f.StringArrayVarP(&lo.autostop, "autostop", "a", nil, "stop after duration:SEC seconds (as tshark -a)")
}

// autostopAfter parses -a duration:SEC.
func (lo *liveOptions) autostopAfter() (time.Duration, error) {
	var d time.Duration
	for _, a := range lo.autostop {
		k, v, ok := strings.Cut(a, ":")
		if !ok || k != "duration" {
			return 0, usageErr("-a %s: use duration:SEC (stop after SEC seconds)", a)
		}
		sec, err := strconv.ParseFloat(v, 64)
		if err != nil || sec <= 0 {
			return 0, usageErr("-a %s: SEC must be a positive number of seconds", a)
		}
		d = time.Duration(sec * float64(time.Second))
	}
	return d, nil
}

// open starts the live capture lo describes; errors carry exit codes.
func (lo *liveOptions) open() (*live.Capture, error) {
	o := live.Options{
		Interfaces:    lo.ifaces,
		SnapLen:       lo.snapLen,
		NoPromiscuous: lo.noPromisc,
		BufferSize:    lo.bufferKiB << 10,
	}
	if lo.snapLen <= 0 {
		return nil, usageErr("--snaplen %d: give a positive number of bytes", lo.snapLen)
	}
	if lo.bufferKiB <= 0 {
		return nil, usageErr("-B %d: give a positive size in KiB", lo.bufferKiB)
	}
	switch {
	case lo.capFilter != "" && lo.all:
		return nil, usageErr("-f and --all: give one")
	case lo.all:
		o.Filter = live.AllFrames
	case lo.capFilter != "":
		f, err := live.CompileFilter(lo.capFilter)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		o.Filter = f
	}
	c, err := live.Open(o)
	if err != nil {
		return nil, &exitError{exitInput, err}
	}
	return c, nil
}

// stopOn stops c on Ctrl-C, SIGTERM and the -a deadline; the returned
// function undoes it.
func stopOn(c *live.Capture, after time.Duration) func() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			c.Stop()
		case <-done:
		}
	}()
	var t *time.Timer
	if after > 0 {
		t = time.AfterFunc(after, c.Stop)
	}
	return func() {
		signal.Stop(sig)
		close(done)
		if t != nil {
			t.Stop()
		}
	}
}

type captureOptions struct {
	liveOptions
	read     readOptions // output flags, as read has them
	write    string
	quiet    bool
	interval time.Duration
}

func newCaptureCmd(e *env) *cobra.Command {
	o := &captureOptions{}
	cmd := &cobra.Command{
		Use:   "capture -i IFACE [-i IFACE]... [-w FILE.pcapng]",
		Short: "Capture live on network interfaces, as tshark -i does",
		Long: `Capture live on one or more interfaces (Linux packet sockets, no libpcap) and
print one line per packet as read does, or the field tree, JSON or fields.
-w writes every captured frame to a pcapng file, with each interface's name
and link type; several interfaces go into one file.

By default the kernel keeps only what v6scope decodes: ND, MLD and all ICMPv6
(also behind extension headers), Teredo, IKEv2 and UDP-encapsulated ESP,
Mobile IPv6, and 6in4/6to4/ISATAP tunnels. -f replaces that with a tcpdump
expression; --all keeps everything.

Ctrl-C, -c N or -a duration:SEC stop the capture; every frame captured by then
is printed and written. The kernel's drop counter is shown every few seconds
while frames are lost and at the end. Capturing needs CAP_NET_RAW: run as root
or grant it with
    sudo setcap cap_net_raw,cap_net_admin=eip $(which v6scope)
See docs/capture.md.`,
		Example: `  v6scope capture -i eth0
  v6scope capture -i eth0 -w nd.pcapng -a duration:60 -Y 'icmpv6.type == 134'
  v6scope capture -i eth0 -i wlan0 -q -w both.pcapng
  v6scope capture -i eth0 -f 'udp port 500 or udp port 4500' -V`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.ifaces) == 0 {
				return usageErr("no interface: give one with -i (ip link lists them)")
			}
			return e.capture(o)
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	r := &o.read
	f.StringVarP(&o.write, "write", "w", "", "write the captured frames to this pcapng file")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print no packets and no status lines, only the counts at the end")
	f.DurationVar(&o.interval, "status-interval", 5*time.Second, "how often the drop counter is shown while frames are lost")
	f.IntVarP(&r.count, "count", "c", 0, "stop after capturing this many packets (0: no limit)")
	f.BoolVarP(&r.verbose, "verbose", "V", false, "print the field tree of each packet")
	f.BoolVarP(&r.hex, "hex", "x", false, "print a hex and ASCII dump of each packet")
	f.StringVarP(&r.timeFmt, "time-format", "t", "r", "time column: r, a, ad, adoy, d, dd, e, u, ud, udoy (as tshark)")
	f.StringVarP(&r.filter, "display-filter", "Y", "", "print only packets that match this display filter; -w still writes all")
	f.StringVarP(&r.format, "output", "T", "text", "output format: text, json (NDJSON) or fields")
	f.StringArrayVarP(&r.fields, "field", "e", nil, "with -T fields, a field to print (repeat for more)")
	f.StringArrayVarP(&r.eopts, "fields-option", "E", nil, "with -T fields: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n")
	f.BoolVar(&r.explain, "explain", false, "with -V, explain every field with its RFC section")
	f.BoolVarP(&r.noNames, "no-resolve", "n", false, "accepted for tshark compatibility: v6scope never resolves names")
	f.BoolVar(&r.teredo, "teredo-heuristic", true, "find Teredo on any UDP port by its content")
	return cmd
}

func (e *env) capture(o *captureOptions) error {
	after, err := o.autostopAfter()
	if err != nil {
		return err
	}
	s, err := newSink(&o.read)
	if err != nil {
		return err
	}
	var (
		out *os.File
		pw  *capture.PcapngWriter
	)
	c, err := o.open()
	if err != nil {
		return err
	}
	defer c.Close()
	if o.write != "" {
		out, err = os.Create(o.write)
		if err != nil {
			return &exitError{exitInput, fmt.Errorf("-w: %w", err)}
		}
		defer out.Close()
		pw, err = capture.NewPcapngWriter(out, "", c.Interfaces())
		if err != nil {
			return &exitError{exitInput, fmt.Errorf("-w %s: %w", o.write, err)}
		}
	}
	fmt.Fprintf(e.stderr, "Capturing on %s\n", quoteList(o.ifaces))
	undo := stopOn(c, after)
	defer undo()
	stat := e.statusLines(c, o)
	loopErr := e.captureLoop(c, s, pw, o)
	stat()
	if pw != nil {
		if err := pw.Flush(); err != nil && loopErr == nil {
			loopErr = &exitError{exitInput, fmt.Errorf("-w %s: %w", o.write, err)}
		}
		if err := out.Close(); err != nil && loopErr == nil {
			loopErr = &exitError{exitInput, fmt.Errorf("-w %s: %w", o.write, err)}
		}
	}
	c.Close()
	st, _ := c.Stats()
	e.finalCounts(st)
	return loopErr
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}

// statusLines shows the counters on stderr every o.interval while the
// kernel drops frames; the returned function stops it.
func (e *env) statusLines(c *live.Capture, o *captureOptions) func() {
	if o.quiet || o.interval <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(o.interval)
		defer t.Stop()
		var shown uint64
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			st, err := c.Stats()
			if err != nil || st.Dropped == shown {
				continue
			}
			shown = st.Dropped
			fmt.Fprintf(e.stderr, "v6scope: %d captured, %d dropped by the kernel so far (the ring was full: see docs/capture.md)\n", st.Captured, st.Dropped)
		}
	}()
	return func() { close(done); wg.Wait() }
}

// finalCounts prints what tcpdump prints when it stops.
func (e *env) finalCounts(st live.Stats) {
	fmt.Fprintf(e.stderr, "%d packets captured\n%d packets received by filter\n%d packets dropped by kernel\n", st.Captured, st.Received, st.Dropped)
	if len(st.Interfaces) > 1 {
		for _, is := range st.Interfaces {
			fmt.Fprintf(e.stderr, "  %s: %d captured, %d received by filter, %d dropped by kernel\n", is.Name, is.Captured, is.Received, is.Dropped)
		}
	}
	if st.Dropped > 0 {
		fmt.Fprintf(e.stderr, "v6scope: the kernel dropped %d packets because v6scope did not read them in time; a larger -B, -q, or a narrower -f helps (docs/capture.md)\n", st.Dropped)
	}
}

// captureLoop reads frames until the capture stops or -c is reached,
// writing each to pw and printing it through read's sink. Output is
// flushed whenever no frame is waiting, so lines appear as packets do.
func (e *env) captureLoop(c *live.Capture, s *sink, pw *capture.PcapngWriter, o *captureOptions) error {
	w := bufio.NewWriterSize(e.stdout, 256<<10)
	d := decode.New()
	ro := &o.read
	if s.format == "fields" {
		d.NoSummary = true
		if s.filter == nil {
			d.KeepOnly(ro.fields)
		}
	}
	d.SetHeuristic("teredo", ro.teredo)
	ifs := c.Interfaces()
	d.InterfaceName = func(i int) string {
		if i < len(ifs) {
			return ifs[i].Name
		}
		return ""
	}
	s.clock.Digits = digits(time.Nanosecond)
	var (
		f     capture.Frame
		p     decode.Packet
		buf   []byte
		n     int
		print = !o.quiet
	)
	if print && s.fields != nil && s.fields.Header {
		buf = s.fields.AppendHeader(buf)
	}
	ann := newAnnotator(ro)
	flush := func() error {
		if len(buf) > 0 {
			if _, err := w.Write(buf); err != nil {
				return writeErr(err)
			}
			buf = buf[:0]
		}
		if err := w.Flush(); err != nil {
			return writeErr(err)
		}
		return nil
	}
	for ro.count == 0 || n < ro.count {
		if err := c.Next(&f); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return &exitError{exitInput, err}
		}
		n++
		if pw != nil {
			if err := pw.WriteFrame(&f); err != nil {
				return &exitError{exitInput, fmt.Errorf("-w %s: %w", o.write, err)}
			}
		}
		if print {
			d.Decode(&f, &p)
			ann.observe(&f, &p, d)
			if s.filter == nil || s.filter.Match(&p.Tree) {
				buf = s.append(buf, &p)
			}
		}
		if len(buf) > 64<<10 || !c.Ready() {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
