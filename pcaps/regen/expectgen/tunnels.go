package main

import "fmt"

// The IPv6-in-IPv4 scenario (pcaps/regen/tunnels-scapy.sh): 6in4, 6to4
// and ISATAP. The spoofed 6to4 source is named by value, since display
// filters cannot compare two fields in v6scope's language.
//
// It registers itself here rather than in main.go's table so that the
// scenarios written side by side each live in their own file.
func init() { scenarios["tunnels"] = tunnelsScenario }

const (
	tunSpoofEmbedded = "203.0.113.9" // what 2002:cb00:7109::1 claims
	tunSpoofOuter    = "192.0.2.66"  // where it really comes from
)

var tunnelsScenario = scenario{
	counts: []string{
		"eth",
		"arp",
		"ip",
		"ip.proto==41",
		"ipv6",
		"icmpv6",
		"udp",
		"udp && !icmpv6",
		"icmpv6.type==128",
		"icmpv6.type==129",
		"icmpv6.type==1",
		"ip.proto==41 && ipv6.src==2001:db8:46::/64",
		"ipv6.src_6to4_gw_ipv4",
		"ipv6.dst_6to4_gw_ipv4",
		"ipv6.src_6to4_gw_ipv4==" + tunSpoofEmbedded,
		"ipv6.src_6to4_gw_ipv4==" + tunSpoofEmbedded + " && ip.src==" + tunSpoofOuter,
		"ipv6.src_isatap_ipv4",
		"ipv6.dst_isatap_ipv4",
		"ipv6.src==fe80::/10",
	},
	categories: tunnelCategories,
	needs:      map[string]string{"ipv6.src_6to4_gw_ipv4": "issue 5"},
}

var tunFields = []string{"ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
	"ipv6.src_6to4_gw_ipv4", "ipv6.dst_6to4_gw_ipv4", "ipv6.src_isatap_ipv4", "ipv6.dst_isatap_ipv4"}

var tunnelCategories = []category{
	{
		kind:   "echo_request",
		filter: "ip.proto==41 && icmpv6.type==128",
		fields: tunFields,
		describe: func(g *gen, f map[string]string) string {
			return "echo request " + tunPath(f)
		},
	},
	{
		kind:   "echo_reply",
		filter: "ip.proto==41 && icmpv6.type==129",
		fields: tunFields,
		describe: func(g *gen, f map[string]string) string {
			return "echo reply " + tunPath(f)
		},
	},
	{
		kind:   "udp",
		filter: "ip.proto==41 && udp && !icmpv6",
		fields: append(tunFields, "udp.srcport", "udp.dstport"),
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("UDP %s port %s -> %s", tunPath(f), f["udp.srcport"], f["udp.dstport"])
		},
	},
	{
		kind:   "icmpv6_error",
		filter: "ip.proto==41 && icmpv6.type==1",
		fields: append(tunFields, "icmpv6.code"),
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("ICMPv6 destination unreachable code %s (port unreachable) %s", f["icmpv6.code"], tunPath(f))
		},
	},
	{
		kind:   "spoofed_6to4",
		filter: "ipv6.src_6to4_gw_ipv4==" + tunSpoofEmbedded,
		fields: tunFields,
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("6to4 source %s embeds %s but the IPv4 source is %s: spoofed, dropped by the endpoint",
				f["ipv6.src"], f["ipv6.src_6to4_gw_ipv4"], f["ip.src"])
		},
	},
}

// tunPath names the inner and outer addresses and the kind of tunnel.
func tunPath(f map[string]string) string {
	kind := "6in4"
	switch {
	case f["ipv6.src_6to4_gw_ipv4"] != "" || f["ipv6.dst_6to4_gw_ipv4"] != "":
		kind = "6to4"
	case f["ipv6.src_isatap_ipv4"] != "" || f["ipv6.dst_isatap_ipv4"] != "":
		kind = "ISATAP"
	}
	return fmt.Sprintf("%s -> %s in IPv4 %s -> %s (%s)", f["ipv6.src"], f["ipv6.dst"], f["ip.src"], f["ip.dst"], kind)
}
