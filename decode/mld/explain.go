package mld

import "github.com/v6scope/v6scope/decode/dissect"

// recordTypeTexts explain the six MLDv2 Multicast Address Record types:
// what the listener says with each and what the router does.
var recordTypeTexts = dissect.ValueTexts{
	ModeIsInclude:       {Text: "MODE_IS_INCLUDE, a current-state record in answer to a query: the node listens to the group only from the sources listed. The router refreshes those sources' timers.", RFC: "RFC 3810 §5.2.12, §7.4.1"},
	ModeIsExclude:       {Text: "MODE_IS_EXCLUDE, a current-state record in answer to a query: the node listens to every source of the group but those listed (an empty list: all sources, a plain join). The router keeps the group in EXCLUDE mode and restarts its filter timer.", RFC: "RFC 3810 §5.2.12, §7.4.1"},
	ChangeToIncludeMode: {Text: "CHANGE_TO_INCLUDE_MODE, a state change: the node now wants only the listed sources; with no sources it has left the group. The router asks the link about the group (group-specific query) before dropping it.", RFC: "RFC 3810 §5.2.12, §7.4.2"},
	ChangeToExcludeMode: {Text: "CHANGE_TO_EXCLUDE_MODE, a state change: the node now wants every source but those listed; with no sources this is how an MLDv2 node joins a group. The router moves the group to EXCLUDE mode.", RFC: "RFC 3810 §5.2.12, §7.4.2"},
	AllowNewSources:     {Text: "ALLOW_NEW_SOURCES, a source list change: the node now also wants traffic from these sources. The router adds them and starts their timers.", RFC: "RFC 3810 §5.2.12, §7.4.2"},
	BlockOldSources:     {Text: "BLOCK_OLD_SOURCES, a source list change: the node no longer wants these sources. The router queries the link about them (group-and-source-specific query) before dropping them.", RFC: "RFC 3810 §5.2.12, §7.4.2"},
}
