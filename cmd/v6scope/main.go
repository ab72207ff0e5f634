// Command v6scope decodes, analyses, shows and replays captures of the IPv6
// transition and mobility protocols: Neighbor Discovery, MLD, Teredo,
// Mobile IPv6 and NEMO, IKEv2, and 6in4/6to4/ISATAP tunnels.
//
// Exit codes are documented in docs/cli.md.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
