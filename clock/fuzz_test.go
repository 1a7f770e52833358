package clock

import (
	"strings"
	"testing"
)

// FuzzParseDuration: no text panics; a refusal gives the forms; what is
// read prints back to the same duration.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1h30m", "1d", "-2d6h", "+5m", "0s", "1.5h", "99999999d", "1d-2h", "", "d", "106000d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if !strings.Contains(err.Error(), "want a duration") && !strings.Contains(err.Error(), "too far") {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := ParseDuration(d.String())
		if err != nil || again != d {
			t.Fatalf("%q read as %v, which reads back as %v, %v", s, d, again, err)
		}
	})
}
