package main

import (
	"fmt"
	"os"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/ikev2"
)

// useIKEv2Keys reads the key table of analyze --ikev2-keys (none when path
// is empty) and gives it to d, so that the IKEv2 tracker reads encrypted
// payloads instead of inferring (docs/analyze.md, "IKEv2").
func useIKEv2Keys(d *decode.Decoder, path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return &exitError{exitInput, fmt.Errorf("--ikev2-keys: %w", err)}
	}
	defer f.Close()
	k, err := ikev2.ReadKeyTable(f)
	if err != nil {
		return &exitError{exitInput, fmt.Errorf("--ikev2-keys %s: %w", path, err)}
	}
	d.SetIKEv2Keys(k)
	return nil
}
