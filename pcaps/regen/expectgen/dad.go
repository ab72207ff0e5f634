package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// The dad-loopback scenario (pcaps/regen/dad-loopback.sh): DAD probes
// looped back to their sender, and a collision, per node. The script
// writes facts/counts (its per-node filters) and NODE.snmp6.

var dadLoopbackScenario = scenario{
	counts: []string{
		"eth", "ipv6", "icmpv6",
		"icmpv6.type==133",
		"icmpv6.type==135",
		"icmpv6.type==136",
		"icmpv6.type==143",
		"icmpv6.type==135 && ipv6.src==::",
		"icmpv6.type==135 && !(ipv6.src==::)",
		"icmpv6.opt.type==14",
		"eth.dst==33:33:00:00:00:16",
	},
	categories: categories,
	extra:      []func(*expect.Expectation, string, *gen) error{readExtraCounts, readAddrStates, readCounters},
}

// snmp6Counters are the /proc/net/snmp6 counters kept in a host's
// "counters": the Neighbor Solicitations and Advertisements its kernel
// sent and received (RFC 4293 icmpMsgStatsTable, Linux names).
var snmp6Counters = map[string]bool{
	"Icmp6InNeighborSolicits":        true,
	"Icmp6OutNeighborSolicits":       true,
	"Icmp6InNeighborAdvertisements":  true,
	"Icmp6OutNeighborAdvertisements": true,
}

// readCounters fills each host's counters from facts/NODE.snmp6, lines
// "NAME VALUE" as /proc/net/snmp6 prints them. A node without the file
// has none.
func readCounters(e *expect.Expectation, facts string, _ *gen) error {
	for i := range e.Hosts {
		h := &e.Hosts[i]
		f, err := os.Open(filepath.Join(facts, h.Node+".snmp6"))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) != 2 || !snmp6Counters[fs[0]] {
				continue
			}
			n, err := strconv.Atoi(fs[1])
			if err != nil {
				f.Close()
				return err
			}
			if h.Counters == nil {
				h.Counters = map[string]int{}
			}
			h.Counters[fs[0]] = n
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
