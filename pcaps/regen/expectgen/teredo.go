package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// teredoPrefix is the Teredo service prefix, 2001:0000::/32 (RFC 4380 §2.6).
var teredoPrefix = netip.MustParsePrefix("2001::/32")

// Filters shared by the Teredo counts and key-frame kinds.
const (
	fBubble  = "ipv6.nxt==59 && ipv6.plen==0" // RFC 4380 §2.8: no payload, No Next Header
	fRS      = "icmpv6.type==133"
	fRA      = "icmpv6.type==134"
	fConnTst = "icmpv6.type==128 && udp.dstport==3544" // RFC 4380 §5.2.4: echo via the server
	fEchoReq = "icmpv6.type==128 && !(udp.dstport==3544)"
	fEchoRep = "icmpv6.type==129"
)

// teredoScenario describes pcaps/teredo-miredo.pcapng. tshark decodes
// Teredo on port 3544 only unless its heuristic is on; the clients and
// the relay use other ports, as real ones do, so every query runs with
// the heuristic (as v6scope's Teredo decoder will, issue 5).
var teredoScenario = scenario{
	prefs: []string{"teredo.heuristic_teredo:TRUE"},
	needs: map[string]string{"teredo": "issue 5", "ipv6.ts_ipv4": "issue 5", "ipv6.tc_ipv4": "issue 5", "ipv6.tc_port": "issue 5"},
	counts: []string{
		"eth", "arp", "ip", "udp", "ipv6", "icmpv6",
		"udp.port==3544",
		"teredo",
		"teredo.auth",
		"teredo.orig",
		"teredo.auth && teredo.orig",
		"teredo.orig.addr==203.0.113.11",
		"teredo.orig.addr==203.0.113.22",
		"teredo.orig.addr==203.0.113.33",
		"teredo.orig.port==61001",
		"teredo.orig.port==40002",
		fRS,
		fRA,
		// miredo's RS is always the restricted form (cone flag clear in
		// its link-local source); there is no other form to find.
		fRS + " && ipv6.src==fe80::ffff:ffff:ffff",
		fRS + " && !(ipv6.src==fe80::ffff:ffff:ffff)",
		// Nothing is ever sent to or from the secondary server address.
		"ip.addr==203.0.113.2",
		"ip.addr==203.0.113.1",
		fBubble,
		fBubble + " && udp.dstport==3544",
		fBubble + " && teredo.orig",
		fBubble + " && !(udp.port==3544)",
		fConnTst,
		"icmpv6.type==128",
		"icmpv6.type==129",
		"icmpv6.type==128 && ipv6.src==2001::/32 && ipv6.dst==2001::/32",
		"icmpv6.type==128 && ipv6.dst==2001:db8:64::100",
		"ipv6.src==2001::/32",
		"ipv6.ts_ipv4==203.0.113.1",
		"ipv6.tc_ipv4==203.0.113.11",
		"ipv6.tc_ipv4==203.0.113.22",
		"ipv6.tc_port==61001",
		"ipv6.tc_port==40002",
		"ip.src==192.0.2.10",
		"ip.src==198.51.100.10",
		"ip.dst==203.0.113.22 && udp.srcport==61001",
		"ip.dst==198.51.100.10 && udp.srcport==61001",
	},
	categories: []category{
		{
			kind:   "teredo_rs",
			filter: fRS,
			fields: []string{"frame.interface_name", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "ipv6.src", "ipv6.dst", "teredo.auth.nonce"},
			describe: func(g *gen, f map[string]string) string {
				return fmt.Sprintf("on %s: qualification RS from %s %s:%s to server %s:%s, IPv6 %s -> %s (restricted form: cone flag clear), authentication nonce %s",
					f["frame.interface_name"], g.name(f["ip.src"]), f["ip.src"], f["udp.srcport"], f["ip.dst"], f["udp.dstport"], f["ipv6.src"], f["ipv6.dst"], f["teredo.auth.nonce"])
			},
		},
		{
			kind:   "teredo_ra",
			filter: fRA,
			fields: []string{"frame.interface_name", "ip.src", "ip.dst", "udp.dstport", "ipv6.src", "ipv6.dst", "teredo.auth.nonce", "teredo.orig.addr", "teredo.orig.port", "icmpv6.opt.prefix"},
			describe: func(g *gen, f map[string]string) string {
				return fmt.Sprintf("on %s: RA from server %s to %s %s:%s, IPv6 %s -> %s, nonce %s echoed, origin indication %s:%s (the client's mapping), prefix %s",
					f["frame.interface_name"], f["ip.src"], g.name(f["ip.dst"]), f["ip.dst"], f["udp.dstport"], f["ipv6.src"], f["ipv6.dst"],
					f["teredo.auth.nonce"], f["teredo.orig.addr"], f["teredo.orig.port"], f["icmpv6.opt.prefix"])
			},
		},
		{
			kind:   "bubble",
			filter: fBubble,
			fields: []string{"frame.interface_name", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "ipv6.src", "ipv6.dst", "teredo.orig.addr", "teredo.orig.port"},
			describe: func(g *gen, f map[string]string) string {
				how := "direct bubble"
				switch {
				case f["teredo.orig.addr"] != "":
					how = fmt.Sprintf("bubble relayed by the server with origin indication %s:%s", f["teredo.orig.addr"], f["teredo.orig.port"])
				case f["udp.dstport"] == "3544":
					how = "indirect bubble, sent to the peer's server"
				}
				return fmt.Sprintf("on %s: %s, %s %s:%s -> %s %s:%s, IPv6 %s -> %s",
					f["frame.interface_name"], how, g.name(f["ip.src"]), f["ip.src"], f["udp.srcport"],
					g.name(f["ip.dst"]), f["ip.dst"], f["udp.dstport"], g.name(f["ipv6.src"]), g.name(f["ipv6.dst"]))
			},
		},
		{
			kind:   "connectivity_test",
			filter: fConnTst,
			fields: []string{"frame.interface_name", "ip.src", "udp.srcport", "ip.dst", "ipv6.src", "ipv6.dst"},
			describe: func(g *gen, f map[string]string) string {
				return fmt.Sprintf("on %s: direct IPv6 connectivity test (echo request via the server) from %s to %s, UDP %s:%s -> %s:3544",
					f["frame.interface_name"], g.name(f["ipv6.src"]), g.name(f["ipv6.dst"]), f["ip.src"], f["udp.srcport"], f["ip.dst"])
			},
		},
		{
			kind:     "echo_request",
			filter:   fEchoReq,
			fields:   []string{"frame.interface_name", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "ipv6.src", "ipv6.dst"},
			describe: describeEcho("echo request"),
		},
		{
			kind:     "echo_reply",
			filter:   fEchoRep,
			fields:   []string{"frame.interface_name", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "ipv6.src", "ipv6.dst"},
			describe: describeEcho("echo reply"),
		},
	},
}

func describeEcho(what string) func(g *gen, f map[string]string) string {
	return func(g *gen, f map[string]string) string {
		s := fmt.Sprintf("on %s: %s %s -> %s", f["frame.interface_name"], what, g.name(f["ipv6.src"]), g.name(f["ipv6.dst"]))
		if f["ip.src"] == "" {
			return s + " (native IPv6)"
		}
		return s + fmt.Sprintf(", UDP %s:%s -> %s:%s", f["ip.src"], f["udp.srcport"], f["ip.dst"], f["udp.dstport"])
	}
}

// name returns "NAME (ADDR)" for an address the facts' names file knows.
func (g *gen) name(addr string) string {
	if n, ok := g.names[addr]; ok {
		return n
	}
	return addr
}

// readNames reads the facts' optional names file: lines "ADDRESS NAME".
func readNames(g *gen, facts string) error {
	g.names = map[string]string{}
	f, err := os.Open(filepath.Join(facts, "names"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) == 2 {
			g.names[fs[0]] = fs[1] + " (" + fs[0] + ")"
		}
	}
	return sc.Err()
}

// parseTeredo takes a Teredo address apart (RFC 4380 §4):
//
//	+-------------+-------------+-------+------+-------------+
//	| Prefix      | Server IPv4 | Flags | Port | Client IPv4 |
//	+-------------+-------------+-------+------+-------------+
//	  32 bits       32 bits      16      16     32 bits
//
// Port and client IPv4 are the NAT mapping, each bit inverted.
func parseTeredo(a netip.Addr) (c expect.TeredoClient, err error) {
	if !teredoPrefix.Contains(a) {
		return c, fmt.Errorf("%s is not a Teredo address", a)
	}
	const (
		serverOff = 4  // Server IPv4, bits 32-63
		flagsOff  = 8  // Flags, bits 64-79
		portOff   = 10 // obfuscated port, bits 80-95
		clientOff = 12 // obfuscated client IPv4, bits 96-127
		coneFlag  = 0x8000
	)
	b := a.As16()
	c.Address = a
	c.Server = netip.AddrFrom4([4]byte(b[serverOff : serverOff+4]))
	flags := binary.BigEndian.Uint16(b[flagsOff:])
	c.Flags = fmt.Sprintf("0x%04x", flags)
	c.Cone = flags&coneFlag != 0
	c.MappedPort = ^binary.BigEndian.Uint16(b[portOff:])
	var v4 [4]byte
	for i := range v4 {
		v4[i] = ^b[clientOff+i]
	}
	c.MappedAddr = netip.AddrFrom4(v4)
	return c, nil
}

// readTeredo reads the facts' optional teredo file and finds each
// client's qualification frames (RS from its local or mapped address,
// RA back to either).
func readTeredo(e *expect.Expectation, facts string, g *gen) error {
	f, err := os.Open(filepath.Join(facts, "teredo"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 {
			continue
		}
		a, err := netip.ParseAddr(fs[1])
		if err != nil {
			return fmt.Errorf("teredo: %w", err)
		}
		c, err := parseTeredo(a)
		if err != nil {
			return err
		}
		c.Node, c.NAT, c.FinalState = fs[0], fs[2], fs[5]
		if c.LocalAddr, err = netip.ParseAddr(fs[3]); err != nil {
			return fmt.Errorf("teredo: %w", err)
		}
		port, err := strconv.ParseUint(fs[4], 10, 16)
		if err != nil {
			return fmt.Errorf("teredo: %w", err)
		}
		c.LocalPort = uint16(port)
		rows, err := g.rows(fmt.Sprintf("(%s && (ip.src==%s || ip.src==%s)) || (%s && (ip.dst==%s || ip.dst==%s))",
			fRS, c.LocalAddr, c.MappedAddr, fRA, c.LocalAddr, c.MappedAddr))
		if err != nil {
			return err
		}
		for _, r := range rows {
			n, _ := strconv.Atoi(r["frame.number"])
			c.Frames = append(c.Frames, n)
		}
		e.Teredo = append(e.Teredo, c)
	}
	return sc.Err()
}
