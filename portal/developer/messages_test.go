package developer_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The message pages over plain HTTP: the inbox, compose, replies, the sent
// messages and the trash.

// tell sends a message from the provider to an account through the API.
func tell(t *testing.T, s *portaltest.Sandbox, accountID int64, subject, body string) {
	t.Helper()
	if r := s.Client(t, s.API).Do("POST", "/admin/api/accounts/"+itoa(accountID)+"/messages.xml", url.Values{
		"access_token": {"acme-access-token"}, "subject": {subject}, "body": {body}}); r.Status != 201 {
		t.Fatalf("message: %d %s", r.Status, r.Body)
	}
}

var inboxLinkRE = regexp.MustCompile(`href="(/admin/messages/received/\d+)"`)

// providerInbox is the provider's received messages.
func providerInbox(t *testing.T, s *portaltest.Sandbox) []store.Received {
	t.Helper()
	msgs, err := s.Store.ReceivedMessages(t.Context(), store.Mailbox{ProviderID: s.Store.Catalog().Providers[0].ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestMessages(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	if r := c.Get("/admin/messages"); r.URL.Path != "/admin/messages/received" || !strings.Contains(r.Text(), "Your inbox is empty.") {
		t.Errorf("empty inbox: %s %s", r.URL, r.Text())
	}
	tell(t, s, 1, "<script>alert(1)</script>", "Hello,\nline two")
	r := c.Get("/admin/messages/received")
	if !strings.Contains(r.Body, `Messages <span class="badge" title="unread">1</span>`) || !strings.Contains(r.Body, `<tr class="unread">`) ||
		strings.Contains(r.Body, "<script>alert") || !strings.Contains(r.Text(), "<script>alert(1)</script> Acme Inc") {
		t.Errorf("inbox: %s", r.Text())
	}
	link := inboxLinkRE.FindStringSubmatch(r.Body)[1]
	r = c.Get(link)
	if !strings.Contains(r.Text(), "Received from Acme Inc at 22 Nov 2026 10:15 UTC") || !strings.Contains(r.Body, "<pre class=\"message\">Hello,\nline two</pre>") ||
		!strings.Contains(r.Text(), "Re: <script>alert(1)</script>") || strings.Contains(r.Body, `<span class="badge"`) {
		t.Errorf("the message: %s", r.Text())
	}
	if r := c.Get("/admin/messages/received"); !strings.Contains(r.Body, `<tr class="read">`) {
		t.Error("opened, the message is still unread")
	}
	// The reply goes to the provider, "Re: SUBJECT".
	c.Get(link)
	id := strings.TrimPrefix(link, "/admin/messages/received/")
	r = c.Post("/admin/messages/received", url.Values{"reply_to": {id}, "message[body]": {"Thanks!"}})
	if r.URL.Path != "/admin/messages/received" || !slices.Equal(r.Flash(), []string{"notice: Reply was sent."}) {
		t.Errorf("reply: %s %v", r.URL, r.Flash())
	}
	if got := providerInbox(t, s); len(got) != 1 || got[0].Subject != "Re: <script>alert(1)</script>" || got[0].Body != "Thanks!" {
		t.Errorf("the provider's inbox %+v", got)
	}
	if es := s.Emails(t, store.EmailFilter{Subject: "New message from Developer Co"}); len(es) != 1 || es[0].To != "admin@acme.example.com" {
		t.Errorf("the provider's email %+v", es)
	}
	if r := c.Get("/admin/messages/sent"); !strings.Contains(r.Text(), "Re: <script>alert(1)</script> Acme Inc") {
		t.Errorf("sent: %s", r.Text())
	}

	// Compose: a subject is needed.
	c.Get("/admin/messages/new")
	r = c.Post("/admin/messages/sent", url.Values{"message[subject]": {""}, "message[body]": {"kept"}})
	if r.Status != 422 || !strings.Contains(r.Text(), "Subject can't be blank") || !strings.Contains(r.Body, ">kept</textarea>") {
		t.Errorf("no subject: %d %s", r.Status, r.Text())
	}
	if r := c.Post("/admin/messages/sent", url.Values{"message[subject]": {"Forged"}, "authenticity_token": {""}}); r.Status != 403 {
		t.Errorf("no CSRF token: %d", r.Status)
	}
	c.Login("john", "john")
	c.Get("/admin/messages/new")
	r = c.Post("/admin/messages/sent", url.Values{"message[subject]": {"A question"}, "message[body]": {"How?"}})
	if r.URL.Path != "/admin/messages/received" || !slices.Equal(r.Flash(), []string{"notice: Message was sent."}) {
		t.Errorf("compose: %s %v", r.URL, r.Flash())
	}
	if got := providerInbox(t, s); len(got) != 2 || got[0].Subject != "A question" {
		t.Errorf("the provider's inbox %+v", got)
	}
}

func TestMessageTrash(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	tell(t, s, 1, "Old news", "…")
	tell(t, s, 1, "Keep me", "…")
	c.Get("/admin/messages/new")
	c.Post("/admin/messages/sent", url.Values{"message[subject]": {"Mine"}, "message[body]": {"…"}})

	r := c.Get("/admin/messages/received")
	links := inboxLinkRE.FindAllStringSubmatch(r.Body, -1)
	oldNews := links[1][1] // newest first
	r = c.Post(oldNews, url.Values{"_method": {"delete"}})
	if !slices.Equal(r.Flash(), []string{"notice: Message was deleted."}) || strings.Contains(r.Text(), "Old news") {
		t.Errorf("delete: %v %s", r.Flash(), r.Text())
	}
	r = c.Get("/admin/messages/sent")
	sentLink := regexp.MustCompile(`href="(/admin/messages/sent/\d+)"`).FindStringSubmatch(r.Body)[1]
	r = c.Post(sentLink, url.Values{"_method": {"delete"}})
	if r.URL.Path != "/admin/messages/sent" || !strings.Contains(r.Text(), "Your outbox is empty.") {
		t.Errorf("delete sent: %s %s", r.URL, r.Text())
	}
	r = c.Get("/admin/messages/trash")
	if !strings.Contains(r.Text(), "Mine Developer Co") || !strings.Contains(r.Text(), "Old news Acme Inc") {
		t.Errorf("trash: %s", r.Text())
	}
	trashLinks := regexp.MustCompile(`href="(/admin/messages/trash/\d+)"`).FindAllStringSubmatch(r.Body, -1)
	if len(trashLinks) != 2 {
		t.Fatalf("trash links %v", trashLinks)
	}
	if r := c.Get(trashLinks[0][1]); !strings.Contains(r.Text(), "Mine by Developer Co") {
		t.Errorf("a trashed message: %s", r.Text())
	}
	// Restore the sent one; empty the rest.
	c.Get("/admin/messages/trash")
	r = c.Post(trashLinks[0][1], url.Values{"_method": {"delete"}})
	if !slices.Equal(r.Flash(), []string{"notice: Message was restored."}) || strings.Contains(r.Text(), "Mine") {
		t.Errorf("restore: %v %s", r.Flash(), r.Text())
	}
	if r := c.Get("/admin/messages/sent"); !strings.Contains(r.Text(), "Mine") {
		t.Errorf("restored to sent: %s", r.Text())
	}
	c.Get("/admin/messages/trash")
	r = c.Post("/admin/messages/trash", url.Values{"_method": {"delete"}})
	if !slices.Equal(r.Flash(), []string{"notice: Received messages have been deleted."}) || !strings.Contains(r.Text(), "Your trash is empty.") {
		t.Errorf("empty: %v %s", r.Flash(), r.Text())
	}
	if r := c.Get(oldNews); r.Status != 404 {
		t.Errorf("a deleted message: %d", r.Status)
	}
	if r := c.Get("/admin/messages/received"); !strings.Contains(r.Text(), "Keep me") {
		t.Errorf("the inbox lost a message: %s", r.Text())
	}
}

// Another account's messages, and system messages, are not the
// developer's to read or answer.
func TestMessageScope(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	tell(t, s, 2, "For Pending Ltd", "secret") // pat's account
	var theirs int64
	if msgs, err := s.Store.ReceivedMessages(t.Context(), store.Mailbox{ProviderID: 1, AccountID: 2}, false); err != nil || len(msgs) != 1 {
		t.Fatalf("their inbox %v %v", msgs, err)
	} else {
		theirs = msgs[0].RecipientID
	}
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	for _, path := range []string{"/admin/messages/received/" + itoa(theirs), "/admin/messages/received/999",
		"/admin/messages/sent/1", "/admin/messages/trash/1", "/admin/messages/received/x"} {
		if r := c.Get(path); r.Status != 404 {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	c.Get("/admin/messages/new")
	if r := c.Post("/admin/messages/received", url.Values{"reply_to": {itoa(theirs)}, "message[body]": {"Hi"}}); r.Status != 404 {
		t.Errorf("reply to theirs: %d", r.Status)
	}
	c.Get("/admin/messages/new")
	if r := c.Post("/admin/messages/received/"+itoa(theirs), url.Values{"_method": {"delete"}}); r.Status != 404 {
		t.Errorf("delete theirs: %d", r.Status)
	}
	// A system message has no reply form, and no one to answer.
	api := s.Client(t, s.API)
	if r := api.Do("PUT", "/admin/api/accounts/1/applications/1/suspend.xml", url.Values{"access_token": {"acme-access-token"}}); r.Status != 200 {
		t.Fatal(r.Status)
	}
	r := c.Get("/admin/messages/received")
	link := inboxLinkRE.FindStringSubmatch(r.Body)[1]
	if r := c.Get(link); strings.Contains(r.Body, "reply_form") || !strings.Contains(r.Text(), "API System: Application has been suspended") {
		t.Errorf("a system message: %s", r.Text())
	}
	if r := c.Post("/admin/messages/received", url.Values{"reply_to": {strings.TrimPrefix(link, "/admin/messages/received/")},
		"message[body]": {"Why?"}}); r.Status != 404 {
		t.Errorf("reply to a system message: %d", r.Status)
	}
	if got := providerInbox(t, s); len(got) != 0 {
		t.Errorf("the provider got %+v", got)
	}
}
