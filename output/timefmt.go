package output

import (
	"fmt"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/decode"
)

// TimeFormat is how the Time column is shown, as tshark's -t takes it.
type TimeFormat int

// Time formats, by their -t letters.
const (
	TimeRelative   TimeFormat = iota // r: seconds since the first frame
	TimeAbsolute                     // a: local time of day
	TimeAbsDate                      // ad: local date and time
	TimeAbsDOY                       // adoy: local date as year/day-of-year, and time
	TimeDelta                        // d: seconds since the previous captured frame
	TimeDeltaShown                   // dd: seconds since the previous displayed frame
	TimeEpoch                        // e: seconds since 1970
	TimeUTC                          // u: UTC time of day
	TimeUTCDate                      // ud: UTC date and time
	TimeUTCDOY                       // udoy: UTC date as year/day-of-year, and time
)

var timeFormats = map[string]TimeFormat{
	"r": TimeRelative, "a": TimeAbsolute, "ad": TimeAbsDate, "adoy": TimeAbsDOY,
	"d": TimeDelta, "dd": TimeDeltaShown, "e": TimeEpoch,
	"u": TimeUTC, "ud": TimeUTCDate, "udoy": TimeUTCDOY,
}

// ParseTimeFormat parses a -t argument.
func ParseTimeFormat(s string) (TimeFormat, error) {
	if f, ok := timeFormats[s]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("-t %q: unknown time format; use one of a, ad, adoy, d, dd, e, r, u, ud, udoy (as tshark's -t)", s)
}

// Clock formats the Time column. Digits is the number of decimals: 6 for
// microsecond captures and 9 for nanosecond ones, as tshark does.
type Clock struct {
	Format    TimeFormat
	Digits    int
	Location  *time.Location // nil means time.Local
	lastShown time.Time
	shown     bool
}

// Append appends p's time. shown tells the clock that p is displayed, for
// the dd format.
func (c *Clock) Append(dst []byte, p *decode.Packet) []byte {
	loc := c.Location
	if loc == nil {
		loc = time.Local
	}
	digits := c.Digits
	if digits <= 0 || digits > 9 {
		digits = 9
	}
	switch c.Format {
	case TimeRelative:
		return appendSecs(dst, p.Relative, digits)
	case TimeDelta:
		return appendSecs(dst, p.Delta, digits)
	case TimeDeltaShown:
		var d time.Duration
		if c.shown {
			d = p.Time.Sub(c.lastShown)
		}
		c.lastShown, c.shown = p.Time, true
		return appendSecs(dst, d, digits)
	case TimeEpoch:
		return appendSecs(dst, time.Duration(p.Time.UnixNano()), digits)
	case TimeAbsolute:
		return appendClock(dst, p.Time.In(loc), "15:04:05", digits)
	case TimeAbsDate:
		return appendClock(dst, p.Time.In(loc), "2006-01-02 15:04:05", digits)
	case TimeAbsDOY:
		return appendClock(dst, p.Time.In(loc), "2006/002 15:04:05", digits)
	case TimeUTC:
		return appendClock(dst, p.Time.UTC(), "15:04:05", digits)
	case TimeUTCDate:
		return appendClock(dst, p.Time.UTC(), "2006-01-02 15:04:05", digits)
	case TimeUTCDOY:
		return appendClock(dst, p.Time.UTC(), "2006/002 15:04:05", digits)
	}
	return dst
}

func appendSecs(dst []byte, d time.Duration, digits int) []byte {
	if d < 0 {
		dst = append(dst, '-')
		d = -d
	}
	dst = strconv.AppendInt(dst, int64(d/time.Second), 10)
	return appendFrac(dst, int64(d%time.Second), digits)
}

func appendClock(dst []byte, t time.Time, layout string, digits int) []byte {
	dst = t.AppendFormat(dst, layout)
	return appendFrac(dst, int64(t.Nanosecond()), digits)
}

func appendFrac(dst []byte, ns int64, digits int) []byte {
	dst = append(dst, '.')
	for i := 9; i > digits; i-- {
		ns /= 10
	}
	var buf [9]byte
	for i := digits - 1; i >= 0; i-- {
		buf[i] = byte('0' + ns%10)
		ns /= 10
	}
	return append(dst, buf[:digits]...)
}
