package timestamp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// rubyAnswer is one line of testdata/answers.jsonl: what Ruby 3.3's
// Date._parse and apisonator's parse_to_utc answer for an input
// (testdata/ruby/parse_to_utc.rb wrote them).
type rubyAnswer struct {
	In   string `json:"in"`
	Hash string `json:"hash"`
	UTC  any    `json:"utc"` // UNIX seconds, nil, "far+" or "far-"
}

var minAnswers = 3000

func loadAnswers(t testing.TB) []rubyAnswer {
	f, err := os.Open("testdata/answers.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []rubyAnswer
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a rubyAnswer
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("answers.jsonl: %v", err)
		}
		out = append(out, a)
	}
	return out
}

// TestRubyAnswers checks every input Ruby answered for, the whole hash of
// Date._parse as well as the instant apisonator makes of it.
func TestRubyAnswers(t *testing.T) {
	answers := loadAnswers(t)
	if len(answers) < minAnswers {
		t.Fatalf("only %d answers", len(answers))
	}
	bad := 0
	for _, a := range answers {
		gotHash := "error"
		if h, ok := dateParse(a.In); ok {
			gotHash = h.inspect()
		}
		gotUTC := utcOf(a.In)
		if gotHash != a.Hash || gotUTC != fmt.Sprint(a.UTC) {
			bad++
			if bad <= 20 {
				t.Errorf("%q:\n got  %s → %s\n ruby %s → %v", a.In, gotHash, gotUTC, a.Hash, a.UTC)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d differ from Ruby", bad, len(answers))
	}
}

// utcOf renders Parse the way parse_to_utc.rb renders Ruby's answer.
func utcOf(s string) string {
	t, ok := Parse(s)
	if !ok {
		return "<nil>"
	}
	switch u := t.Unix(); {
	case u > 1e13:
		return "far+"
	case u < -1e13:
		return "far-"
	default:
		return strconv.FormatInt(u, 10)
	}
}

// inspect renders the hash as parse_to_utc.rb does: sorted keys,
// saturated integers as SAT.
func (h frags) inspect() string {
	kv := map[string]string{}
	for name, f := range map[string]field{
		"year": h.year, "mon": h.mon, "mday": h.mday, "hour": h.hour, "min": h.min, "sec": h.sec,
		"wday": h.wday, "yday": h.yday, "cwyear": h.cwyear, "cweek": h.cweek, "cwday": h.cwday,
	} {
		if f.ok {
			kv[name] = showInt(big.NewInt(f.v))
		}
	}
	if h.hasFraction {
		n, _ := new(big.Int).SetString("0"+h.fraction, 10)
		d := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(h.fraction))), nil)
		r := new(big.Rat).SetFrac(n, d)
		kv["sec_fraction"] = showInt(r.Num()) + "/" + showInt(r.Denom())
	}
	if h.hasZone {
		kv["zone"] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(h.zone) + `"`
	}
	if h.hasOffset {
		switch o := h.offset; {
		case !o.known:
			kv["offset"] = "nil"
		case o.den == 1:
			kv["offset"] = strconv.FormatInt(o.num, 10)
		default:
			kv["offset"] = fmt.Sprintf("%d/%d", o.num, o.den)
		}
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + kv[k]
	}
	return strings.Join(parts, " ")
}

func showInt(v *big.Int) string {
	sat := big.NewInt(satLimit)
	switch {
	case v.Cmp(sat) >= 0:
		return "SAT"
	case v.Cmp(new(big.Int).Neg(sat)) <= 0:
		return "-SAT"
	}
	return v.String()
}
