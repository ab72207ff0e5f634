package main

import (
	"strings"

	"github.com/v6scope/v6scope/analyze"
	aikev2 "github.com/v6scope/v6scope/analyze/ikev2"
	amip6 "github.com/v6scope/v6scope/analyze/mip6"
	amld "github.com/v6scope/v6scope/analyze/mld"
	andd "github.com/v6scope/v6scope/analyze/nd"
	ateredo "github.com/v6scope/v6scope/analyze/teredo"
)

// newTracker returns the tracker for protocol name. Adding a protocol is
// one case here and one name in analyzers.
func newTracker(name string, e *analyze.Engine, o *analyzeOptions, ndCfg andd.Config) (analyze.Tracker, error) {
	switch name {
	case "nd":
		return andd.New(e, ndCfg), nil
	case "mld":
		return amld.New(e, amld.Config{MaxGroups: o.maxSessions, MaxQueriers: o.maxSessions}), nil
	case "mip6":
		return amip6.New(e, amip6.Config{MaxBindings: o.maxSessions, MaxRR: o.maxSessions}), nil
	case "ikev2":
		return aikev2.New(e, aikev2.Config{MaxSAs: o.maxSessions}), nil
	case "teredo":
		return ateredo.New(e, ateredo.Config{MaxClients: o.maxSessions, MaxPaths: o.maxSessions}), nil
	}
	return nil, usageErr("--proto %s: unknown protocol; use %s", name, strings.Join(analyzers, ", "))
}
