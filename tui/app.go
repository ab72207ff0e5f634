// Package tui is v6scope's terminal UI, built with tview in three layers:
// package model holds the data (no tview), package widgets the primitives
// that show it, and this package the views that put them on screens and
// the key table that drives them (docs/tui.md).
//
// Only the event loop touches widgets: the display filter and the
// analysis run in goroutines of their own and hand their results over with
// Application.QueueUpdateDraw.
package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
	"github.com/v6scope/v6scope/tui/widgets"
)

// Options configure the UI.
type Options struct {
	Source     model.Source
	Filter     string // display filter applied at start (-Y)
	TimeFormat output.TimeFormat
	// Analyzer runs the session analysis in the background; nil uses
	// model.NoAnalyzer.
	Analyzer model.Analyzer
	Light    bool // start with the light theme
	// Live, when set, is a live capture to show as it grows (live.go):
	// Source is then Live.Source, and the analysis is Live.Analyzer's.
	Live *model.Feed
	// Task, when set, is a lab's questions for the lab screen (lab.go).
	Task model.Task
}

// App is the terminal UI.
type App struct {
	app     *tview.Application
	opts    Options
	packets *model.Packets
	theme   *widgets.Theme

	pages  *tview.Pages
	screen string // screenPackets, …
	helpOn bool

	// packets screen
	cmd      *tview.InputField
	cmdMode  string // "filter", "goto", "search"
	cmdSaved string // the text before editing, for Esc
	list     *widgets.PacketTable
	tree     *widgets.FieldTree
	explain  *tview.TextView
	hex      *widgets.HexView
	status   *tview.TextView
	packetsF *tview.Flex

	// sessions and anomalies screens
	sessions  *tview.Table
	diagram   *tview.TextView
	translog  *tview.Table
	ladder    *tview.TextView
	anomalies *tview.Table
	help      *tview.TextView

	cur      *decode.Packet
	curFrame int
	curField int

	filterExpr string
	job        *model.FilterJob
	jobSeq     int
	progress   model.Progress
	following  string // session key when following one
	search     string
	message    string

	analysis   *model.Analysis
	analysing  bool
	sessionSel *model.Session

	live liveState // a live capture (live.go)
	lab  *labView  // the lab screen (lab.go)
}

// New builds the UI over opts.Source. Run it with Run.
func New(opts Options) (*App, error) {
	if opts.Analyzer == nil {
		opts.Analyzer = model.NoAnalyzer{}
	}
	if opts.Live != nil {
		opts.Source = opts.Live.Source
	}
	a := &App{app: tview.NewApplication(), opts: opts, theme: &widgets.Dark, curField: -1}
	if opts.Light {
		a.theme = &widgets.Light
	}
	a.theme.Install()
	a.packets = model.NewPackets(opts.Source, opts.TimeFormat)
	a.build()
	if opts.Filter != "" {
		if _, msg := model.Check(opts.Filter); msg != "" {
			return nil, fmt.Errorf("display filter %q: %s", opts.Filter, msg)
		}
		a.cmd.SetText(opts.Filter)
		a.startFilter(opts.Filter)
	}
	a.list.SelectRow(0)
	a.selectionChanged()
	if opts.Live != nil {
		a.initLive()
	} else {
		a.startAnalysis()
	}
	return a, nil
}

// Application returns the tview application (tests give it a simulation
// screen with SetScreen).
func (a *App) Application() *tview.Application { return a.app }

// Run runs the UI until the user quits.
func (a *App) Run() error {
	defer a.stopJob()
	a.startLive()
	return a.app.Run()
}

// Stop ends Run. A live capture is stopped first and drained, so that every
// frame captured is in the file when Run returns.
func (a *App) Stop() {
	if !a.stopLive() {
		a.app.Stop()
	}
}

func (a *App) build() {
	th := a.theme
	a.cmd = tview.NewInputField().SetLabel("Filter: ").SetPlaceholder("display filter, e.g. icmpv6.type == 135  (press / to edit, ? for help)")
	a.cmd.SetAutocompleteUseTags(false)
	a.cmd.SetChangedFunc(a.cmdChanged)
	a.cmd.SetAutocompleteFunc(func(text string) []string {
		if a.cmdMode != "filter" {
			return nil
		}
		return model.Complete(text, 12)
	})
	a.cmd.SetDoneFunc(a.cmdDone)

	a.list = widgets.NewPacketTable(a.packets, th)
	a.list.SetBorder(true).SetTitle(" Packets ")
	a.list.SetSelectionChangedFunc(func(row, col int) { a.selectionChanged() })

	a.tree = widgets.NewFieldTree(th)
	a.tree.SetBorder(true).SetTitle(" Fields ")
	a.tree.OnField = a.fieldChanged

	a.explain = tview.NewTextView().SetWrap(true).SetWordWrap(true).SetDynamicColors(true)
	a.explain.SetBorder(true).SetTitle(" Explain ")

	a.hex = widgets.NewHexView(th)
	a.hex.SetBorder(true).SetTitle(" Bytes ")
	a.hex.OnByte = a.byteSelected

	a.status = tview.NewTextView().SetDynamicColors(true)

	middle := tview.NewFlex().AddItem(a.tree, 0, 1, false).AddItem(a.explain, 0, 1, false)
	a.packetsF = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(a.list, 0, 3, true).
		AddItem(middle, 0, 3, false).
		AddItem(a.hex, 9, 0, false)

	a.sessions = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	a.sessions.SetBorder(true).SetTitle(" Sessions ")
	a.sessions.SetSelectionChangedFunc(func(row, col int) { a.sessionChanged(row) })
	a.diagram = tview.NewTextView().SetWrap(false)
	a.diagram.SetBorder(true).SetTitle(" State diagram ")
	a.translog = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	a.translog.SetBorder(true).SetTitle(" Transitions (Enter: go to frame) ")
	a.ladder = tview.NewTextView().SetWrap(false)
	a.ladder.SetBorder(true).SetTitle(" Ladder ")
	right := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(a.diagram, 0, 3, false).AddItem(a.translog, 0, 2, false).AddItem(a.ladder, 0, 3, false)
	sessionsF := tview.NewFlex().AddItem(a.sessions, 0, 2, true).AddItem(right, 0, 3, false)

	a.anomalies = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	a.anomalies.SetBorder(true).SetTitle(" Anomalies (Enter: go to frame) ")

	a.help = tview.NewTextView().SetText(helpText())
	a.help.SetBorder(true).SetTitle(" Help (? or Esc closes) ")

	a.pages = tview.NewPages().
		AddPage(screenPackets, a.packetsF, true, true).
		AddPage(screenSessions, sessionsF, true, false).
		AddPage(screenAnomalies, a.anomalies, true, false).
		AddPage("help", a.help, true, false)
	a.buildLab()
	a.screen = screenPackets

	root := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(a.cmd, 1, 0, false).
		AddItem(a.pages, 0, 1, true).
		AddItem(a.status, 1, 0, false)
	a.app.SetRoot(root, true).EnableMouse(true).SetFocus(a.list)
	a.app.SetInputCapture(a.dispatch)
	a.applyTheme()
	a.fillSessions()
	a.fillAnomalies()
	a.updateStatus()
}

// dispatch runs the key table. Keys typed into the command bar go to it.
func (a *App) dispatch(ev *tcell.EventKey) *tcell.EventKey {
	if a.app.GetFocus() == a.cmd || a.labTyping() {
		if ev.Key() == tcell.KeyCtrlC {
			a.quit()
			return nil
		}
		return ev
	}
	screen := a.screen
	if a.helpOn {
		screen = "help"
	}
	for i := range Keys {
		k := &Keys[i]
		if k.matches(ev) && (k.worksIn(screen) || screen == "help" && (k.Where == "")) {
			if k.Do(a) {
				return nil
			}
			return ev
		}
	}
	return ev
}

func (a *App) quit() bool {
	a.stopJob()
	if a.stopLive() {
		a.message = "stopping the capture…"
		a.updateStatus()
		return true
	}
	a.app.Stop()
	return true
}

func (a *App) toggleHelp() bool {
	a.helpOn = !a.helpOn
	if a.helpOn {
		a.pages.ShowPage("help")
		a.pages.SendToFront("help")
		a.app.SetFocus(a.help)
	} else {
		a.pages.HidePage("help")
		a.show(a.screen)
	}
	return true
}

func (a *App) show(screen string) {
	if a.helpOn {
		a.helpOn = false
		a.pages.HidePage("help")
	}
	a.screen = screen
	a.pages.SwitchToPage(screen)
	switch screen {
	case screenPackets:
		a.focus(a.list)
	case screenSessions:
		a.focus(a.sessions)
	case screenAnomalies:
		a.focus(a.anomalies)
	case screenLab:
		a.focus(a.lab.list)
	}
	a.updateStatus()
}

// panes lists the focusable panes of the current screen, in Tab order.
func (a *App) panes() []tview.Primitive {
	switch a.screen {
	case screenSessions:
		return []tview.Primitive{a.sessions, a.translog, a.diagram, a.ladder}
	case screenAnomalies:
		return []tview.Primitive{a.anomalies}
	case screenLab:
		return a.labPanes()
	}
	return []tview.Primitive{a.list, a.tree, a.explain, a.hex}
}

func (a *App) cycleFocus(d int) {
	ps := a.panes()
	cur := a.app.GetFocus()
	i := 0
	for j, p := range ps {
		if p == cur {
			i = j
		}
	}
	a.focus(ps[(i+d+len(ps))%len(ps)])
}

func (a *App) focus(p tview.Primitive) {
	a.app.SetFocus(p)
	for _, b := range append([]*tview.Box{a.list.Box, a.tree.Box, a.explain.Box, a.hex.Box, a.sessions.Box, a.translog.Box, a.diagram.Box, a.ladder.Box, a.anomalies.Box}, a.labBoxes()...) {
		b.SetBorderColor(a.theme.Border)
	}
	if b, ok := p.(interface{ SetBorderColor(tcell.Color) *tview.Box }); ok {
		b.SetBorderColor(a.theme.Focus)
	}
}

// Focused returns the focused primitive (for tests).
func (a *App) Focused() tview.Primitive { return a.app.GetFocus() }

func (a *App) escape() bool {
	switch {
	case a.helpOn:
		a.toggleHelp()
	case a.job != nil:
		a.job.Cancel()
		a.message = "filter cancelled"
	case a.screen != screenPackets:
		a.show(screenPackets)
	default:
		a.focus(a.list)
	}
	a.updateStatus()
	return true
}

func (a *App) enter() bool {
	if a.labEnter() {
		return true
	}
	switch a.app.GetFocus() {
	case a.tree:
		if n := a.tree.GetCurrentNode(); n != nil {
			n.SetExpanded(!n.IsExpanded())
		}
		return true
	case a.sessions:
		if s := a.sessionSel; s != nil {
			a.focus(a.translog)
		}
		return true
	case a.translog:
		r, _ := a.translog.GetSelection()
		if s := a.sessionSel; s != nil && r >= 1 && r <= len(s.Transitions) {
			a.gotoFrame(s.Transitions[r-1].Frame)
		}
		return true
	case a.anomalies:
		r, _ := a.anomalies.GetSelection()
		if an := a.analysis; an != nil && r >= 1 && r <= len(an.Anomalies) {
			a.gotoFrame(an.Anomalies[r-1].Frame)
		}
		return true
	}
	return false
}

// gotoFrame shows frame n in the packets screen; when a filter hides it,
// the filter is cleared first.
func (a *App) gotoFrame(n int) {
	if n < 1 || n > a.packets.Source().Len() {
		a.message = fmt.Sprintf("no frame %d: the capture has frames 1-%d", n, a.packets.Source().Len())
		a.updateStatus()
		return
	}
	if !a.packets.Shows(n) {
		a.clearFilter()
		a.message = fmt.Sprintf("frame %d was not shown by the filter: filter cleared", n)
	}
	a.show(screenPackets)
	a.list.SelectFrame(n)
	a.selectionChanged()
	a.updateStatus()
}

// selectionChanged decodes the selected packet into the tree, bytes and
// explain panes.
func (a *App) selectionChanged() {
	n := a.list.SelectedFrame()
	if n == a.curFrame && a.cur != nil {
		return
	}
	a.curFrame, a.cur, a.curField = n, nil, -1
	if n == 0 {
		a.tree.SetPacket(nil)
		a.hex.SetData(nil)
		a.explain.SetText("")
		return
	}
	p, err := a.packets.Packet(n)
	if err != nil {
		a.tree.SetPacket(nil)
		a.hex.SetData(nil)
		a.explain.SetText(widgets.Esc(output.Safe(err.Error())))
		return
	}
	a.cur = p
	a.tree.SetPacket(p)
	a.hex.SetData(p.Data)
	a.hex.SetTitle(fmt.Sprintf(" Bytes (%d) ", len(p.Data)))
	a.tree.SetTitle(fmt.Sprintf(" Fields of frame %d ", n))
	a.curField = a.tree.Current()
	a.showExplain()
}

func (a *App) fieldChanged(i int) {
	a.curField = i
	if a.cur != nil && i >= 0 && i < len(a.cur.Tree.Fields) {
		f := &a.cur.Tree.Fields[i]
		a.hex.Highlight(f.Offset, f.Length)
	}
	a.showExplain()
}

func (a *App) byteSelected(off int) {
	if a.cur == nil {
		return
	}
	i := model.FieldAt(&a.cur.Tree, off)
	if i < 0 {
		return
	}
	a.tree.Select(i)
	a.curField = i
	f := &a.cur.Tree.Fields[i]
	a.hex.Highlight(f.Offset, f.Length)
	a.showExplain()
}

// showExplain writes the explain pane: the selected field's explanation,
// then the packet's.
func (a *App) showExplain() {
	var b strings.Builder
	if a.cur != nil && a.curField >= 0 && a.curField < len(a.cur.Tree.Fields) {
		f := &a.cur.Tree.Fields[a.curField]
		if f.Info != nil {
			fmt.Fprintf(&b, "[::b]%s[::-]", widgets.Esc(f.Info.Name))
			if f.Length > 0 {
				fmt.Fprintf(&b, "  (bytes %d–%d)", f.Offset, f.Offset+f.Length-1)
			}
			b.WriteString("\n")
			if f.Info.Explain != "" {
				b.WriteString(widgets.Esc(f.Info.Explain))
			}
			if f.Info.RFC != "" {
				fmt.Fprintf(&b, " [%s]", widgets.Esc(f.Info.RFC))
			}
			if vt, ok := f.Info.ExplainValue(f.U); ok && f.Info.Kind == dissect.Uint {
				b.WriteString("\n" + widgets.Esc(string(output.AppendValueText(nil, f.Info, f.U, vt))))
			}
			if f.Info == dissect.ExpertField || f.Info == dissect.MalformedField {
				b.WriteString("\n" + widgets.Esc(output.Safe(f.Label)))
			}
			b.WriteString("\n\n")
		}
	}
	if a.cur != nil {
		if e, ok := model.ExplanationFor(model.MessageKey(a.cur)); ok {
			fmt.Fprintf(&b, "[::b]%s[::-]\n", widgets.Esc(e.Title))
			fmt.Fprintf(&b, "[::u]What it is[::-]: %s\n", widgets.Esc(e.What))
			fmt.Fprintf(&b, "[::u]Why it is sent[::-]: %s\n", widgets.Esc(e.Why))
			fmt.Fprintf(&b, "[::u]What the receiver does[::-]: %s\n", widgets.Esc(e.Receiver))
			fmt.Fprintf(&b, "[::u]RFC[::-]: %s\n", widgets.Esc(e.RFC))
		}
		for _, s := range a.analysis.SessionsOf(a.curFrame) {
			fmt.Fprintf(&b, "\nSession %s: now %s (f follows it)\n", widgets.Esc(s.Key()), widgets.Esc(s.State))
			if st, ok := analyze.ExplainState(s.Proto, s.Kind, s.State); ok {
				fmt.Fprintf(&b, "%s: %s [%s]\n", widgets.Esc(s.State), widgets.Esc(st.Text), widgets.Esc(st.RFC))
			}
		}
	}
	a.explain.SetText(b.String()).ScrollToBeginning()
}

// Filter bar.

func (a *App) editFilter() bool {
	a.openCmd("filter", "Filter: ", a.filterExpr)
	return true
}

func (a *App) promptGoto() bool {
	a.openCmd("goto", "Go to frame: ", "")
	return true
}

func (a *App) promptSearch() bool {
	a.openCmd("search", "Search: ", a.search)
	return true
}

func (a *App) openCmd(mode, label, text string) {
	a.cmdMode = mode
	a.cmdSaved = a.cmd.GetText()
	a.cmd.SetLabel(label)
	a.cmd.SetText(text)
	a.app.SetFocus(a.cmd)
	a.cmdChanged(text)
}

func (a *App) closeCmd() {
	mode := a.cmdMode
	a.cmdMode = ""
	a.cmd.SetLabel("Filter: ")
	a.cmd.SetText(a.filterExpr)
	a.cmd.SetFieldStyle(tcell.StyleDefault.Background(a.theme.SelectBG).Foreground(a.theme.Text))
	if mode != "" {
		a.focus(a.list)
	}
}

func (a *App) cmdChanged(text string) {
	if a.cmdMode != "filter" {
		return
	}
	_, msg := model.Check(text)
	bg := a.theme.Good
	switch {
	case strings.TrimSpace(text) == "":
		bg = a.theme.SelectBG
	case msg != "":
		bg = a.theme.Error
	}
	a.cmd.SetFieldStyle(tcell.StyleDefault.Background(bg).Foreground(tcell.ColorWhite))
	a.message = msg
	a.updateStatus()
}

func (a *App) cmdDone(key tcell.Key) {
	text := a.cmd.GetText()
	mode := a.cmdMode
	if key == tcell.KeyEscape {
		a.message = ""
		a.closeCmd()
		a.updateStatus()
		return
	}
	if key != tcell.KeyEnter {
		return
	}
	switch mode {
	case "filter":
		if _, msg := model.Check(text); msg != "" {
			a.message = msg
			a.updateStatus()
			return // stay in the bar
		}
		a.closeCmd()
		a.startFilter(text)
	case "goto":
		a.closeCmd()
		n, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			a.message = fmt.Sprintf("%q is not a frame number", text)
			a.updateStatus()
			return
		}
		a.gotoFrame(n)
	case "search":
		a.closeCmd()
		a.search = text
		a.searchNext()
	}
}

// startFilter runs expr over the whole capture in the background; an
// empty expr shows every packet.
func (a *App) startFilter(expr string) {
	a.stopJob()
	a.following = ""
	a.filterExpr = strings.TrimSpace(expr)
	a.cmd.SetText(a.filterExpr)
	keep := a.list.SelectedFrame()
	f, _ := model.Check(a.filterExpr)
	if f == nil || f.MatchesAll() {
		a.filterExpr = ""
		a.packets.SetShown(nil, false)
		a.afterShownChanged(keep)
		return
	}
	a.packets.SetShown(nil, true)
	a.progress = model.Progress{Total: a.packets.Source().Len()}
	a.jobSeq++
	seq := a.jobSeq
	a.job = model.StartFilter(a.packets.Source(), f, func(p model.Progress) {
		a.app.QueueUpdateDraw(func() {
			if seq != a.jobSeq {
				return // a later filter replaced this one
			}
			a.progress = p
			a.packets.SetShown(p.Matches, true)
			if p.Finished || p.Canceled || p.Err != nil {
				a.job = nil
				if p.Err != nil {
					a.message = output.Safe(p.Err.Error())
				}
			}
			a.afterShownChanged(keep)
			if p.Finished {
				a.extendFilter(f)
			}
		})
	})
	a.afterShownChanged(keep)
}

// afterShownChanged keeps the selection on frame keep when it is still
// shown (or the next shown one).
func (a *App) afterShownChanged(keep int) {
	if keep > 0 && a.packets.Shows(keep) {
		a.list.SelectFrame(keep)
	} else if r, _ := a.list.GetSelection(); r > a.packets.Len() || r < 1 {
		a.list.SelectRow(0)
	}
	a.curFrame = -1
	a.selectionChanged()
	a.updateStatus()
}

func (a *App) stopJob() {
	if a.job != nil {
		a.job.Cancel()
		a.job = nil
	}
	a.jobSeq++
}

func (a *App) clearFilter() bool {
	a.startFilter("")
	a.following = ""
	return true
}

// FilterDone reports whether no filter is running (for tests).
func (a *App) FilterDone() bool { return a.job == nil }

func (a *App) applyField() bool {
	if a.cur == nil || a.curField < 0 {
		a.message = "select a field in the field tree first"
		a.updateStatus()
		return true
	}
	expr := FieldFilter(&a.cur.Tree.Fields[a.curField])
	if expr == "" {
		a.message = "this line has no field name to filter on"
		a.updateStatus()
		return true
	}
	a.startFilter(expr)
	return true
}

// FieldFilter returns a display filter that matches f's value: "name ==
// value", or the bare name for protocols and fields without a value.
func FieldFilter(f *dissect.Field) string {
	if f.Info == nil || f.Info.Name == "" {
		return ""
	}
	switch f.Info.Kind {
	case dissect.Protocol, dissect.None:
		return f.Info.Name
	case dissect.String:
		return f.Info.Name + " == " + strconv.Quote(f.Value())
	case dissect.Float, dissect.AbsTime, dissect.EpochTime, dissect.RelTime:
		return f.Info.Name
	}
	if f.Info == dissect.ExpertField || f.Info == dissect.MalformedField {
		return f.Info.Name
	}
	v := f.Value()
	if v == "" {
		return f.Info.Name
	}
	return f.Info.Name + " == " + v
}

func (a *App) follow() bool {
	n := a.list.SelectedFrame()
	ss := a.analysis.SessionsOf(n)
	if len(ss) == 0 {
		a.message = fmt.Sprintf("frame %d belongs to no session the analysis knows", n)
		a.updateStatus()
		return true
	}
	a.followSession(ss[0])
	return true
}

func (a *App) followSession(s *model.Session) {
	a.stopJob()
	frames := make([]int32, len(s.Frames))
	for i, n := range s.Frames {
		frames[i] = int32(n)
	}
	keep := a.list.SelectedFrame()
	a.filterExpr = ""
	a.cmd.SetText("")
	a.following = s.Key()
	a.packets.SetShown(frames, true)
	a.show(screenPackets)
	a.afterShownChanged(keep)
}

func (a *App) searchNext() bool {
	if a.search == "" {
		return a.promptSearch()
	}
	r, _ := a.list.GetSelection()
	n := a.packets.Search(a.search, r-1, 200000)
	if n == 0 {
		a.message = fmt.Sprintf("%q not found", a.search)
	} else {
		a.message = fmt.Sprintf("found %q in frame %d", a.search, n)
		a.list.SelectFrame(n)
		a.selectionChanged()
	}
	a.updateStatus()
	return true
}

func (a *App) toggleMark() bool {
	if n := a.list.SelectedFrame(); n > 0 {
		a.packets.ToggleMark(n)
	}
	a.updateStatus()
	return true
}

func (a *App) nextMark(d int) bool {
	marks := a.packets.Marks()
	cur := a.list.SelectedFrame()
	target := 0
	if d > 0 {
		for _, m := range marks {
			if m > cur && a.packets.Shows(m) {
				target = m
				break
			}
		}
	} else {
		for i := len(marks) - 1; i >= 0; i-- {
			if marks[i] < cur && a.packets.Shows(marks[i]) {
				target = marks[i]
				break
			}
		}
	}
	if target == 0 {
		a.message = "no marked packet that way (m marks one)"
	} else {
		a.list.SelectFrame(target)
		a.selectionChanged()
	}
	a.updateStatus()
	return true
}

func (a *App) toggleReference() bool {
	n := a.list.SelectedFrame()
	if a.packets.Reference() == n {
		a.packets.SetReference(0)
	} else {
		a.packets.SetReference(n)
	}
	a.curFrame = -1
	a.selectionChanged()
	a.updateStatus()
	return true
}

// timeFormats are the formats T cycles through.
var timeFormats = []struct {
	letters string
	f       output.TimeFormat
}{{"r", output.TimeRelative}, {"a", output.TimeAbsolute}, {"ad", output.TimeAbsDate}, {"d", output.TimeDelta}, {"dd", output.TimeDeltaShown}, {"e", output.TimeEpoch}, {"u", output.TimeUTC}, {"ud", output.TimeUTCDate}}

func timeLetters(f output.TimeFormat) string {
	for _, t := range timeFormats {
		if t.f == f {
			return t.letters
		}
	}
	return "?"
}

func (a *App) cycleTimeFormat() bool {
	cur := a.packets.TimeFormat()
	next := timeFormats[0].f
	for i, t := range timeFormats {
		if t.f == cur {
			next = timeFormats[(i+1)%len(timeFormats)].f
		}
	}
	a.packets.SetTimeFormat(next)
	a.message = "time format " + timeLetters(next)
	a.updateStatus()
	return true
}

func (a *App) toggleTheme() bool {
	if a.theme == &widgets.Dark {
		a.theme = &widgets.Light
	} else {
		a.theme = &widgets.Dark
	}
	a.theme.Install()
	a.applyTheme()
	a.message = a.theme.Name + " theme"
	a.updateStatus()
	return true
}

// Theme returns the current theme's name.
func (a *App) Theme() string { return a.theme.Name }

func (a *App) applyTheme() {
	th := a.theme
	a.list.SetTheme(th)
	a.tree.SetTheme(th)
	a.hex.SetTheme(th)
	for _, b := range []*tview.Box{a.explain.Box, a.status.Box, a.sessions.Box, a.diagram.Box, a.translog.Box, a.ladder.Box, a.anomalies.Box, a.help.Box, a.pages.Box} {
		th.Style(b)
	}
	for _, tv := range []*tview.TextView{a.explain, a.status, a.diagram, a.ladder, a.help} {
		tv.SetTextColor(th.Text)
	}
	for _, t := range []*tview.Table{a.sessions, a.translog, a.anomalies} {
		t.SetSelectedStyle(tcell.StyleDefault.Background(th.SelectBG).Foreground(th.SelectFG))
	}
	a.cmd.SetBackgroundColor(th.Background)
	a.cmd.SetLabelColor(th.Title)
	a.cmd.SetFieldStyle(tcell.StyleDefault.Background(th.SelectBG).Foreground(th.Text))
	a.cmd.SetPlaceholderStyle(tcell.StyleDefault.Background(th.SelectBG).Foreground(th.Dim))
	a.themeLab()
	a.fillSessions()
	a.fillAnomalies()
	if f := a.app.GetFocus(); f != nil {
		a.focus(f)
	}
}

func (a *App) updateStatus() {
	src := a.packets.Source()
	var b strings.Builder
	fmt.Fprintf(&b, " %s │ %d packets", widgets.Esc(output.Safe(src.Name())), src.Len())
	a.liveStatus(&b)
	if a.packets.Filtered() {
		fmt.Fprintf(&b, " │ shown %d", a.packets.Len())
	}
	if a.following != "" {
		fmt.Fprintf(&b, " │ following %s", widgets.Esc(a.following))
	}
	if a.job != nil && a.progress.Total > 0 {
		fmt.Fprintf(&b, " │ [yellow]filtering %d%% (Esc cancels)[-]", a.progress.Done*100/a.progress.Total)
	} else if a.progress.Canceled {
		fmt.Fprintf(&b, " │ filter cancelled at %d/%d", a.progress.Done, a.progress.Total)
	}
	if a.analysing {
		b.WriteString(" │ analysing…")
	}
	if a.packets.Reference() > 0 {
		fmt.Fprintf(&b, " │ ref %d", a.packets.Reference())
	}
	if n := len(a.packets.Marks()); n > 0 {
		fmt.Fprintf(&b, " │ %d marked", n)
	}
	fmt.Fprintf(&b, " │ t=%s │ %s", timeLetters(a.packets.TimeFormat()), a.screen)
	if a.message != "" {
		fmt.Fprintf(&b, " │ %s", widgets.Esc(a.message))
	}
	b.WriteString(" │ ? help")
	a.status.SetText(b.String())
}

// Status returns the status line's text (for tests).
func (a *App) Status() string { return a.status.GetText(true) }

// Analysis.

func (a *App) startAnalysis() {
	a.analysing = true
	src := a.packets.Source()
	an := a.opts.Analyzer
	go func() {
		res, err := an.Analyze(context.Background(), src, func(done, total int) {})
		a.app.QueueUpdateDraw(func() {
			a.analysing = false
			if err != nil {
				a.message = "analysis: " + output.Safe(err.Error())
				res = &model.Analysis{Note: a.message}
			}
			a.setAnalysis(res)
		})
	}()
}

// AnalysisDone reports whether the analysis has finished (for tests).
func (a *App) AnalysisDone() bool { return !a.analysing }

func (a *App) setAnalysis(res *model.Analysis) {
	a.analysis = res
	a.packets.SetAnomalies(res.AnomalyFrames())
	a.fillSessions()
	a.fillAnomalies()
	a.showExplain()
	a.updateStatus()
}

func cell(text string, color tcell.Color) *tview.TableCell {
	return tview.NewTableCell(widgets.Esc(text)).SetTextColor(color)
}

func header(t *tview.Table, color tcell.Color, names ...string) {
	for i, n := range names {
		t.SetCell(0, i, cell(n, color).SetSelectable(false).SetAttributes(tcell.AttrBold))
	}
}

func (a *App) fillSessions() {
	th := a.theme
	sel, _ := a.sessions.GetSelection()
	a.sessions.Clear()
	header(a.sessions, th.Title, "Proto", "Kind", "Session", "State", "Frames")
	if a.analysis == nil {
		a.sessions.SetCell(1, 0, cell("analysing…", th.Dim).SetSelectable(false))
		return
	}
	if len(a.analysis.Sessions) == 0 {
		note := a.analysis.Note
		if note == "" {
			note = "no sessions in this capture"
		}
		a.sessions.SetCell(1, 0, cell(note, th.Dim).SetSelectable(false))
	}
	for i := range a.analysis.Sessions {
		s := &a.analysis.Sessions[i]
		c := th.ProtoColor(protoColumn(s.Proto))
		a.sessions.SetCell(i+1, 0, cell(s.Proto, c))
		a.sessions.SetCell(i+1, 1, cell(s.Kind, c))
		a.sessions.SetCell(i+1, 2, cell(s.ID, th.Text))
		a.sessions.SetCell(i+1, 3, cell(s.State, th.Good))
		a.sessions.SetCell(i+1, 4, cell(fmt.Sprintf("%d-%d", s.FirstFrame, s.LastFrame), th.Dim))
	}
	if sel < 1 {
		sel = 1
	}
	if a.sessionSel != nil {
		// Stay on the same session when the list was refreshed (live).
		for i := range a.analysis.Sessions {
			if a.analysis.Sessions[i].Key() == a.sessionSel.Key() {
				sel = i + 1
			}
		}
	}
	if len(a.analysis.Sessions) > 0 {
		a.sessions.Select(min(sel, len(a.analysis.Sessions)), 0)
		a.sessionChanged(min(sel, len(a.analysis.Sessions)))
	}
}

// protoColumn maps an analysis protocol to the packet list's protocol
// colour.
func protoColumn(p string) string {
	switch p {
	case "nd", "mld":
		return "icmpv6"
	case "mip6":
		return "mipv6"
	case "ikev2":
		return "isakmp"
	}
	return p
}

func (a *App) sessionChanged(row int) {
	if a.analysis == nil || row < 1 || row > len(a.analysis.Sessions) {
		return
	}
	s := &a.analysis.Sessions[row-1]
	// The same session again (a live capture's analysis was refreshed):
	// keep the places in its panes.
	same := a.sessionSel != nil && a.sessionSel.Key() == s.Key()
	keepRow, _ := a.translog.GetSelection()
	dRow, dCol := a.diagram.GetScrollOffset()
	lRow, lCol := a.ladder.GetScrollOffset()
	a.sessionSel = s
	th := a.theme
	lines := model.DrawMachine(model.MachineFor(s), s)
	if len(s.Attrs) > 0 {
		lines = append(lines, "", strings.Join(s.Attrs, "  "))
	}
	a.diagram.SetText(widgets.Esc(strings.Join(lines, "\n"))).ScrollTo(dRow, dCol)
	a.translog.Clear()
	header(a.translog, th.Title, "Frame", "Time", "From", "To", "Reason", "Basis")
	for i, t := range s.Transitions {
		from := t.From
		if from == "" {
			from = "(start)"
		}
		a.translog.SetCell(i+1, 0, cell(strconv.Itoa(t.Frame), th.Text).SetAlign(tview.AlignRight))
		a.translog.SetCell(i+1, 1, cell(t.Time.UTC().Format("15:04:05.000000"), th.Dim))
		a.translog.SetCell(i+1, 2, cell(from, th.Text))
		a.translog.SetCell(i+1, 3, cell(t.To, th.Good))
		reason := t.Reason
		if t.Explain != "" {
			reason += ": " + t.Explain
		}
		a.translog.SetCell(i+1, 4, cell(reason, th.Text).SetExpansion(1))
		a.translog.SetCell(i+1, 5, cell(t.Basis, th.Dim))
	}
	a.ladder.SetText(widgets.Esc(strings.Join(a.ladderOf(s), "\n"))).ScrollTo(lRow, lCol)
	if !same {
		keepRow = 1
		a.diagram.ScrollToBeginning()
		a.ladder.ScrollToBeginning()
	}
	a.translog.Select(min(max(keepRow, 1), max(len(s.Transitions), 1)), 0)
}

// maxLadder bounds the packets a ladder diagram decodes.
const maxLadder = 200

func (a *App) ladderOf(s *model.Session) []string {
	var evs []model.LadderEvent
	var first time.Time
	for i, n := range s.Frames {
		if i == maxLadder {
			break
		}
		r := a.packets.RowForFrame(n)
		if r == nil || r.ReadErr != nil {
			continue
		}
		t := a.packets.FrameTime(n)
		if i == 0 {
			first = t
		}
		label := r.Info
		if len(label) > 40 {
			label = label[:40]
		}
		evs = append(evs, model.LadderEvent{Frame: n, Rel: t.Sub(first), Src: r.Src, Dst: r.Dst, Label: label})
	}
	out := model.DrawLadder(evs)
	if len(s.Frames) > maxLadder {
		out = append(out, fmt.Sprintf("… %d more packets (f follows the session in the packet list)", len(s.Frames)-maxLadder))
	}
	return out
}

func (a *App) fillAnomalies() {
	th := a.theme
	a.anomalies.Clear()
	header(a.anomalies, th.Title, "Severity", "Frame", "Proto", "Code", "Message", "RFC")
	if a.analysis == nil {
		a.anomalies.SetCell(1, 0, cell("analysing…", th.Dim).SetSelectable(false))
		return
	}
	if len(a.analysis.Anomalies) == 0 {
		note := a.analysis.Note
		if note == "" {
			note = "no anomalies found"
		}
		a.anomalies.SetCell(1, 0, cell(note, th.Dim).SetSelectable(false))
	}
	for i, x := range a.analysis.Anomalies {
		c := th.Text
		switch x.Severity {
		case "error":
			c = th.Error
		case "warning":
			c = th.Warn
		}
		a.anomalies.SetCell(i+1, 0, cell(x.Severity, c))
		a.anomalies.SetCell(i+1, 1, cell(strconv.Itoa(x.Frame), th.Text).SetAlign(tview.AlignRight))
		a.anomalies.SetCell(i+1, 2, cell(x.Proto, th.ProtoColor(protoColumn(x.Proto))))
		a.anomalies.SetCell(i+1, 3, cell(x.Code, th.Text))
		a.anomalies.SetCell(i+1, 4, cell(x.Message, th.Text).SetExpansion(1))
		a.anomalies.SetCell(i+1, 5, cell(x.RFC, th.Dim))
	}
	if len(a.analysis.Anomalies) > 0 {
		a.anomalies.Select(1, 0)
	}
}
