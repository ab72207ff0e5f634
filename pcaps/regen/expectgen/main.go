// Command expectgen writes NAME.expect.json for a capture made by a
// pcaps/regen script: frame counts and key frames come from tshark run on
// the capture, hosts and neighbor states from the facts directory the
// script filled from the live namespaces (`ip -j` output).
//
//	go run ./pcaps/regen/expectgen -pcap pcaps/x.pcapng -facts DIR -o pcaps/x.expect.json
//
// With -markdown it also prints the key frames as a Markdown table for
// pcaps/README.md. -scenario picks the count filters and key-frame kinds
// (default "nd-mld"; "teredo" for pcaps/regen/teredo-miredo.sh);
// "mixed" describes a merge of other captures from their own expect.json
// files (mixed.go).
//
// Facts directory layout (IFACE is eth0 unless "nodes" names another):
//
//	nodes               lines "NODE ROLE NETNS [IFACE]"
//	NODE.link.json      ip -j link show dev IFACE
//	NODE.addr.json      ip -j -6 addr show dev IFACE
//	NODE.neigh.json     ip -j -6 neigh show dev IFACE
//	NODE.route.json     ip -j -6 route show dev IFACE
//	NODE.mtu6           sysctl -n net.ipv6.conf.IFACE.mtu
//	NODE.snmp6          /proc/net/snmp6 in the node's namespace (dad-loopback)
//	nud                 lines "NODE TARGET STATE SOURCE", in time order
//	teredo              lines "NODE TEREDO-ADDRESS NAT LOCAL-IPV4 LOCAL-PORT STATE"
//	parts               -scenario mixed only: lines "NAME PCAP EXPECT"
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// scenario is what expectgen looks for in one kind of capture.
type scenario struct {
	// counts are the display filters whose match counts go into
	// "counts". Keep them to plain comparisons, &&, ! and CIDR matches so
	// v6scope's filter language can be checked against them.
	counts     []string
	categories []category
	// prefs are tshark preferences ("name:value") every query runs with.
	prefs []string
	// needs maps protocols the counts depend on to the issue that brings
	// their v6scope decoder (see expect.Expectation.Needs).
	needs map[string]string
	// extra fill in what only this scenario's facts hold, after the
	// counts, key frames, hosts and NUD traces.
	extra []func(e *expect.Expectation, facts string, g *gen) error
}

// scenarios by -scenario name.
var scenarios = map[string]scenario{
	"nd-mld": {counts: countFilters, categories: categories},
	"teredo": teredoScenario,
	"ikev2":  ikev2Scenario,
	// nd-trouble and mld-querier: ndmld.go.
	"nd-trouble":  ndTroubleScenario,
	"mld-querier": mldQuerierScenario,
	// dad-loopback: dad.go.
	"dad-loopback": dadLoopbackScenario,
}

// countFilters are the Neighbor Discovery and MLD scenario's counts.
var countFilters = []string{
	"eth",
	"ipv6",
	"icmpv6",
	"icmpv6.type==128",
	"icmpv6.type==129",
	"icmpv6.type==133",
	"icmpv6.type==134",
	"icmpv6.type==135",
	"icmpv6.type==136",
	"icmpv6.type==143",
	"icmpv6.type==135 && ipv6.src==::",
	"icmpv6.type==135 && ipv6.dst==ff02::1:ff00:0/104",
	"icmpv6.type==135 && !(ipv6.src==::) && ipv6.dst==ff02::1:ff00:0/104",
	"icmpv6.type==135 && !(ipv6.dst==ff00::/8)",
	"icmpv6.type==136 && icmpv6.nd.na.flag.s==1",
	"icmpv6.type==136 && icmpv6.nd.na.flag.r==1",
	"icmpv6.type==136 && icmpv6.nd.na.flag.o==1",
	"icmpv6.type==134 && icmpv6.nd.ra.router_lifetime==0",
	"icmpv6.type==134 && ipv6.dst==ff02::1",
	"icmpv6.opt.type==1",
	"icmpv6.opt.type==2",
	"icmpv6.opt.type==3",
	"icmpv6.opt.type==5",
	"icmpv6.opt.type==14",
	"icmpv6.opt.type==24",
	"icmpv6.opt.type==25",
	"icmpv6.opt.type==31",
	"ipv6.hopopts",
	"ipv6.opt.router_alert",
	"ipv6.hlim==255",
	"icmpv6.mldr.mar.record_type==3",
	"icmpv6.mldr.mar.record_type==4",
	"eth.dst==33:33:00:00:00:16",
}

type category struct {
	kind, filter string
	fields       []string
	describe     func(g *gen, f map[string]string) string
}

var mldRecordTypes = map[string]string{
	"1": "IS_IN", "2": "IS_EX", "3": "TO_IN", "4": "TO_EX", "5": "ALLOW", "6": "BLOCK",
}

// ndOptionNames names the ND option types (RFC 4861 4.6, 4191, 8106, 3971).
var ndOptionNames = map[string]string{
	"1": "SLLA", "2": "TLLA", "3": "PIO", "4": "Redirected", "5": "MTU",
	"14": "Nonce", "24": "RIO", "25": "RDNSS", "31": "DNSSL",
}

var categories = []category{
	{
		kind:   "dad_ns",
		filter: "icmpv6.type==135 && ipv6.src==::",
		fields: []string{"eth.src", "icmpv6.nd.ns.target_address", "icmpv6.opt.nonce"},
		describe: func(g *gen, f map[string]string) string {
			s := fmt.Sprintf("DAD NS from :: (%s) for %s", g.node(f["eth.src"]), f["icmpv6.nd.ns.target_address"])
			if n := f["icmpv6.opt.nonce"]; n != "" {
				s += ", Nonce " + n
			}
			return s
		},
	},
	{
		kind:   "mld_report",
		filter: "icmpv6.type==143",
		fields: []string{"eth.src", "ipv6.src", "ipv6.opt.router_alert", "icmpv6.mldr.mar.record_type", "icmpv6.mldr.mar.multicast_address"},
		describe: func(g *gen, f map[string]string) string {
			types := splitAgg(f["icmpv6.mldr.mar.record_type"])
			groups := splitAgg(f["icmpv6.mldr.mar.multicast_address"])
			var recs []string
			for i, grp := range groups {
				t := "?"
				if i < len(types) {
					t = mldRecordTypes[types[i]]
				}
				recs = append(recs, t+" "+grp)
			}
			s := fmt.Sprintf("MLDv2 report from %s (%s): %s", f["ipv6.src"], g.node(f["eth.src"]), strings.Join(recs, ", "))
			if f["ipv6.opt.router_alert"] != "" {
				s += "; Hop-by-Hop Router Alert"
			}
			return s
		},
	},
	{
		kind:   "rs",
		filter: "icmpv6.type==133",
		fields: []string{"eth.src", "ipv6.src", "icmpv6.opt.linkaddr"},
		describe: func(g *gen, f map[string]string) string {
			s := fmt.Sprintf("RS from %s (%s)", f["ipv6.src"], g.node(f["eth.src"]))
			if f["icmpv6.opt.linkaddr"] != "" {
				s += " with source link-layer " + f["icmpv6.opt.linkaddr"]
			}
			return s
		},
	},
	{
		kind:   "ra",
		filter: "icmpv6.type==134",
		fields: []string{"eth.src", "ipv6.src", "ipv6.dst", "icmpv6.nd.ra.router_lifetime", "icmpv6.opt.type", "icmpv6.opt.prefix", "icmpv6.opt.mtu"},
		describe: func(g *gen, f map[string]string) string {
			s := fmt.Sprintf("RA from %s (%s) to %s, router lifetime %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"], f["icmpv6.nd.ra.router_lifetime"])
			var opts []string
			for _, t := range splitAgg(f["icmpv6.opt.type"]) {
				opts = append(opts, ndOptionNames[t])
			}
			if len(opts) > 0 {
				s += ", options " + strings.Join(opts, " ")
			}
			if p := f["icmpv6.opt.prefix"]; p != "" {
				s += ", prefixes " + strings.ReplaceAll(p, ",", " ")
			}
			if m := f["icmpv6.opt.mtu"]; m != "" {
				s += ", MTU " + m
			}
			if f["ipv6.dst"] != "ff02::1" {
				s += " (solicited, unicast)"
			}
			if f["icmpv6.nd.ra.router_lifetime"] == "0" {
				s += " (router going away)"
			}
			return s
		},
	},
	{
		kind:   "resolution_ns",
		filter: "icmpv6.type==135 && !(ipv6.src==::) && ipv6.dst==ff02::1:ff00:0/104",
		fields: []string{"eth.src", "ipv6.src", "ipv6.dst", "icmpv6.nd.ns.target_address"},
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("address resolution NS from %s (%s) to %s for %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"], f["icmpv6.nd.ns.target_address"])
		},
	},
	{
		kind:   "nud_probe_ns",
		filter: "icmpv6.type==135 && !(ipv6.dst==ff00::/8)",
		fields: []string{"eth.src", "eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.nd.ns.target_address"},
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("unicast NS (NUD probe) from %s (%s) to %s (%s) for %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"], g.node(f["eth.dst"]), f["icmpv6.nd.ns.target_address"])
		},
	},
	{
		kind:   "solicited_na",
		filter: "icmpv6.type==136 && icmpv6.nd.na.flag.s==1",
		fields: []string{"eth.src", "ipv6.src", "ipv6.dst", "icmpv6.nd.na.target_address", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o"},
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("solicited NA from %s (%s) to %s for %s, flags %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"], f["icmpv6.nd.na.target_address"], naFlags(f))
		},
	},
	{
		kind:   "unsolicited_na",
		filter: "icmpv6.type==136 && icmpv6.nd.na.flag.s==0",
		fields: []string{"eth.src", "ipv6.src", "ipv6.dst", "icmpv6.nd.na.target_address", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o"},
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("unsolicited NA from %s (%s) to %s for %s, flags %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"], f["icmpv6.nd.na.target_address"], naFlags(f))
		},
	},
	{
		kind:   "echo_request",
		filter: "icmpv6.type==128",
		fields: []string{"eth.src", "ipv6.src", "ipv6.dst"},
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("echo request %s (%s) -> %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"])
		},
	},
	{
		kind:   "echo_reply",
		filter: "icmpv6.type==129",
		fields: []string{"eth.src", "ipv6.src", "ipv6.dst"},
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("echo reply %s (%s) -> %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"])
		},
	},
}

func naFlags(f map[string]string) string {
	s := "S"
	if f["icmpv6.nd.na.flag.s"] == "0" {
		s = ""
	}
	if f["icmpv6.nd.na.flag.r"] == "1" {
		s = "R" + s
	}
	if f["icmpv6.nd.na.flag.o"] == "1" {
		s += "O"
	}
	if s == "" {
		return "none"
	}
	return s
}

func splitAgg(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

type gen struct {
	ctx   context.Context
	pcap  string
	prefs []string
	macs  map[string]string // MAC -> node
	names map[string]string // address -> "node (address)", from facts/names
}

func (g *gen) node(mac string) string {
	if n, ok := g.macs[strings.ToLower(mac)]; ok {
		return n
	}
	if strings.HasPrefix(mac, "33:33:") {
		return "multicast"
	}
	return mac
}

// tshark runs tshark on the capture and returns its stdout.
func (g *gen) tshark(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(g.ctx, 60*time.Second)
	defer cancel()
	full := []string{"-r", g.pcap}
	for _, p := range g.prefs {
		full = append(full, "-o", p)
	}
	cmd := exec.CommandContext(ctx, "tshark", append(full, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tshark %s: %w: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// rows runs a display filter and returns one map per matching frame,
// keyed by field name ("frame.number" always included).
func (g *gen) rows(filter string, fields ...string) ([]map[string]string, error) {
	fields = append([]string{"frame.number"}, fields...)
	args := []string{"-Y", filter, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := g.tshark(args...)
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		m := map[string]string{}
		for i, f := range fields {
			if i < len(cols) {
				m[f] = cols[i]
			}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

func (g *gen) count(filter string) (int, error) {
	r, err := g.rows(filter)
	return len(r), err
}

func main() {
	pcap := flag.String("pcap", "", "capture to describe")
	facts := flag.String("facts", "", "facts directory written by the regen script")
	out := flag.String("o", "", "expect.json to write")
	generator := flag.String("generator", "", "script that made the capture (recorded in the file)")
	markdown := flag.Bool("markdown", false, "also print the key frames as a Markdown table on stdout")
	scen := flag.String("scenario", "nd-mld", "count filters and key-frame kinds to use: nd-mld, teredo, ikev2, mipv6, tunnels, nd-trouble, mld-querier, dad-loopback; mixed merges the expect.json files of the parts listed in FACTS/parts")
	flag.Parse()
	sc, ok := scenarios[*scen]
	if *pcap == "" || *facts == "" || *out == "" || !(ok || *scen == mixedScenario) {
		flag.Usage()
		os.Exit(2)
	}
	var (
		e   *expect.Expectation
		err error
	)
	if *scen == mixedScenario {
		e, err = buildMixed(*pcap, *facts, *generator)
	} else {
		e, err = build(*pcap, *facts, *generator, sc)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "expectgen:", err)
		os.Exit(1)
	}
	if err := e.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "expectgen:", err)
		os.Exit(1)
	}
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "expectgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "expectgen:", err)
		os.Exit(1)
	}
	if *markdown {
		printMarkdown(e)
	}
}

func build(pcap, facts, generator string, sc scenario) (*expect.Expectation, error) {
	g := &gen{ctx: context.Background(), pcap: pcap, prefs: sc.prefs, macs: map[string]string{}}
	e := &expect.Expectation{
		File:        filepath.Base(pcap),
		Generator:   generator,
		Counts:      map[string]int{},
		TsharkPrefs: sc.prefs,
		Needs:       sc.needs,
	}

	describeCapture(e, pcap)

	if err := readHosts(e, facts, g); err != nil {
		return nil, err
	}
	if err := readNames(g, facts); err != nil {
		return nil, err
	}

	all, err := g.rows("frame", "frame.interface_name")
	if err != nil {
		return nil, err
	}
	e.Frames = len(all)
	seen := map[string]bool{}
	for _, r := range all {
		if n := r["frame.interface_name"]; n != "" && !seen[n] {
			seen[n] = true
			e.Interfaces = append(e.Interfaces, n)
		}
	}

	// tshark takes a while to start; run the queries a few at a time.
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
		sem   = make(chan struct{}, 4)
	)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := f(); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range sc.counts {
		run(func() error {
			n, err := g.count(f)
			mu.Lock()
			e.Counts[f] = n
			mu.Unlock()
			return err
		})
	}
	for _, c := range sc.categories {
		run(func() error {
			rows, err := g.rows(c.filter, c.fields...)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range rows {
				n, _ := strconv.Atoi(r["frame.number"])
				e.KeyFrames = append(e.KeyFrames, expect.KeyFrame{Frame: n, Kind: c.kind, What: c.describe(g, r), Filter: c.filter})
			}
			return nil
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	// Frame order; within a frame, the order of categories.
	rank := map[string]int{}
	for i, c := range sc.categories {
		rank[c.kind] = i
	}
	sort.Slice(e.KeyFrames, func(i, j int) bool {
		a, b := e.KeyFrames[i], e.KeyFrames[j]
		if a.Frame != b.Frame {
			return a.Frame < b.Frame
		}
		return rank[a.Kind] < rank[b.Kind]
	})

	if err := readNUD(e, facts, g); err != nil {
		return nil, err
	}
	for _, f := range sc.extra {
		if err := f(e, facts, g); err != nil {
			return nil, err
		}
	}
	if err := readTeredo(e, facts, g); err != nil {
		return nil, err
	}
	if err := readIKE(e, facts, g); err != nil {
		return nil, err
	}
	return e, nil
}

// describeCapture fills in the tshark version, the kernel and the
// capture comment.
func describeCapture(e *expect.Expectation, pcap string) {
	if v, err := exec.Command("tshark", "--version").Output(); err == nil {
		if f := strings.Fields(string(v)); len(f) >= 3 {
			e.Tshark = f[2]
		}
	}
	if v, err := exec.Command("uname", "-r").Output(); err == nil {
		e.Kernel = strings.TrimSpace(string(v))
	}
	if v, err := exec.Command("capinfos", "-k", pcap).Output(); err == nil {
		for _, line := range strings.Split(string(v), "\n") {
			if c, ok := strings.CutPrefix(line, "Capture comment:"); ok {
				e.Description = strings.TrimSpace(c)
			}
		}
	}
}

type ipLink struct {
	Address string `json:"address"`
}

type ipAddr struct {
	AddrInfo []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		PrefixLen int    `json:"prefixlen"`
		Scope     string `json:"scope"`
		Dynamic   bool   `json:"dynamic"`
		Tentative bool   `json:"tentative"`
	} `json:"addr_info"`
}

type ipNeigh struct {
	Dst    string          `json:"dst"`
	LLAddr string          `json:"lladdr"`
	Router json.RawMessage `json:"router"`
	State  []string        `json:"state"`
}

type ipRoute struct {
	Dst      string `json:"dst"`
	Gateway  string `json:"gateway"`
	Protocol string `json:"protocol"`
	Metric   int    `json:"metric"`
	Pref     string `json:"pref"`
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readHosts(e *expect.Expectation, facts string, g *gen) error {
	f, err := os.Open(filepath.Join(facts, "nodes"))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 {
			continue
		}
		node, role := fs[0], fs[1]
		ifname := "eth0"
		if len(fs) >= 4 {
			ifname = fs[3]
		}
		h := expect.Host{Node: node, Role: role, Interface: ifname}

		var links []ipLink
		if err := readJSON(filepath.Join(facts, node+".link.json"), &links); err != nil {
			return err
		}
		if len(links) > 0 {
			h.MAC = strings.ToLower(links[0].Address)
			g.macs[h.MAC] = node
		}
		if b, err := os.ReadFile(filepath.Join(facts, node+".mtu6")); err == nil {
			h.MTU6, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}

		var addrs []ipAddr
		if err := readJSON(filepath.Join(facts, node+".addr.json"), &addrs); err != nil {
			return err
		}
		for _, a := range addrs {
			for _, ai := range a.AddrInfo {
				if ai.Family != "inet6" {
					continue
				}
				p, err := netip.ParsePrefix(fmt.Sprintf("%s/%d", ai.Local, ai.PrefixLen))
				if err != nil {
					return fmt.Errorf("%s: %w", node, err)
				}
				origin := "static"
				switch {
				case ai.Scope == "link":
					origin = "link-local"
				case teredoPrefix.Contains(p.Addr()):
					origin = "teredo"
				case ai.Dynamic:
					origin = "slaac"
				}
				h.Addresses = append(h.Addresses, expect.Address{Prefix: p, Scope: ai.Scope, Origin: origin})
			}
		}

		var routes []ipRoute
		if err := readJSON(filepath.Join(facts, node+".route.json"), &routes); err != nil {
			return err
		}
		for _, r := range routes {
			s := r.Dst
			if r.Gateway != "" {
				s += " via " + r.Gateway
			}
			if r.Protocol != "" {
				s += " proto " + r.Protocol
			}
			if r.Pref != "" {
				s += " pref " + r.Pref
			}
			h.Routes = append(h.Routes, s)
		}
		e.Hosts = append(e.Hosts, h)

		var neighs []ipNeigh
		if err := readJSON(filepath.Join(facts, node+".neigh.json"), &neighs); err != nil {
			return err
		}
		for _, n := range neighs {
			t, err := netip.ParseAddr(n.Dst)
			if err != nil {
				return fmt.Errorf("%s: neighbor %q: %w", node, n.Dst, err)
			}
			st := ""
			if len(n.State) > 0 {
				st = n.State[0]
			}
			e.Neighbors = append(e.Neighbors, expect.Neighbor{
				Node: node, Interface: ifname, Target: t, LLAddr: n.LLAddr,
				Router: n.Router != nil, FinalState: st,
			})
		}
	}
	return sc.Err()
}

// readNUD turns the script's "NODE TARGET STATE SOURCE" lines into
// traces and finds the probe frames: unicast NS from NODE for TARGET and
// the solicited NA that answers each.
func readNUD(e *expect.Expectation, facts string, g *gen) error {
	f, err := os.Open(filepath.Join(facts, "nud"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	idx := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 3 {
			continue
		}
		key := fs[0] + " " + fs[1]
		i, ok := idx[key]
		if !ok {
			t, err := netip.ParseAddr(fs[1])
			if err != nil {
				return err
			}
			e.NUD = append(e.NUD, expect.NUDTrace{Node: fs[0], Target: t})
			i = len(e.NUD) - 1
			idx[key] = i
		}
		tr := &e.NUD[i]
		if n := len(tr.States); n == 0 || tr.States[n-1] != fs[2] {
			tr.States = append(tr.States, fs[2])
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for i := range e.NUD {
		tr := &e.NUD[i]
		var mac string
		for m, n := range g.macs {
			if n == tr.Node {
				mac = m
			}
		}
		if mac == "" {
			continue
		}
		probes, err := g.rows(fmt.Sprintf("icmpv6.type==135 && !(ipv6.dst==ff00::/8) && eth.src==%s && icmpv6.nd.ns.target_address==%s", mac, tr.Target))
		if err != nil {
			return err
		}
		answers, err := g.rows(fmt.Sprintf("icmpv6.type==136 && icmpv6.nd.na.flag.s==1 && eth.dst==%s && icmpv6.nd.na.target_address==%s", mac, tr.Target))
		if err != nil {
			return err
		}
		for _, p := range probes {
			pn, _ := strconv.Atoi(p["frame.number"])
			tr.Frames = append(tr.Frames, pn)
			for _, a := range answers {
				if an, _ := strconv.Atoi(a["frame.number"]); an > pn {
					tr.Frames = append(tr.Frames, an)
					break
				}
			}
		}
	}
	return nil
}

func printMarkdown(e *expect.Expectation) {
	fmt.Println("| frame | kind | what |")
	fmt.Println("| ---: | --- | --- |")
	for _, k := range e.KeyFrames {
		fmt.Printf("| %d | %s | %s |\n", k.Frame, k.Kind, k.What)
	}
}
