package widgets

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// Theme is the colours of every widget.
type Theme struct {
	Name                     string
	Background               tcell.Color
	Text                     tcell.Color
	Dim                      tcell.Color
	Border                   tcell.Color
	Focus                    tcell.Color // border of the focused pane
	Title                    tcell.Color
	SelectBG                 tcell.Color
	SelectFG                 tcell.Color
	HighlightBG, HighlightFG tcell.Color // the selected field's bytes
	Error                    tcell.Color
	Warn                     tcell.Color
	Good                     tcell.Color
	Mark                     tcell.Color
	// Protocols colours the packet list by protocol (lower case).
	Protocols map[string]tcell.Color
}

// Dark is the default theme: light text on a black background.
var Dark = Theme{
	Name: "dark", Background: tcell.ColorBlack, Text: tcell.ColorWhite, Dim: tcell.ColorGray,
	Border: tcell.ColorGray, Focus: tcell.ColorYellow, Title: tcell.ColorAqua,
	SelectBG: tcell.ColorNavy, SelectFG: tcell.ColorWhite,
	HighlightBG: tcell.ColorOlive, HighlightFG: tcell.ColorBlack,
	Error: tcell.ColorRed, Warn: tcell.ColorOrange, Good: tcell.ColorGreen, Mark: tcell.ColorFuchsia,
	Protocols: map[string]tcell.Color{
		"icmpv6": tcell.ColorLightSkyBlue, "teredo": tcell.ColorPaleGreen, "mipv6": tcell.ColorPlum,
		"isakmp": tcell.ColorKhaki, "esp": tcell.ColorTan, "udpencap": tcell.ColorTan,
		"udp": tcell.ColorLightCyan, "ethernet": tcell.ColorGray, "data": tcell.ColorGray,
	},
}

// Light is dark text on a white background.
var Light = Theme{
	Name: "light", Background: tcell.ColorWhite, Text: tcell.ColorBlack, Dim: tcell.ColorDimGray,
	Border: tcell.ColorDarkGray, Focus: tcell.ColorBlue, Title: tcell.ColorDarkBlue,
	SelectBG: tcell.ColorLightSteelBlue, SelectFG: tcell.ColorBlack,
	HighlightBG: tcell.ColorYellow, HighlightFG: tcell.ColorBlack,
	Error: tcell.ColorDarkRed, Warn: tcell.ColorDarkOrange, Good: tcell.ColorDarkGreen, Mark: tcell.ColorPurple,
	Protocols: map[string]tcell.Color{
		"icmpv6": tcell.ColorNavy, "teredo": tcell.ColorDarkGreen, "mipv6": tcell.ColorPurple,
		"isakmp": tcell.ColorSaddleBrown, "esp": tcell.ColorMaroon, "udpencap": tcell.ColorMaroon,
		"udp": tcell.ColorTeal, "ethernet": tcell.ColorDimGray, "data": tcell.ColorDimGray,
	},
}

// ProtoColor returns the colour of a protocol in the packet list.
func (t *Theme) ProtoColor(proto string) tcell.Color {
	if c, ok := t.Protocols[strings.ToLower(proto)]; ok {
		return c
	}
	return t.Text
}

// Install sets tview's global styles to t, for primitives made after it.
func (t *Theme) Install() {
	tview.Styles.PrimitiveBackgroundColor = t.Background
	tview.Styles.ContrastBackgroundColor = t.SelectBG
	tview.Styles.MoreContrastBackgroundColor = t.SelectBG
	tview.Styles.BorderColor = t.Border
	tview.Styles.TitleColor = t.Title
	tview.Styles.GraphicsColor = t.Border
	tview.Styles.PrimaryTextColor = t.Text
	tview.Styles.SecondaryTextColor = t.Title
	tview.Styles.TertiaryTextColor = t.Good
	tview.Styles.InverseTextColor = t.SelectFG
	tview.Styles.ContrastSecondaryTextColor = t.Text
}

// Style applies t to a box: background, border and title colours.
func (t *Theme) Style(b *tview.Box) {
	b.SetBackgroundColor(t.Background)
	b.SetBorderColor(t.Border)
	b.SetTitleColor(t.Title)
}
