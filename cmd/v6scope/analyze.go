package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/spf13/cobra"
	"github.com/v6scope/v6scope/analyze"
	andd "github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

type analyzeOptions struct {
	file            string
	json            bool
	protos          []string
	routers         []string
	prefixes        []string
	reachable       time.Duration
	nodeReachable   []string
	retrans         time.Duration
	delayFirstProbe time.Duration
	dadTransmits    int
	maxSessions     int
	teredo          bool
	ikeKeys         string      // --ikev2-keys (analyze_ikev2.go)
	live            liveOptions // -i: analyze a live capture (analyze_live.go)
}

// analyzers lists the protocols analyze knows, in report order.
var analyzers = []string{"nd", "mld", "teredo", "mip6", "ikev2"}

func newAnalyzeCmd(e *env) *cobra.Command {
	o := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze FILE",
		Short: "Rebuild each protocol's state machines from a capture and report transitions and anomalies",
		Long: `Feed a capture through the analysis engine: every node's neighbor cache, DAD of
every address, the routers and prefixes advertised (Neighbor Discovery), the
multicast listeners and the querier (MLD), each transition with the packet that
caused it, and the anomalies that break the protocol or smell of an attack.

The report lists, per protocol, the sessions with their final state, how many
of each transition happened, the anomalies by severity, and what the capture
could not show. --json writes NDJSON records instead (docs/json.md). Timers run
on a virtual clock driven by the packets' timestamps (docs/analyze.md).`,
		Example: `  v6scope analyze pcaps/nd-trouble.pcapng
  v6scope analyze --json --proto nd capture.pcapng | jq 'select(.type=="anomaly")'
  v6scope analyze --routers fe80::1 --reachable-time 2.5s capture.pcapng`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.file = args[0]
			}
			if len(o.live.ifaces) > 0 {
				if o.file != "" {
					return usageErr("a capture file and -i given: analyze one or the other")
				}
				return e.analyzeLive(o)
			}
			if o.file == "" {
				return usageErr("no capture file: give one as an argument (use - for standard input), or -i IFACE to analyze live")
			}
			return e.analyze(o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "write NDJSON records (transition, anomaly, session, summary) instead of the report")
	f.StringSliceVar(&o.protos, "proto", analyzers, "protocols to analyze, comma-separated: "+strings.Join(analyzers, ", "))
	f.StringSliceVar(&o.routers, "routers", nil, "the routers allowed on the link (link-local addresses, comma-separated); an RA from any other is a rogue router")
	f.StringSliceVar(&o.prefixes, "prefixes", nil, "the prefixes routers may advertise (comma-separated); others are reported")
	f.DurationVar(&o.reachable, "reachable-time", andd.DefaultReachableTime, "the nodes' BaseReachableTime when no RA advertises one (RFC 4861 §6.3.2)")
	f.StringArrayVar(&o.nodeReachable, "node-reachable-time", nil, "MAC=DURATION: one node's BaseReachableTime, overriding --reachable-time (repeat for more)")
	f.DurationVar(&o.retrans, "retrans-timer", andd.DefaultRetransTimer, "the nodes' RetransTimer when no RA advertises one (RFC 4861 §6.3.2)")
	f.IntVar(&o.dadTransmits, "dad-transmits", andd.DefaultDADTransmits, "the nodes' DupAddrDetectTransmits, DAD probes per address (RFC 4862 §5.1; Linux: dad_transmits), assumed until a node's completed DAD shows its own count")
	f.DurationVar(&o.delayFirstProbe, "delay-first-probe", andd.DefaultDelayFirstProbe, "DELAY_FIRST_PROBE_TIME (RFC 4861 §10; Linux: delay_first_probe_time)")
	f.IntVar(&o.maxSessions, "max-sessions", 0, "cap on each session table (0: the defaults, docs/analyze.md); the least recently used are evicted and counted")
	f.BoolVar(&o.teredo, "teredo-heuristic", true, "find Teredo on any UDP port by its content")
	f.StringVar(&o.ikeKeys, "ikev2-keys", "", "decrypt IKEv2 with the keys in FILE (Wireshark's ikev2_decryption_table or tcpdump's secrets, docs/ikev2.md): the IKEv2 analysis then reads what it would otherwise infer")
	o.live.addFlags(cmd)
	return cmd
}

// newEngine builds an engine with the trackers o selects.
func newEngine(o *analyzeOptions, sink analyze.Sink) (*analyze.Engine, error) {
	e := analyze.New(sink)
	if o.dadTransmits < 0 || o.dadTransmits > andd.MaxDADTransmits {
		return nil, usageErr("--dad-transmits %d: give the number of DAD probes a node sends per address, 1 to %d (0: the default, %d)", o.dadTransmits, andd.MaxDADTransmits, andd.DefaultDADTransmits)
	}
	ndCfg := andd.Config{ReachableTime: o.reachable, RetransTimer: o.retrans, DelayFirstProbe: o.delayFirstProbe, DADTransmits: o.dadTransmits,
		MaxNeighbors: o.maxSessions, MaxAddresses: o.maxSessions, MaxRouters: o.maxSessions, MaxNodes: o.maxSessions}
	for _, r := range o.routers {
		a, err := netip.ParseAddr(strings.TrimSpace(r))
		if err != nil {
			return nil, usageErr("--routers %q: not an IPv6 address", r)
		}
		ndCfg.Routers = append(ndCfg.Routers, a)
	}
	for _, p := range o.prefixes {
		pfx, err := netip.ParsePrefix(strings.TrimSpace(p))
		if err != nil {
			return nil, usageErr("--prefixes %q: not a prefix (2001:db8::/64)", p)
		}
		ndCfg.Prefixes = append(ndCfg.Prefixes, pfx.Masked())
	}
	for _, nr := range o.nodeReachable {
		mac, dur, ok := strings.Cut(nr, "=")
		hw, err := net.ParseMAC(strings.TrimSpace(mac))
		d, derr := time.ParseDuration(strings.TrimSpace(dur))
		if !ok || err != nil || derr != nil || len(hw) != 6 || d <= 0 {
			return nil, usageErr("--node-reachable-time %q: give MAC=DURATION, e.g. 02:76:36:00:00:01=30s", nr)
		}
		if ndCfg.NodeReachableTime == nil {
			ndCfg.NodeReachableTime = map[analyze.MAC]time.Duration{}
		}
		ndCfg.NodeReachableTime[analyze.MAC(hw)] = d
	}
	seen := map[string]bool{}
	for _, p := range o.protos {
		p = strings.TrimSpace(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		t, err := newTracker(p, e, o, ndCfg)
		if err != nil {
			return nil, err
		}
		e.Add(t)
	}
	return e, nil
}

func (e *env) analyze(o *analyzeOptions) error {
	var (
		sink   analyze.Sink
		jw     *analyze.JSONWriter
		report *analyze.Report
	)
	if o.json {
		jw = analyze.NewJSONWriter(e.stdout)
		sink = jw
	} else {
		report = analyze.NewReport()
		sink = report
	}
	eng, err := newEngine(o, sink)
	if err != nil {
		return err
	}
	r, err := e.openCapture(o.file)
	if err != nil {
		return err
	}
	defer r.Close()
	d := decode.New()
	d.SetHeuristic("teredo", o.teredo)
	if err := useIKEv2Keys(d, o.ikeKeys); err != nil {
		return err
	}
	var (
		f       capture.Frame
		decoded = make([]gopacket.LayerType, 0, 16)
		readErr error
	)
	for {
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
		_ = d.Fast(&f, &decoded) // what cannot be decoded is simply not analyzed
		eng.Observe(&f, decoded, d)
	}
	st := eng.Finish()
	if jw != nil {
		jw.Summary(st)
		if err := jw.Flush(); err != nil {
			return writeErr(err)
		}
	} else if err := report.Write(e.stdout, st); err != nil {
		return writeErr(err)
	}
	if readErr != nil {
		var te *capture.TruncatedError
		if errors.As(readErr, &te) {
			return &exitError{exitDamaged, fmt.Errorf("%w\n(every complete frame before it was analyzed)", readErr)}
		}
		return &exitError{exitDamaged, fmt.Errorf("%w (after %d good frames)", readErr, st.Packets)}
	}
	return nil
}
