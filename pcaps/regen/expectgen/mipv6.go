package main

import (
	"fmt"
	"strings"
)

// The Mobile IPv6 / NEMO scenario (pcaps/regen/mipv6-scapy.sh): counts
// per Mobility Header type, where the Home Address option and the type 2
// routing header occur, and one key-frame kind per message.
//
// It registers itself here rather than in main.go's table so that the
// scenarios written side by side each live in their own file.
func init() { scenarios["mipv6"] = mipv6Scenario }

var mipv6Scenario = scenario{
	counts: []string{
		"eth",
		"ipv6",
		"icmpv6",
		"mip6.mhtype",
		"mip6.mhtype==0",
		"mip6.mhtype==1",
		"mip6.mhtype==2",
		"mip6.mhtype==3",
		"mip6.mhtype==4",
		"mip6.mhtype==5",
		"mip6.mhtype==6",
		"mip6.mhtype==7",
		"mip6.mhtype==5 && mip6.bu.h_flag==1",
		"mip6.mhtype==5 && mip6.bu.h_flag==0",
		"mip6.mhtype==5 && mip6.bu.lifetime==0",
		"mip6.mhtype==5 && mip6.nemo.bu.r_flag==1",
		"mip6.mhtype==6 && mip6.ba.status==0",
		"mip6.mhtype==6 && mip6.ba.status==135",
		"mip6.mhtype==6 && mip6.ba.lifetime==0 && mip6.ba.status==0",
		"mip6.mhtype==6 && mip6.nemo.ba.r_flag==1",
		"mip6.mhtype==6 && mip6.bad.auth",
		"mip6.mhtype==7 && mip6.be.status==1",
		"mip6.mhtype==5 && mip6.ni.hni",
		"mip6.mhtype==5 && mip6.bad.auth",
		"mip6.mhtype==6 && mip6.bra.interval",
		"mip6.mhtype==5 && mip6.nemo.mnp.mnp",
		"ipv6.opt.mipv6.home_address",
		"ipv6.routing.type==2",
		"mip6.mhtype==5 && ipv6.opt.mipv6.home_address",
		"mip6.mhtype==6 && ipv6.routing.type==2",
		"ipv6.nxt==41",
		"icmpv6.type==128",
		"icmpv6.type==129",
		"icmpv6.type==128 && ipv6.opt.mipv6.home_address",
		"icmpv6.type==129 && ipv6.routing.type==2",
		"icmpv6.type==135",
		"icmpv6.type==136",
	},
	categories: mipv6Categories,
	needs:      map[string]string{"mip6.mhtype": "issue 6"},
}

// mhFields are asked for every Mobility Header key frame.
var mhFields = []string{"ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.opt.mipv6.home_address", "ipv6.routing.mipv6.home_address"}

var mipv6Categories = []category{
	{
		kind:   "bu_home",
		filter: "mip6.mhtype==5 && mip6.bu.h_flag==1",
		fields: append(mhFields, "mip6.bu.seqnr", "mip6.bu.lifetime", "mip6.bu.a_flag", "mip6.bu.h_flag", "mip6.nemo.bu.r_flag", "mip6.nemo.mnp.mnp", "mip6.nemo.mnp.pfl"),
		describe: func(g *gen, f map[string]string) string {
			s := fmt.Sprintf("home registration BU %s, home address %s (Home Address option), seq %s, lifetime %s%s",
				mhPath(f), f["ipv6.opt.mipv6.home_address"], f["mip6.bu.seqnr"], lifetime(f["mip6.bu.lifetime"]), buFlags(f))
			if p := f["mip6.nemo.mnp.mnp"]; p != "" {
				s += ", Mobile Network Prefix " + p + "/" + f["mip6.nemo.mnp.pfl"]
			}
			if f["mip6.bu.lifetime"] == "0" {
				s += " (deregistration)"
			}
			return s
		},
	},
	{
		kind:   "ba_home",
		filter: "mip6.mhtype==6 && !mip6.bad.auth",
		fields: append(mhFields, "mip6.ba.status", "mip6.ba.seqnr", "mip6.ba.lifetime", "mip6.nemo.ba.r_flag", "mip6.bra.interval"),
		describe: func(g *gen, f map[string]string) string {
			s := fmt.Sprintf("BA %s, type 2 routing header %s, status %s, seq %s, lifetime %s",
				mhPath(f), f["ipv6.routing.mipv6.home_address"], baStatus(f["mip6.ba.status"]), f["mip6.ba.seqnr"], lifetime(f["mip6.ba.lifetime"]))
			if f["mip6.nemo.ba.r_flag"] == "1" {
				s += ", R flag"
			}
			if r := f["mip6.bra.interval"]; r != "" {
				s += ", Binding Refresh Advice " + lifetime(r)
			}
			return s
		},
	},
	{
		kind:   "hoti",
		filter: "mip6.mhtype==1",
		fields: append(mhFields, "mip6.hoti.cookie"),
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("Home Test Init %s, cookie %s", mhPath(f), f["mip6.hoti.cookie"])
		},
	},
	{
		kind:   "coti",
		filter: "mip6.mhtype==2",
		fields: append(mhFields, "mip6.coti.cookie"),
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("Care-of Test Init %s, cookie %s", mhPath(f), f["mip6.coti.cookie"])
		},
	},
	{
		kind:   "hot",
		filter: "mip6.mhtype==3",
		fields: append(mhFields, "mip6.hot.nindex", "mip6.hot.cookie", "mip6.hot.token"),
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("Home Test %s, home nonce index %s, cookie %s, home keygen token %s",
				mhPath(f), f["mip6.hot.nindex"], f["mip6.hot.cookie"], f["mip6.hot.token"])
		},
	},
	{
		kind:   "cot",
		filter: "mip6.mhtype==4",
		fields: append(mhFields, "mip6.cot.nindex", "mip6.cot.cookie", "mip6.hot.token"),
		describe: func(g *gen, f map[string]string) string {
			// tshark 4.0 files the care-of keygen token under mip6.hot.token.
			return fmt.Sprintf("Care-of Test %s, care-of nonce index %s, cookie %s, care-of keygen token %s",
				mhPath(f), f["mip6.cot.nindex"], f["mip6.cot.cookie"], f["mip6.hot.token"])
		},
	},
	{
		kind:   "bu_cn",
		filter: "mip6.mhtype==5 && mip6.bu.h_flag==0",
		fields: append(mhFields, "mip6.bu.seqnr", "mip6.bu.lifetime", "mip6.bu.a_flag", "mip6.bu.h_flag", "mip6.ni.hni", "mip6.ni.cni", "mip6.bad.auth"),
		describe: func(g *gen, f map[string]string) string {
			s := fmt.Sprintf("route optimisation BU %s, home address %s, seq %s, lifetime %s%s, nonce indices %s/%s, authenticator %s",
				mhPath(f), f["ipv6.opt.mipv6.home_address"], f["mip6.bu.seqnr"], lifetime(f["mip6.bu.lifetime"]), buFlags(f),
				f["mip6.ni.hni"], f["mip6.ni.cni"], f["mip6.bad.auth"])
			if f["mip6.bu.lifetime"] == "0" {
				s += " (deregistration)"
			}
			return s
		},
	},
	{
		kind:   "ba_cn",
		filter: "mip6.mhtype==6 && mip6.bad.auth",
		fields: append(mhFields, "mip6.ba.status", "mip6.ba.seqnr", "mip6.ba.lifetime", "mip6.bad.auth"),
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("BA %s, type 2 routing header %s, status %s, seq %s, lifetime %s, authenticator %s",
				mhPath(f), f["ipv6.routing.mipv6.home_address"], baStatus(f["mip6.ba.status"]), f["mip6.ba.seqnr"],
				lifetime(f["mip6.ba.lifetime"]), f["mip6.bad.auth"])
		},
	},
	{
		kind:   "brr",
		filter: "mip6.mhtype==0",
		fields: mhFields,
		describe: func(g *gen, f map[string]string) string {
			return fmt.Sprintf("Binding Refresh Request %s, type 2 routing header %s", mhPath(f), f["ipv6.routing.mipv6.home_address"])
		},
	},
	{
		kind:   "be",
		filter: "mip6.mhtype==7",
		fields: append(mhFields, "mip6.be.status", "mip6.be.haddr"),
		describe: func(g *gen, f map[string]string) string {
			st := f["mip6.be.status"]
			switch st {
			case "1":
				st = "1 (unknown binding for Home Address destination option)"
			case "2":
				st = "2 (unrecognized MH type)"
			}
			return fmt.Sprintf("Binding Error %s, status %s, home address %s", mhPath(f), st, f["mip6.be.haddr"])
		},
	},
	{
		kind:   "echo_request",
		filter: "icmpv6.type==128",
		fields: mhFields,
		describe: func(g *gen, f map[string]string) string {
			return "echo request " + mhPath(f) + mobility(f)
		},
	},
	{
		kind:   "echo_reply",
		filter: "icmpv6.type==129",
		fields: mhFields,
		describe: func(g *gen, f map[string]string) string {
			return "echo reply " + mhPath(f) + mobility(f)
		},
	},
}

// mhPath says who sends to whom, and through which tunnel when the
// message is IPv6-in-IPv6 (ipv6.src then holds "outer,inner").
func mhPath(f map[string]string) string {
	src, dst := splitAgg(f["ipv6.src"]), splitAgg(f["ipv6.dst"])
	if len(src) >= 2 && len(dst) >= 2 {
		return fmt.Sprintf("%s -> %s tunnelled in %s -> %s", src[1], dst[1], src[0], dst[0])
	}
	return f["ipv6.src"] + " -> " + f["ipv6.dst"]
}

func mobility(f map[string]string) string {
	var s []string
	if h := f["ipv6.opt.mipv6.home_address"]; h != "" {
		s = append(s, "Home Address option "+h)
	}
	if h := f["ipv6.routing.mipv6.home_address"]; h != "" {
		s = append(s, "type 2 routing header "+h)
	}
	if len(s) == 0 {
		return ""
	}
	return " (route optimised: " + strings.Join(s, ", ") + ")"
}

func buFlags(f map[string]string) string {
	var s string
	if f["mip6.bu.a_flag"] == "1" {
		s += "A"
	}
	if f["mip6.bu.h_flag"] == "1" {
		s += "H"
	}
	if f["mip6.nemo.bu.r_flag"] == "1" {
		s += "R"
	}
	if s == "" {
		return ""
	}
	return ", flags " + s
}

func lifetime(units string) string {
	var n int
	if _, err := fmt.Sscan(units, &n); err != nil {
		return units
	}
	return fmt.Sprintf("%s (%d s)", units, 4*n)
}

// baStatus names the RFC 6275 sec. 6.1.8 and RFC 3963 status codes used here.
func baStatus(code string) string {
	names := map[string]string{
		"0": "accepted", "131": "home registration not supported", "135": "sequence number out of window",
		"136": "expired home nonce index", "137": "expired care-of nonce index", "138": "expired nonces",
		"142": "not authorized for prefix",
	}
	if n, ok := names[code]; ok {
		return code + " (" + n + ")"
	}
	return code
}
