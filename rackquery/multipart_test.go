package rackquery

import "testing"

func TestParseMultipart(t *testing.T) {
	body := "--B\r\nContent-Disposition: form-data; name=\"transactions[0][app_id]\"\r\n\r\na&b\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"transactions[0][usage][hits]\"\r\n\r\n2\r\n--B--\r\n"
	h, err := ParseMultipart([]byte(body), "B")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.String(); got != `{"transactions"=>{"0"=>{"app_id"=>"a&b", "usage"=>{"hits"=>"2"}}}}` {
		t.Errorf("parsed as %s", got)
	}
	if _, err := ParseMultipart([]byte("--B\r\nno end"), "B"); err == nil {
		t.Error("a truncated body parsed")
	} else if e, ok := err.(*Error); !ok || e.Kind != KindType {
		t.Errorf("error %v", err)
	}
}
