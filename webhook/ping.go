package webhook

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// PingTimeout bounds a ping: the admin portal's page waits for it.
const PingTimeout = 10 * time.Second

// Ping is porta's WebHook#ping (the webhooks page's "Ping!"): a GET of
// the webhook URL with ping=3scale added to its query. Any answer is a
// pong, whatever its status (redirects are not followed); err is why
// there was none: a bad URL, a refused connection, a timeout.
func Ping(ctx context.Context, client *http.Client, rawURL string) (int, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return 0, fmt.Errorf("bad URI(is not URI?): %q", rawURL)
	}
	q := u.Query()
	q.Set("ping", "3scale")
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "threescale-sandbox webhooks")
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}
