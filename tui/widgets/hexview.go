package widgets

import (
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// Hex layout: "0000  00 11 22 33 44 55 66 77  88 99 aa bb cc dd ee ff  ................"
const (
	bytesPerLine = 16
	hexStart     = 6  // after the offset and two spaces
	asciiStart   = 58 // hexStart + 16*3 + 1 (the gap after 8 bytes) + 3
)

// HexView is the bytes pane: offsets, hex and ASCII, the selected field's
// bytes highlighted, and a byte cursor. Clicking a byte, or moving the
// cursor with the arrow keys while it has focus, calls OnByte with the
// byte's offset (the view selects the field that holds it).
type HexView struct {
	*tview.Box
	data         []byte
	hiOff, hiLen int
	cursor       int
	top          int // first line shown
	theme        *Theme
	OnByte       func(off int)
}

// NewHexView returns an empty bytes pane.
func NewHexView(theme *Theme) *HexView {
	h := &HexView{Box: tview.NewBox(), theme: theme, cursor: -1}
	theme.Style(h.Box)
	return h
}

// SetTheme recolours the pane.
func (h *HexView) SetTheme(theme *Theme) {
	h.theme = theme
	theme.Style(h.Box)
}

// SetData shows data (it is not copied: keep it unchanged while shown).
func (h *HexView) SetData(data []byte) {
	h.data = data
	h.hiOff, h.hiLen, h.cursor, h.top = 0, 0, -1, 0
}

// Highlight marks bytes [off, off+n) and scrolls them into view.
func (h *HexView) Highlight(off, n int) {
	h.hiOff, h.hiLen = off, n
	if n > 0 {
		h.scrollTo(off / bytesPerLine)
	}
}

// Highlighted returns the highlighted range.
func (h *HexView) Highlighted() (off, n int) { return h.hiOff, h.hiLen }

func (h *HexView) scrollTo(line int) {
	_, _, _, height := h.GetInnerRect()
	if height <= 0 {
		height = 1
	}
	if line < h.top {
		h.top = line
	} else if line >= h.top+height {
		h.top = line - height + 1
	}
}

// Line returns line i of the dump as plain text (for tests and copying).
func (h *HexView) Line(i int) string {
	var b []byte
	start := i * bytesPerLine
	if start >= len(h.data) {
		return ""
	}
	b = fmt.Appendf(b, "%04x  ", start)
	for j := 0; j < bytesPerLine; j++ {
		if j == 8 {
			b = append(b, ' ')
		}
		if start+j < len(h.data) {
			b = fmt.Appendf(b, "%02x ", h.data[start+j])
		} else {
			b = append(b, "   "...)
		}
	}
	b = append(b, "  "...)
	for j := 0; j < bytesPerLine && start+j < len(h.data); j++ {
		b = append(b, printable(h.data[start+j]))
	}
	return string(b)
}

func printable(c byte) byte {
	if c >= 0x20 && c < 0x7f {
		return c
	}
	return '.'
}

// Lines returns the number of dump lines.
func (h *HexView) Lines() int { return (len(h.data) + bytesPerLine - 1) / bytesPerLine }

// hexCol and asciiCol give the screen columns of byte j of a line.
func hexCol(j int) int {
	c := hexStart + j*3
	if j >= 8 {
		c++
	}
	return c
}

func asciiCol(j int) int { return asciiStart + j }

// Draw draws the dump.
func (h *HexView) Draw(screen tcell.Screen) {
	h.Box.DrawForSubclass(screen, h)
	x, y, width, height := h.GetInnerRect()
	base := tcell.StyleDefault.Background(h.theme.Background).Foreground(h.theme.Text)
	dim := base.Foreground(h.theme.Dim)
	hi := tcell.StyleDefault.Background(h.theme.HighlightBG).Foreground(h.theme.HighlightFG)
	cur := hi.Reverse(true)
	for row := 0; row < height; row++ {
		line := h.top + row
		if line >= h.Lines() {
			break
		}
		text := h.Line(line)
		for col, c := range []byte(text) {
			if col >= width {
				break
			}
			st := base
			if col < 4 {
				st = dim
			}
			screen.SetContent(x+col, y+row, rune(c), nil, st)
		}
		for j := 0; j < bytesPerLine; j++ {
			off := line*bytesPerLine + j
			if off >= len(h.data) {
				break
			}
			st := base
			in := off >= h.hiOff && off < h.hiOff+h.hiLen
			switch {
			case off == h.cursor:
				st = cur
			case in:
				st = hi
			default:
				continue
			}
			hc := hexCol(j)
			for k := 0; k < 2 && hc+k < width; k++ {
				screen.SetContent(x+hc+k, y+row, rune(text[hc+k]), nil, st)
			}
			if ac := asciiCol(j); ac < width && ac < len(text) {
				screen.SetContent(x+ac, y+row, rune(text[ac]), nil, st)
			}
		}
	}
}

// ByteAt returns the offset of the byte drawn at screen position (sx, sy),
// or -1.
func (h *HexView) ByteAt(sx, sy int) int {
	x, y, _, _ := h.GetInnerRect()
	col, row := sx-x, sy-y
	line := h.top + row
	if row < 0 || line >= h.Lines() {
		return -1
	}
	for j := 0; j < bytesPerLine; j++ {
		if hc := hexCol(j); col >= hc && col < hc+2 || col == asciiCol(j) {
			if off := line*bytesPerLine + j; off < len(h.data) {
				return off
			}
		}
	}
	return -1
}

// SetCursor moves the byte cursor to off and calls OnByte.
func (h *HexView) SetCursor(off int) {
	if len(h.data) == 0 {
		return
	}
	off = min(max(off, 0), len(h.data)-1)
	h.cursor = off
	h.scrollTo(off / bytesPerLine)
	if h.OnByte != nil {
		h.OnByte(off)
	}
}

// Cursor returns the byte cursor's offset, -1 before any.
func (h *HexView) Cursor() int { return h.cursor }

// InputHandler moves the byte cursor with the arrow keys.
func (h *HexView) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return h.WrapInputHandler(func(ev *tcell.EventKey, setFocus func(p tview.Primitive)) {
		c := h.cursor
		if c < 0 {
			c = h.hiOff
		}
		switch ev.Key() {
		case tcell.KeyLeft:
			h.SetCursor(c - 1)
		case tcell.KeyRight:
			h.SetCursor(c + 1)
		case tcell.KeyUp:
			h.SetCursor(c - bytesPerLine)
		case tcell.KeyDown:
			h.SetCursor(c + bytesPerLine)
		case tcell.KeyPgUp:
			_, _, _, ht := h.GetInnerRect()
			h.SetCursor(c - bytesPerLine*max(ht, 1))
		case tcell.KeyPgDn:
			_, _, _, ht := h.GetInnerRect()
			h.SetCursor(c + bytesPerLine*max(ht, 1))
		case tcell.KeyHome:
			h.SetCursor(0)
		case tcell.KeyEnd:
			h.SetCursor(len(h.data) - 1)
		}
	})
}

// MouseHandler selects the clicked byte and scrolls with the wheel.
func (h *HexView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return h.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		mx, my := event.Position()
		if !h.InRect(mx, my) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftClick:
			setFocus(h)
			if off := h.ByteAt(mx, my); off >= 0 {
				h.SetCursor(off)
			}
			return true, nil
		case tview.MouseScrollUp:
			h.top = max(h.top-1, 0)
			return true, nil
		case tview.MouseScrollDown:
			h.top = min(h.top+1, max(h.Lines()-1, 0))
			return true, nil
		}
		return false, nil
	})
}
