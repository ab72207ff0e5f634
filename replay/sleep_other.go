//go:build !linux

package replay

import "time"

func sleep(d time.Duration) { time.Sleep(d) }

func preciseThread() func() { return func() {} }

func realtimeThread() func() { return func() {} }
