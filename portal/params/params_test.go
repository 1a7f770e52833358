package params

import "testing"

// Ruby's String#to_i, as irb answers.
func TestInteger(t *testing.T) {
	for in, want := range map[string]string{
		"": "0", "abc": "0", "12": "12", "+12": "12", "-12": "-12", "  7x": "7", "1_000": "1000", "1__0": "1",
		"1_": "1", "_1": "0", "+": "0", "-": "0", "0x1A": "0", "012": "12", "1e5": "1", "\n\t 3": "3",
		"99999999999999999999": "99999999999999999999", "- 1": "0",
	} {
		if got := Integer(in).String(); got != want {
			t.Errorf("%q.to_i = %s, want %s", in, got, want)
		}
	}
	if got := ToI("99999999999999999999"); got != 0 {
		t.Errorf("ToI past int64 = %d, want 0", got)
	}
}
