// Command gapstat measures the pacing of a capture made on the receiving
// end of a replay: the rate between the first and last frame against a
// target, and the error of each inter-frame gap against the target's
// gap. scripts/bench-replay.sh runs it on what v6scope replay and
// tcpreplay sent.
//
//	gapstat FILE TARGET_PPS   (TARGET_PPS 0: top speed, no gap target)
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/capture"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gapstat FILE TARGET_PPS")
		os.Exit(1)
	}
	target, err := strconv.ParseFloat(os.Args[2], 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gapstat:", err)
		os.Exit(1)
	}
	r, err := capture.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gapstat:", err)
		os.Exit(2)
	}
	var (
		f     capture.Frame
		times []time.Time
	)
	for {
		err := r.Next(&f)
		if err != nil {
			var te *capture.TruncatedError
			if !errors.Is(err, io.EOF) && !errors.As(err, &te) {
				fmt.Fprintln(os.Stderr, "gapstat:", err)
				os.Exit(2)
			}
			break
		}
		times = append(times, f.Time)
	}
	if len(times) < 2 {
		fmt.Println("packets=0 pps=0 rate_error_pct=0 gap_p50_us=0 gap_p99_us=0 gap_max_us=0")
		return
	}
	span := times[len(times)-1].Sub(times[0]).Seconds()
	pps := float64(len(times)-1) / span
	rateErr := 0.0
	var errs []float64
	if target > 0 {
		rateErr = (pps/target - 1) * 100
		gap := 1e6 / target
		for i := 1; i < len(times); i++ {
			d := float64(times[i].Sub(times[i-1]).Nanoseconds())/1e3 - gap
			if d < 0 {
				d = -d
			}
			errs = append(errs, d)
		}
		slices.Sort(errs)
	}
	q := func(p float64) float64 {
		if len(errs) == 0 {
			return 0
		}
		return errs[min(len(errs)-1, int(p*float64(len(errs))))]
	}
	fmt.Printf("packets=%d pps=%.1f rate_error_pct=%+.3f gap_p50_us=%.2f gap_p99_us=%.2f gap_max_us=%.1f\n",
		len(times), pps, rateErr, q(0.5), q(0.99), q(1.0)-0)
}
