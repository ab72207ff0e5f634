package replay

import (
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	type fr struct {
		ts   time.Time
		n    int
		loop bool // NewLoop before this frame
	}
	frames := []fr{{at(0), 100, false}, {at(10), 100, false}, {at(30), 1000, false}, {at(0), 100, true}, {at(10), 100, false}, {at(30), 1000, false}}
	for _, tc := range []struct {
		name  string
		p     Pacing
		delay time.Duration
		want  []time.Duration
	}{
		{"original", Pacing{Mode: Original}, 0, []time.Duration{0, ms(10), ms(30), ms(30), ms(40), ms(60)}},
		{"original loop delay", Pacing{Mode: Original}, ms(5), []time.Duration{0, ms(10), ms(30), ms(35), ms(45), ms(65)}},
		{"multiplier 2", Pacing{Mode: Original, Multiplier: 2}, 0, []time.Duration{0, ms(5), ms(15), ms(15), ms(20), ms(30)}},
		{"multiplier 0.5", Pacing{Mode: Original, Multiplier: 0.5}, 0, []time.Duration{0, ms(20), ms(60), ms(60), ms(80), ms(120)}},
		{"pps 1000", Pacing{Mode: PPS, Rate: 1000}, 0, []time.Duration{0, ms(1), ms(2), ms(3), ms(4), ms(5)}},
		{"pps 3 with loop delay", Pacing{Mode: PPS, Rate: 3}, ms(7), []time.Duration{0, 333333333, 666666667, 1000000000 + ms(7), 1333333333 + ms(7), 1666666667 + ms(7)}},
		// 1 Mbps: 100 bytes = 800 µs.
		{"mbps 1", Pacing{Mode: Mbps, Rate: 1}, 0, []time.Duration{0, ms(0.8), ms(1.6), ms(9.6), ms(10.4), ms(11.2)}},
		{"topspeed", Pacing{Mode: Topspeed}, ms(2), []time.Duration{0, 0, 0, ms(2), ms(2), ms(2)}},
	} {
		s := NewSchedule(tc.p, tc.delay)
		for i, f := range frames {
			if f.loop {
				s.NewLoop()
			}
			if got := s.Next(f.ts, f.n); got != tc.want[i] {
				t.Errorf("%s: frame %d at %v, want %v", tc.name, i, got, tc.want[i])
			}
		}
	}
}

// TestScheduleNoDrift: a million frames at 3 pps (a gap that is not a
// whole number of nanoseconds) end exactly where they should.
func TestScheduleNoDrift(t *testing.T) {
	s := NewSchedule(Pacing{Mode: PPS, Rate: 3}, 0)
	var got time.Duration
	for i := 0; i < 3_000_001; i++ {
		got = s.Next(time.Time{}, 60)
	}
	if got != 1_000_000*time.Second {
		t.Errorf("3,000,001st frame at %v, want 1000000s", got)
	}
}

func TestScheduleBackwards(t *testing.T) {
	t0 := time.Unix(1000, 0)
	s := NewSchedule(Pacing{Mode: Original}, 0)
	want := []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond, 15 * time.Millisecond}
	for i, ts := range []time.Time{t0, t0.Add(10 * time.Millisecond), t0.Add(-time.Second), t0.Add(-time.Second + 5*time.Millisecond)} {
		if got := s.Next(ts, 60); got != want[i] {
			t.Errorf("frame %d at %v, want %v", i, got, want[i])
		}
	}
}

func TestPacingValidate(t *testing.T) {
	for _, p := range []Pacing{{Mode: PPS}, {Mode: Mbps, Rate: -1}, {Mode: Original, Multiplier: -2}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	for _, p := range []Pacing{{Mode: PPS, Rate: 0.5}, {Mode: Original}, {Mode: Topspeed}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
}
