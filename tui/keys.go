package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
)

// Key is one entry of the key table: the key, where it works, what the help
// says it does, and the handler that does it. The same table drives
// dispatch, the ? help screen and the key table in docs/tui.md.
type Key struct {
	Key  tcell.Key // tcell.KeyRune for a printable key
	Rune rune
	// Where lists the screens the key works in ("" = every screen).
	Where string
	Help  string
	// Do runs the key's action and reports whether it took the key; a
	// key it did not take goes on to the focused widget (arrows, Enter and
	// Home/End in text panes).
	Do func(a *App) bool
}

// Name is how the key is written in the help.
func (k *Key) Name() string {
	if k.Key == tcell.KeyRune {
		if k.Rune == ' ' {
			return "Space"
		}
		return string(k.Rune)
	}
	switch k.Key {
	case tcell.KeyBacktab:
		return "Shift-Tab"
	case tcell.KeyEnter:
		return "Enter"
	case tcell.KeyEscape:
		return "Esc"
	}
	return tcell.KeyNames[k.Key]
}

// matches reports whether ev is this key.
func (k *Key) matches(ev *tcell.EventKey) bool {
	if ev.Key() == tcell.KeyRune {
		return k.Key == tcell.KeyRune && ev.Rune() == k.Rune && ev.Modifiers()&(tcell.ModCtrl|tcell.ModAlt) == 0
	}
	return k.Key == ev.Key()
}

// Event returns the key event that presses k.
func (k *Key) Event() *tcell.EventKey {
	if k.Key == tcell.KeyRune {
		return tcell.NewEventKey(tcell.KeyRune, k.Rune, tcell.ModNone)
	}
	return tcell.NewEventKey(k.Key, 0, tcell.ModNone)
}

// Screens.
const (
	screenPackets   = "packets"
	screenSessions  = "sessions"
	screenAnomalies = "anomalies"
	// screenLab is in lab.go.
)

func (k *Key) worksIn(screen string) bool {
	return k.Where == "" || strings.Contains(k.Where, screen)
}

// Keys is the key table.
var Keys = []Key{
	{tcell.KeyRune, '?', "", "show or hide this help", (*App).toggleHelp},
	{tcell.KeyRune, 'q', "", "quit", (*App).quit},
	{tcell.KeyCtrlC, 0, "", "quit", (*App).quit},
	{tcell.KeyRune, '1', "", "packets screen: list, field tree, explanation, bytes", func(a *App) bool { a.show(screenPackets); return true }},
	{tcell.KeyRune, '2', "", "sessions screen: state diagram, transition log, ladder diagram", func(a *App) bool { a.show(screenSessions); return true }},
	{tcell.KeyRune, '3', "", "anomalies screen", func(a *App) bool { a.show(screenAnomalies); return true }},
	{tcell.KeyRune, '4', "", "lab screen (v6scope lab start): questions, answers, feedback", (*App).showLab},
	{tcell.KeyTab, 0, "", "focus the next pane", func(a *App) bool { a.cycleFocus(1); return true }},
	{tcell.KeyBacktab, 0, "", "focus the previous pane", func(a *App) bool { a.cycleFocus(-1); return true }},
	{tcell.KeyRune, '/', "packets", "edit the display filter (Tab completes field names, Enter applies, Esc leaves)", (*App).editFilter},
	{tcell.KeyRune, 'x', "packets", "clear the display filter (or the followed session): show every packet", (*App).clearFilter},
	{tcell.KeyEscape, 0, "", "cancel a running filter; close help; back to the packet list", (*App).escape},
	{tcell.KeyRune, 'a', "packets", "apply the selected field as the display filter (field == value)", (*App).applyField},
	{tcell.KeyRune, 'f', "packets", "follow the selected packet's session: show only its packets", (*App).follow},
	{tcell.KeyRune, 'g', "packets", "go to a frame by number", (*App).promptGoto},
	{tcell.KeyRune, 'G', "packets", "go to the last packet", func(a *App) bool { a.list.SelectRow(a.packets.Len() - 1); a.focus(a.list); return true }},
	{tcell.KeyRune, 'H', "packets", "go to the first packet", func(a *App) bool { a.list.SelectRow(0); a.focus(a.list); return true }},
	{tcell.KeyRune, 'A', "packets", "live capture: auto-scroll on or off (on: the list follows new packets)", (*App).toggleAutoScroll},
	{tcell.KeyRune, 's', "packets", "search the packet list (source, destination, protocol, info)", (*App).promptSearch},
	{tcell.KeyRune, 'n', "packets", "next search match", (*App).searchNext},
	{tcell.KeyRune, 'm', "packets", "mark or unmark the selected packet", (*App).toggleMark},
	{tcell.KeyRune, ']', "packets", "go to the next marked packet", func(a *App) bool { return a.nextMark(1) }},
	{tcell.KeyRune, '[', "packets", "go to the previous marked packet", func(a *App) bool { return a.nextMark(-1) }},
	{tcell.KeyRune, 't', "packets", "set (or clear) the selected packet as time reference", (*App).toggleReference},
	{tcell.KeyRune, 'T', "packets", "next time format (r, a, ad, d, dd, e, u, ud: as read -t)", (*App).cycleTimeFormat},
	{tcell.KeyRune, '+', "packets", "expand every node of the field tree", func(a *App) bool { a.tree.ExpandAll(true); return true }},
	{tcell.KeyRune, '-', "packets", "collapse every node of the field tree", func(a *App) bool { a.tree.ExpandAll(false); return true }},
	{tcell.KeyEnter, 0, "", "field tree: expand or collapse; sessions, transitions, anomalies: jump to the frame; lab: answer the selected question (Enter again checks it)", (*App).enter},
	{tcell.KeyRune, 'h', "lab", "show the selected question's hint", (*App).labHint},
	{tcell.KeyRune, 'L', "", "switch between the dark and the light theme", (*App).toggleTheme},
}

// helpText is the ? screen.
func helpText() string {
	var b strings.Builder
	b.WriteString("v6scope terminal UI — keys\n\n")
	for i := range Keys {
		k := &Keys[i]
		where := k.Where
		if where == "" {
			where = "everywhere"
		}
		fmt.Fprintf(&b, "  %-10s %-10s %s\n", k.Name(), where, k.Help)
	}
	b.WriteString("\nMouse: click a packet, a field or a byte to select it; the wheel scrolls.\n")
	b.WriteString("Arrows, PgUp/PgDn, Home/End move in the focused pane.\n")
	return b.String()
}

// KeyTableMarkdown is the key table as docs/tui.md shows it (a test keeps
// the two equal).
func KeyTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| key | where | does |\n| --- | --- | --- |\n")
	for i := range Keys {
		k := &Keys[i]
		where := k.Where
		if where == "" {
			where = "everywhere"
		}
		name := k.Name()
		if name == "|" {
			name = `\|`
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, where, k.Help)
	}
	return b.String()
}
