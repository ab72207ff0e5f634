package main

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// The nd-trouble and mld-querier scenarios (pcaps/regen/nd-trouble.sh,
// pcaps/regen/mld-querier.sh). Both scripts may also write facts/counts:
// extra display filters, one a line, counted like the scenario's own.

// Filters for MLD queries (RFC 3810 §5.1.10): a General Query has the
// unspecified Multicast Address; a Multicast Address Specific Query names
// a group and no sources; a Multicast Address and Source Specific Query
// names both.
const (
	fMLDQuery         = "icmpv6.type==130"
	fMLDGeneralQuery  = "icmpv6.type==130 && icmpv6.mld.multicast_address==::"
	fMLDGroupQuery    = "icmpv6.type==130 && !(icmpv6.mld.multicast_address==::) && icmpv6.mld.nb_sources==0"
	fMLDGroupSrcQuery = "icmpv6.type==130 && !(icmpv6.mld.nb_sources==0)"
)

var redirectCategory = category{
	kind:   "redirect",
	filter: "icmpv6.type==137",
	fields: []string{"eth.src", "eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.nd.rd.target_address", "icmpv6.rd.na.destination_address"},
	describe: func(g *gen, f map[string]string) string {
		// The invoking packet's addresses follow the Redirect's own in
		// the aggregated columns: keep the first of each.
		first := func(s string) string { return strings.Split(s, ",")[0] }
		return fmt.Sprintf("Redirect from %s (%s) to %s (%s): destination %s, better first hop %s",
			first(f["ipv6.src"]), g.node(f["eth.src"]), first(f["ipv6.dst"]), g.node(f["eth.dst"]),
			f["icmpv6.rd.na.destination_address"], f["icmpv6.nd.rd.target_address"])
	},
}

var ndTroubleScenario = scenario{
	counts: append(append([]string{}, countFilters...),
		"icmpv6.type==137",
		"icmpv6.opt.type==4",
		"icmpv6.type==136 && icmpv6.nd.na.flag.s==0",
		"icmpv6.type==136 && icmpv6.nd.na.flag.r==1 && icmpv6.nd.na.flag.s==0",
		"icmpv6.type==134 && !(icmpv6.nd.ra.router_lifetime==0)",
	),
	categories: append(append([]category{}, categories...), redirectCategory),
	extra:      []func(*expect.Expectation, string, *gen) error{readExtraCounts, readAddrStates, readRouteCache},
}

func mldQueryDescribe(kind string) func(g *gen, f map[string]string) string {
	return func(g *gen, f map[string]string) string {
		s := fmt.Sprintf("MLDv%s %s from %s (%s) to %s", mldVersion(f), kind, f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"])
		if a := f["icmpv6.mld.multicast_address"]; a != "::" {
			s += " for " + a
		}
		if src := f["icmpv6.mld.source_address"]; src != "" {
			s += " sources " + strings.ReplaceAll(src, ",", " ")
		}
		s += ", Maximum Response Code " + f["icmpv6.mld.maximum_response_code"]
		if f["icmpv6.mld.flag.s"] == "1" {
			s += ", S flag (suppress router-side processing)"
		}
		return s
	}
}

// mldVersion tells an MLDv2 query (it has a QQIC) from an MLDv1 one.
func mldVersion(f map[string]string) string {
	if f["icmpv6.mld.qqi"] != "" {
		return "2"
	}
	return "1"
}

var mldQueryFields = []string{"eth.src", "ipv6.src", "ipv6.dst", "icmpv6.mld.multicast_address", "icmpv6.mld.source_address", "icmpv6.mld.maximum_response_code", "icmpv6.mld.flag.s", "icmpv6.mld.qqi"}

var mldQuerierScenario = scenario{
	counts: []string{
		"eth", "ipv6", "icmpv6",
		"icmpv6.type==133",
		"icmpv6.type==135",
		"icmpv6.type==135 && ipv6.src==::",
		fMLDQuery,
		fMLDGeneralQuery,
		fMLDGroupQuery,
		fMLDGroupSrcQuery,
		"icmpv6.type==130 && icmpv6.mld.flag.s==1",
		"icmpv6.type==131",
		"icmpv6.type==132",
		"icmpv6.type==143",
		"icmpv6.type==143 && ipv6.src==::",
		"icmpv6.mldr.mar.record_type==1",
		"icmpv6.mldr.mar.record_type==2",
		"icmpv6.mldr.mar.record_type==3",
		"icmpv6.mldr.mar.record_type==4",
		"icmpv6.mldr.mar.record_type==5",
		"icmpv6.mldr.mar.record_type==6",
		"icmpv6.mldr.mar.nb_sources==0",
		"icmpv6.mldr.mar.source_address",
		"icmpv6.mld.source_address",
		"icmpv6.mld.maximum_response_code==1000",
		"icmpv6.mld.maximum_response_code==500",
		"ipv6.opt.router_alert",
		"ipv6.hlim==1",
		"eth.dst==33:33:00:00:00:16",
		"ipv6.dst==ff02::2",
	},
	categories: []category{
		{kind: "mld_general_query", filter: fMLDGeneralQuery, fields: mldQueryFields, describe: mldQueryDescribe("General Query")},
		{kind: "mld_group_query", filter: fMLDGroupQuery, fields: mldQueryFields, describe: mldQueryDescribe("Multicast Address Specific Query")},
		{kind: "mld_group_source_query", filter: fMLDGroupSrcQuery, fields: mldQueryFields, describe: mldQueryDescribe("Multicast Address and Source Specific Query")},
		mldReportCategory,
		{
			kind:   "mldv1_report",
			filter: "icmpv6.type==131",
			fields: []string{"eth.src", "ipv6.src", "icmpv6.mld.multicast_address"},
			describe: func(g *gen, f map[string]string) string {
				return fmt.Sprintf("MLDv1 Report from %s (%s) for %s", f["ipv6.src"], g.node(f["eth.src"]), f["icmpv6.mld.multicast_address"])
			},
		},
		{
			kind:   "mldv1_done",
			filter: "icmpv6.type==132",
			fields: []string{"eth.src", "ipv6.src", "ipv6.dst", "icmpv6.mld.multicast_address"},
			describe: func(g *gen, f map[string]string) string {
				return fmt.Sprintf("MLDv1 Done from %s (%s) to %s for %s", f["ipv6.src"], g.node(f["eth.src"]), f["ipv6.dst"], f["icmpv6.mld.multicast_address"])
			},
		},
	},
	extra: []func(*expect.Expectation, string, *gen) error{readExtraCounts, readMLD},
}

// mldReportCategory is the MLDv2 report kind of the ND/MLD scenario,
// described with each record's sources.
var mldReportCategory = category{
	kind:   "mld_report",
	filter: "icmpv6.type==143",
	fields: []string{"eth.src", "ipv6.src", "icmpv6.mldr.mar.record_type", "icmpv6.mldr.mar.multicast_address", "icmpv6.mldr.mar.nb_sources", "icmpv6.mldr.mar.source_address"},
	describe: func(g *gen, f map[string]string) string {
		types := splitAgg(f["icmpv6.mldr.mar.record_type"])
		groups := splitAgg(f["icmpv6.mldr.mar.multicast_address"])
		counts := splitAgg(f["icmpv6.mldr.mar.nb_sources"])
		srcs := splitAgg(f["icmpv6.mldr.mar.source_address"])
		var recs []string
		for i, grp := range groups {
			t := "?"
			if i < len(types) {
				t = mldRecordTypes[types[i]]
			}
			n := 0
			if i < len(counts) {
				n, _ = strconv.Atoi(counts[i])
			}
			n = min(n, len(srcs))
			recs = append(recs, fmt.Sprintf("%s %s {%s}", t, grp, strings.Join(srcs[:n], " ")))
			srcs = srcs[n:]
		}
		return fmt.Sprintf("MLDv2 report from %s (%s): %s", f["ipv6.src"], g.node(f["eth.src"]), strings.Join(recs, ", "))
	},
}

// readExtraCounts counts the script's own filters (facts/counts).
func readExtraCounts(e *expect.Expectation, facts string, g *gen) error {
	f, err := os.Open(filepath.Join(facts, "counts"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		filter := strings.TrimSpace(sc.Text())
		if filter == "" || strings.HasPrefix(filter, "#") {
			continue
		}
		n, err := g.count(filter)
		if err != nil {
			return err
		}
		e.Counts[filter] = n
	}
	return sc.Err()
}

type ipAddrFlags struct {
	AddrInfo []struct {
		Family     string `json:"family"`
		Local      string `json:"local"`
		PrefixLen  int    `json:"prefixlen"`
		Tentative  bool   `json:"tentative"`
		DADFailed  bool   `json:"dadfailed"`
		Deprecated bool   `json:"deprecated"`
	} `json:"addr_info"`
}

// readAddrStates marks each host address that is not PREFERRED with its
// DAD state: DUPLICATE (dadfailed), TENTATIVE or DEPRECATED.
func readAddrStates(e *expect.Expectation, facts string, _ *gen) error {
	for i := range e.Hosts {
		h := &e.Hosts[i]
		var addrs []ipAddrFlags
		if err := readJSON(filepath.Join(facts, h.Node+".addr.json"), &addrs); err != nil {
			return err
		}
		state := map[netip.Prefix]string{}
		for _, a := range addrs {
			for _, ai := range a.AddrInfo {
				p, err := netip.ParsePrefix(fmt.Sprintf("%s/%d", ai.Local, ai.PrefixLen))
				if err != nil || ai.Family != "inet6" {
					continue
				}
				switch {
				case ai.DADFailed:
					state[p] = "DUPLICATE"
				case ai.Tentative:
					state[p] = "TENTATIVE"
				case ai.Deprecated:
					state[p] = "DEPRECATED"
				}
			}
		}
		for j := range h.Addresses {
			h.Addresses[j].State = state[h.Addresses[j].Prefix]
		}
	}
	return nil
}

// readRouteCache adds NODE.routecache.json (`ip -j -6 route show cache`,
// where a Redirect leaves its mark) to the node's routes.
func readRouteCache(e *expect.Expectation, facts string, _ *gen) error {
	for i := range e.Hosts {
		h := &e.Hosts[i]
		var routes []ipRoute
		err := readJSON(filepath.Join(facts, h.Node+".routecache.json"), &routes)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		for _, r := range routes {
			s := r.Dst
			if r.Gateway != "" {
				s += " via " + r.Gateway
			}
			h.Routes = append(h.Routes, s+" cache")
		}
	}
	return nil
}

type mdbEntry struct {
	Port       string `json:"port"`
	Group      string `json:"grp"`
	Src        string `json:"src"`
	FilterMode string `json:"filter_mode"`
	SourceList []struct {
		Address string `json:"address"`
	} `json:"source_list"`
}

// readMLD fills e.MLD: the queriers (nodes whose role is "querier") with
// what they sent, the elected one, their group databases and the hosts'
// memberships.
func readMLD(e *expect.Expectation, facts string, g *gen) error {
	m := &expect.MLDState{}
	general, err := g.rows(fMLDGeneralQuery, "ipv6.src")
	if err != nil {
		return err
	}
	if len(general) > 0 {
		m.Querier, _ = netip.ParseAddr(general[len(general)-1]["ipv6.src"])
	}
	for _, h := range e.Hosts {
		switch h.Role {
		case "querier":
			q := expect.MLDQuerier{Node: h.Node}
			for _, a := range h.Addresses {
				if a.Scope == "link" {
					q.Address = a.Prefix.Addr()
				}
			}
			rows, err := g.rows(fmt.Sprintf("%s && eth.src==%s", fMLDQuery, h.MAC), "icmpv6.mld.multicast_address")
			if err != nil {
				return err
			}
			for i, r := range rows {
				n, _ := strconv.Atoi(r["frame.number"])
				if i == 0 {
					q.FirstQuery = n
				}
				q.LastQuery = n
				if r["icmpv6.mld.multicast_address"] == "::" {
					q.GeneralQueries++
				}
			}
			q.State = "OTHER_QUERIER_PRESENT"
			if q.Address == m.Querier {
				q.State = "QUERIER"
				m.QuerierNode = h.Node
			}
			m.Queriers = append(m.Queriers, q)
			groups, err := readMDB(facts, h.Node)
			if err != nil {
				return err
			}
			m.Groups = append(m.Groups, groups...)
		case "host":
			ls, err := readListeners(facts, h.Node)
			if err != nil {
				return err
			}
			m.Listeners = append(m.Listeners, ls...)
		}
	}
	e.MLD = m
	return nil
}

func readMDB(facts, node string) ([]expect.MLDGroup, error) {
	var mdb []struct {
		MDB []mdbEntry `json:"mdb"`
	}
	if err := readJSON(filepath.Join(facts, node+".mdb.json"), &mdb); err != nil {
		return nil, err
	}
	var out []expect.MLDGroup
	for _, d := range mdb {
		for _, ent := range d.MDB {
			if ent.Src != "" || ent.FilterMode == "" {
				// (S,G) forwarding entries repeat a group's source list;
				// entries with no filter mode are the bridge's own
				// memberships, not learnt from reports.
				continue
			}
			grp, err := netip.ParseAddr(ent.Group)
			if err != nil || !grp.Is6() {
				continue
			}
			mg := expect.MLDGroup{Node: node, Port: ent.Port, Group: grp, Mode: strings.ToUpper(ent.FilterMode)}
			for _, s := range ent.SourceList {
				if a, err := netip.ParseAddr(s.Address); err == nil {
					mg.Sources = append(mg.Sources, a)
				}
			}
			out = append(out, mg)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group.Less(out[j].Group) })
	return out, nil
}

// hexAddr parses the 32 hex digits /proc/net/igmp6 and mcfilter6 print.
func hexAddr(s string) (netip.Addr, error) {
	var b [16]byte
	if len(s) != 32 {
		return netip.Addr{}, fmt.Errorf("bad address %q", s)
	}
	for i := range b {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return netip.Addr{}, err
		}
		b[i] = byte(v)
	}
	return netip.AddrFrom16(b), nil
}

// readListeners reads a host's memberships on eth0. A group with no
// source filter is EXCLUDE {} (an any-source join); with sources, the
// group is EXCLUDE when a socket excludes one, INCLUDE otherwise.
func readListeners(facts, node string) ([]expect.MLDListener, error) {
	version := 2
	if b, err := os.ReadFile(filepath.Join(facts, node+".mldversion")); err == nil && strings.TrimSpace(string(b)) == "1" {
		version = 1
	}
	groups, err := os.ReadFile(filepath.Join(facts, node+".igmp6"))
	if err != nil {
		return nil, err
	}
	filters, err := os.ReadFile(filepath.Join(facts, node+".mcfilter6"))
	if err != nil {
		return nil, err
	}
	type srcs struct{ inc, exc []netip.Addr }
	bySrc := map[netip.Addr]*srcs{}
	for _, line := range strings.Split(string(filters), "\n") {
		fs := strings.Fields(line)
		// "Idx Device Multicast-Address Source-Address INC EXC"
		if len(fs) != 6 || fs[1] != "eth0" {
			continue
		}
		grp, err1 := hexAddr(fs[2])
		src, err2 := hexAddr(fs[3])
		if err1 != nil || err2 != nil {
			continue
		}
		s := bySrc[grp]
		if s == nil {
			s = &srcs{}
			bySrc[grp] = s
		}
		if fs[5] != "0" {
			s.exc = append(s.exc, src)
		} else if fs[4] != "0" {
			s.inc = append(s.inc, src)
		}
	}
	var out []expect.MLDListener
	for _, line := range strings.Split(string(groups), "\n") {
		fs := strings.Fields(line)
		// "Idx Device Multicast-Address Users Flags Timer"
		if len(fs) < 3 || fs[1] != "eth0" {
			continue
		}
		grp, err := hexAddr(fs[2])
		if err != nil {
			continue
		}
		// All-nodes (RFC 3810 §6: never reported) and interface-local groups.
		if grp == netip.MustParseAddr("ff02::1") || grp.IsInterfaceLocalMulticast() {
			continue
		}
		l := expect.MLDListener{Node: node, Group: grp, Mode: "EXCLUDE", Version: version}
		if s := bySrc[grp]; s != nil {
			if len(s.exc) > 0 {
				l.Sources = s.exc
			} else {
				l.Mode, l.Sources = "INCLUDE", s.inc
			}
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group.Less(out[j].Group) })
	return out, nil
}
