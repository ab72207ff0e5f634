// Command v6scope decodes, analyses, shows and replays captures of the IPv6
// transition and mobility protocols: Neighbor Discovery, MLD, Teredo,
// Mobile IPv6 and NEMO, IKEv2, and 6in4/6to4/ISATAP tunnels.
//
// Exit codes are documented in docs/cli.md. For developers, the
// environment variable V6SCOPE_CPUPROFILE=FILE writes a CPU profile of the
// whole run to FILE (read it with `go tool pprof`).
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

func main() {
	if path := os.Getenv("V6SCOPE_CPUPROFILE"); path != "" {
		stop, err := startProfile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "v6scope:", err)
			os.Exit(exitUsage)
		}
		code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// startProfile starts a CPU profile written to path and returns what stops it.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("V6SCOPE_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("V6SCOPE_CPUPROFILE=%s: %w", path, err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
