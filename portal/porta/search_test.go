package porta

import (
	"context"
	"strings"
	"testing"
)

// The account search of the admin portal's list (search[query]) and the
// application list's searches (search[name], search[account_query]).
func TestSearches(t *testing.T) {
	d, _ := mailDomain(t)
	admin := ByAdmin(d.Catalog().Providers[0])
	mine := accountNamed(t, d, "Dev Co").Applications[0]
	if _, err := d.SetUserKey(context.Background(), admin, AppRef{ID: mine.ID}, "mine-user-key"); err != nil {
		t.Fatal(err)
	}
	cat := d.Catalog()
	dev := accountNamed(t, d, "Dev Co")
	mine = dev.Applications[0]
	names := func(f AccountFilter) string {
		var out []string
		for _, acc := range Accounts(cat, admin, f) {
			out = append(out, acc.OrgName)
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct{ query, want string }{
		{"dev co", "Dev Co"},
		{"PENDING", "Pending Ltd"},
		{"jane", "Dev Co"},       // a member's username
		{"fred@fresh", "Fresh"},  // an email
		{"John", "Dev Co"},       // a user's first name
		{"wait-app", "Dev Co"},   // an app id
		{"waiting", "Dev Co"},    // an application's name
		{mine.UserKey, "Dev Co"}, // a user key
		{"user_key: " + mine.UserKey, "Dev Co"},
		{"user_key: nope", ""},
		{"dev pat", ""}, // every word must match
		{"nobody", ""},
		{"   ", "Dev Co,Pending Ltd,Fresh"},
	} {
		if got := names(AccountFilter{Query: c.query}); got != c.want {
			t.Errorf("search[query]=%q: %q, want %q", c.query, got, c.want)
		}
	}
	plan := dev.PlanID
	if got := names(AccountFilter{State: "pending"}); got != "Pending Ltd" {
		t.Errorf("pending: %q", got)
	}
	if got := names(AccountFilter{PlanID: &plan, Query: "e"}); got != "Dev Co,Pending Ltd,Fresh" {
		t.Errorf("by plan: %q", got)
	}

	apps := func(f ApplicationFilter) string {
		var out []string
		for _, app := range Applications(cat, admin, f) {
			out = append(out, app.Name)
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		f    ApplicationFilter
		want string
	}{
		{ApplicationFilter{NameQuery: "MIN"}, "Mine"},
		{ApplicationFilter{NameQuery: "user_key: " + mine.UserKey}, "Mine"},
		{ApplicationFilter{NameQuery: "user_key:" + mine.UserKey}, "Mine"},
		{ApplicationFilter{NameQuery: mine.UserKey}, ""}, // the name, not the key
		{ApplicationFilter{AccountQuery: "john@dev"}, "Mine,Waiting"},
		{ApplicationFilter{AccountQuery: "wait-app"}, "Mine,Waiting"}, // finds the account
		{ApplicationFilter{AccountQuery: "fresh"}, ""},
		{ApplicationFilter{NameQuery: "i", State: "pending"}, "Waiting"},
	} {
		if got := apps(c.f); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
}
