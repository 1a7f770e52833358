package builderxml

import "testing"

func TestDoc(t *testing.T) {
	d := New().Open("plan", "custom", `a"b`, "default", "x\ny").Text("name", "A & <B>").Nil("trial_period_days").
		Opt("description", "").Opt("state", "published").Open("annotations").Close("annotations").Raw([]byte("<raw/>")).Close("plan")
	want := Declaration + `<plan custom="a&quot;b" default="x&#10;y"><name>A &amp; &lt;B&gt;</name><trial_period_days/>` +
		`<description/><state>published</state><annotations></annotations><raw/></plan>`
	if got := string(d.Bytes()); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	if got := string(Fragment().Text("a", "\x01\xff ü \"q\"").Bytes()); got != `<a>** ü "q"</a>` {
		t.Errorf("fragment: %s", got)
	}
}
