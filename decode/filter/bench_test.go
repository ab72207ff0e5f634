package filter

import "testing"

// BenchmarkMatch measures Match on the test packets, per filter shape. The
// ND packet has 22 nodes, the 6in4 DNS packet 33; real trees run to ~50.
func BenchmarkMatch(b *testing.B) {
	cases := []struct{ name, expr, tree string }{
		{"presence", "icmpv6", "ns"},
		{"eq", "icmpv6.type == 135", "ns"},
		{"nd", "icmpv6.type == 135 and ipv6.src == fe80::/10", "ns"},
		{"nd-miss", "icmpv6.type == 135 and ipv6.src == fe80::/10", "dns"},
		{"ne-all", "ipv6.addr != fe80::1", "dns"},
		{"set", "udp.port in {53 5353 1..10}", "dns"},
		{"slice", "eth.src[0:3] == 00:11:22", "ns"},
		{"contains-string", `dns.qry.name contains "Example"`, "dns"},
		{"contains-printed", `ipv6.src contains "db8"`, "dns"},
		{"matches-string", `dns.qry.name matches "example\\.org$"`, "dns"},
		{"matches-printed", `icmpv6.type matches "^13[56]$"`, "ns"},
		{"two-fields", "udp.srcport > udp.dstport", "dns"},
		{"complex", "(icmpv6.type in {133..137} or udp.port == 53) and not ip and ipv6.hlim == 255", "ns"},
	}
	for _, c := range cases {
		f := mustCompile(b, c.expr)
		tr := trees[c.tree]
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Match(tr)
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("icmpv6.type == 135 and ipv6.src == fe80::/10 or udp.port in {53 5353}", testSchema); err != nil {
			b.Fatal(err)
		}
	}
}
