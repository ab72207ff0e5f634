package widgets

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/v6scope/v6scope/tui/model"
)

// Columns of the packet list.
var Columns = []string{"", "No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"}

// PacketTable is the packet list: a virtual table over model.Packets, so
// that only the rows on screen are ever decoded. Row 0 is the header; row
// r shows model row r-1.
type PacketTable struct {
	*tview.Table
	content *packetContent
}

type packetContent struct {
	tview.TableContentReadOnly
	packets *model.Packets
	theme   *Theme
}

// NewPacketTable returns the list over packets, coloured by theme.
func NewPacketTable(packets *model.Packets, theme *Theme) *PacketTable {
	c := &packetContent{packets: packets, theme: theme}
	t := tview.NewTable().SetContent(c).SetFixed(1, 0).SetSelectable(true, false)
	pt := &PacketTable{Table: t, content: c}
	pt.SetTheme(theme)
	return pt
}

// SetTheme recolours the table.
func (pt *PacketTable) SetTheme(theme *Theme) {
	pt.content.theme = theme
	theme.Style(pt.Box)
	pt.SetSelectedStyle(tcell.StyleDefault.Background(theme.SelectBG).Foreground(theme.SelectFG).Bold(true))
}

// SelectedFrame returns the frame on the selected row, or 0.
func (pt *PacketTable) SelectedFrame() int {
	r, _ := pt.GetSelection()
	return pt.content.packets.FrameAt(r - 1)
}

// SelectFrame selects the row showing frame n (or the next shown frame),
// and reports whether there was one.
func (pt *PacketTable) SelectFrame(n int) bool {
	r := pt.content.packets.RowOf(n)
	if r < 0 {
		return false
	}
	pt.Select(r+1, 0)
	return true
}

// SelectRow selects model row r (clamped).
func (pt *PacketTable) SelectRow(r int) {
	n := pt.content.packets.Len()
	if n == 0 {
		return
	}
	pt.Select(min(max(r, 0), n-1)+1, 0)
}

func (c *packetContent) GetRowCount() int    { return c.packets.Len() + 1 }
func (c *packetContent) GetColumnCount() int { return len(Columns) }

func (c *packetContent) GetCell(row, col int) *tview.TableCell {
	th := c.theme
	if row == 0 {
		return tview.NewTableCell(Columns[col]).SetTextColor(th.Title).SetSelectable(false).SetAttributes(tcell.AttrBold).SetExpansion(expansion(col))
	}
	r := c.packets.Row(row - 1)
	if r == nil {
		return nil
	}
	var text string
	color := th.ProtoColor(r.Proto)
	switch col {
	case 0:
		text = " "
		switch {
		case r.Marked:
			text = "●"
		case r.Flagged():
			text = "!"
		}
	case 1:
		text = r.No
	case 2:
		text = r.Time
	case 3:
		text = r.Src
	case 4:
		text = r.Dst
	case 5:
		text = r.Proto
	case 6:
		text = r.Len
	case 7:
		text = r.Info
	}
	cell := tview.NewTableCell(Esc(text)).SetTextColor(color).SetExpansion(expansion(col)).SetMaxWidth(maxWidth(col))
	if col == 1 || col == 6 || col == 2 {
		cell.SetAlign(tview.AlignRight)
	}
	switch {
	case r.Marked:
		cell.SetTextColor(th.Mark).SetAttributes(tcell.AttrBold)
	case r.Flagged():
		cell.SetTextColor(th.Error)
	}
	return cell
}

func expansion(col int) int {
	if col == 7 {
		return 1
	}
	return 0
}

func maxWidth(col int) int {
	switch col {
	case 3, 4:
		return 28
	case 2:
		return 26
	}
	return 0
}
