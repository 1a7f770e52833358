package porta

import (
	"fmt"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The emails porta sends (portal-spec.md §7), composed in one place: the
// operations queue them in their transaction, beside the webhook events,
// and the sandbox writes them to its outbox instead of sending them.
// Subjects and bodies are porta's default templates, their sentences
// verbatim; the links in them point at this sandbox's portals (Links).

// Links are the base URLs of the two portals ("http://127.0.0.1:3002"),
// for the links in emails. An empty one leaves a link as a bare path.
type Links struct {
	Developer, Admin string
}

// The kinds of emails, as the outbox names what caused each one.
const (
	MailSignupConfirmation   = "signup_confirmation"
	MailWaitingList          = "waiting_list"
	MailAccountApproved      = "account_approved"
	MailAccountRejected      = "account_rejected"
	MailInvitation           = "invitation"
	MailLostPassword         = "lost_password"
	MailMessage              = "message"
	MailSystemMessage        = "system_message"
	MailProviderSignup       = "provider_account_created"
	MailProviderAppCreated   = "provider_application_created"
	MailProviderPlanRequest  = "provider_plan_change_requested"
	MailProviderMessage      = "provider_message_received"
	developerPortalMessages  = "/admin/messages/received/"
	adminPortalMessages      = "/p/admin/messages/inbox/"
	developerPortalDashboard = "/admin/"
)

// mail is an email being composed: its recipients, what it says and what
// caused it.
type mail struct {
	kind      string
	to        []string
	subject   string
	body      []string // paragraphs
	links     []string
	accountID int64 // 0: about no account
}

// link returns url and records it as one of the email's links.
func (m *mail) link(url string) string {
	m.links = append(m.links, url)
	return url
}

// queue writes the email to the outbox, one row per recipient.
func (t *tx) queue(m mail) error {
	prov, err := t.provider()
	if err != nil {
		return err
	}
	body := strings.Join(m.body, "\n\n") + "\n"
	for _, to := range m.to {
		if to == "" {
			continue
		}
		if err := t.QueueEmail(&store.Email{ProviderID: prov.ID, To: to, From: fromAddress(prov), Subject: m.subject,
			Body: body, Links: m.links, Kind: m.kind, AccountID: m.accountID}); err != nil {
			return err
		}
	}
	return nil
}

// developer and admin are URLs of the portals.
func (l Links) developer(path string) string { return l.Developer + path }
func (l Links) admin(path string) string     { return l.Admin + path }

// fromAddress is porta's from address when the provider set none: the
// sandbox's no-reply address at the provider admin's domain.
func fromAddress(p *store.Provider) string {
	domain := "example.com"
	if _, d, ok := strings.Cut(p.AdminEmail, "@"); ok && d != "" {
		domain = d
	}
	return "no-reply@" + domain
}

// supportEmail is porta's provider.support_email: the provider's first
// admin's email.
func supportEmail(p *store.Provider) string { return p.AdminEmail }

// admins are the emails of an account's admins, to whom porta writes
// about the account.
func adminEmails(acc *store.Account) []string {
	var out []string
	for _, u := range acc.Admins() {
		out = append(out, u.Email)
	}
	return out
}

// firstAdmin is the account's first admin (porta's admin_user), nil for
// none.
func firstAdmin(acc *store.Account) *store.User {
	if admins := acc.Admins(); len(admins) > 0 {
		return admins[0]
	}
	return nil
}

// signupConfirmationMail is UserMailer#signup_notification: the
// activation link of a developer who signed up in the developer portal.
func signupConfirmationMail(l Links, prov *store.Provider, u *store.User, code string) mail {
	m := mail{kind: MailSignupConfirmation, to: []string{u.Email}, accountID: u.AccountID,
		subject: prov.Name + " API account confirmation"}
	m.body = []string{
		"Dear " + u.DisplayName() + ",",
		"Thank you for signing up for access to the " + prov.Name + " API, your account has been created.",
		"  Your username is: " + u.Username,
		"  To activate your account, please visit:",
		"  " + m.link(l.developer("/activate/"+code)),
		"If you have problems activating your account, please contact support at " + supportEmail(prov) + ".",
		"The API Teams at " + prov.Name,
	}
	return m
}

// accountMail is one of AccountMailer's, to the account's admin user.
func accountMail(kind, subject string, acc *store.Account, body func(name string) []string) (mail, bool) {
	admin := firstAdmin(acc)
	if admin == nil {
		return mail{}, false
	}
	return mail{kind: kind, to: []string{admin.Email}, accountID: acc.ID, subject: subject,
		body: body(admin.DisplayName())}, true
}

// waitingListMail is AccountMailer#confirmed: the account waits for the
// provider's approval.
func waitingListMail(acc store.LinkedAccount) (mail, bool) {
	prov := acc.Provider
	return accountMail(MailWaitingList, "Waiting list confirmation", acc.Account, func(name string) []string {
		return []string{
			"Dear " + name + ",",
			"This email is to confirm that we have received your registration request for access to " + prov.Name + "'s API.",
			"You will receive another email once we have approved your account.",
			"Thank you for your interest, and we will be in touch again shortly.",
			"Sincerely,\nThe " + prov.Name + " API Team",
		}
	})
}

// accountApprovedMail is AccountMailer#approved.
func accountApprovedMail(l Links, acc store.LinkedAccount) (mail, bool) {
	prov := acc.Provider
	m, ok := accountMail(MailAccountApproved, "Registration now active!", acc.Account, func(string) []string { return nil })
	if !ok {
		return m, false
	}
	name := firstAdmin(acc.Account).DisplayName()
	m.body = []string{
		"Dear " + name + ",",
		prov.Name + " has approved your signup for the " + prov.Name + " API.",
		"You may now view and manage your app/API key at " + m.link(l.developer(developerPortalDashboard)),
		"If you have problems logging into the account please contact " + supportEmail(prov) + ".",
		"Sincerely,\nThe " + prov.Name + " API Team",
	}
	return m, true
}

// accountRejectedMail is AccountMailer#rejected.
func accountRejectedMail(acc store.LinkedAccount) (mail, bool) {
	prov := acc.Provider
	return accountMail(MailAccountRejected, "Registration Denied", acc.Account, func(name string) []string {
		return []string{
			"Dear " + name + ",",
			"We are sorry, but your registration to access " + prov.Name + "'s API was rejected.",
			"If you have any questions please contact " + supportEmail(prov) + ".",
			"Sincerely,\nThe " + prov.Name + " API team",
		}
	})
}

// invitationMail is InvitationMailer#invitation: the invitee's signup
// link, /signup/TOKEN.
func invitationMail(l Links, acc store.LinkedAccount, email, token string) mail {
	prov := acc.Provider
	m := mail{kind: MailInvitation, to: []string{email}, accountID: acc.ID, subject: "Invitation to join " + acc.OrgName}
	m.body = []string{
		"You have been invited to join " + acc.OrgName + ".",
		"Please sign up by following this link: " + m.link(l.developer("/signup/"+token)),
		"If you have problems signing up or believe you received this email erroneously\nplease contact " +
			supportEmail(prov) + ".",
		"The " + prov.Name + " API Team.",
	}
	return m
}

// lostPasswordMail is UserMailer#lost_password: the reset link, valid for
// 24 hours.
func lostPasswordMail(l Links, prov *store.Provider, u *store.User, token string) mail {
	m := mail{kind: MailLostPassword, to: []string{u.Email}, accountID: u.AccountID,
		subject: prov.Name + " Lost password recovery. (Valid for 24 hours)"}
	m.body = []string{
		"Dear " + u.DisplayName() + ",",
		"You can reset your password by visiting the following link:",
		m.link(l.developer("/admin/account/password?password_reset_token=" + token)),
		"If you continue having problems or if you have not requested this change, please\ncontact support " +
			supportEmail(prov) + " and we will get back to you as soon as\npossible.",
		"The " + prov.Name + " API Team.",
	}
	return m
}

// messageMail is PostOffice#message_notification of a message a person
// wrote to a developer account: "[msg] SUBJECT" to its admins, with the
// link to the message in the developer portal's inbox.
func messageMail(l Links, prov *store.Provider, acc *store.Account, msg *store.Message, recipientID int64) mail {
	m := mail{kind: MailMessage, to: adminEmails(acc), accountID: acc.ID, subject: "[msg] " + msg.Subject}
	m.body = []string{
		prov.Name + " has sent you a new message:",
		"--------------",
		msg.Body,
		"--------------",
		"You can reply to the message here " + m.link(l.developer(developerPortalMessages+id(recipientID))),
		"The API Team.",
	}
	return m
}

// systemMail is the email of a system message: its subject and body, to
// the account's admins.
func systemMail(acc *store.Account, msg *store.Message) mail {
	return mail{kind: MailSystemMessage, to: adminEmails(acc), accountID: acc.ID, subject: msg.Subject,
		body: []string{strings.TrimSuffix(msg.Body, "\n")}}
}

// providerMail is a NotificationMailer email to the provider's admin.
func providerMail(kind, subject string, acc *store.Account, prov *store.Provider, body ...string) mail {
	return mail{kind: kind, to: []string{prov.AdminEmail}, accountID: acc.ID, subject: subject,
		body: append([]string{"Dear " + prov.AdminUsername + ","}, body...)}
}

// providerSignupMail is NotificationMailer#account_created: a developer
// signed up.
func providerSignupMail(cat *store.Catalog, l Links, acc *store.Account, u *store.User) mail {
	prov, plan := cat.Provider(acc.ProviderID), cat.Plan(acc.PlanID)
	var services []string
	for _, c := range acc.Contracts {
		services = append(services, cat.Service(c.ServiceID).Name)
	}
	signedUpFor := toSentence(services)
	if signedUpFor == "" {
		signedUpFor = "does not have service"
	}
	m := providerMail(MailProviderSignup, u.InformalName()+" from "+acc.OrgName+" signed up", acc, prov,
		u.InformalName()+" from "+acc.OrgName+" has signed-up for: "+signedUpFor+".")
	link := m.link(l.admin("/buyers/accounts/" + id(acc.ID)))
	if plan != nil && plan.ApprovalRequired {
		m.body = append(m.body, "  The user requires your approval before keys can be used.\n"+
			"  Please approve / reject the user from your 3scale Admin Portal.",
			"  To approve/reject application, follow this link: "+link)
	} else {
		m.body = append(m.body, "  To view new signup in your 3scale Admin Portal, follow this link: "+link)
	}
	return m
}

// providerAppCreatedMail is NotificationMailer#application_created.
func providerAppCreatedMail(l Links, app store.LinkedApplication) mail {
	acc, prov := app.Account, app.Provider
	m := providerMail(MailProviderAppCreated, app.Name+" created on "+app.Service.Name, acc, prov,
		"A new application subscribed to the "+app.Plan.Name+" plan on the "+app.Service.Name+" service of the "+
			acc.OrgName+" account.")
	if app.Plan.ApprovalRequired {
		m.body = append(m.body, "This service requires you to approve this application before it can be used.")
	}
	m.body = append(m.body, "To view application, follow this link: "+m.link(l.admin("/p/admin/applications/"+id(app.ID))))
	return m
}

// providerPlanRequestMail is NotificationMailer#application_plan_change_requested:
// a developer asks for another plan.
func providerPlanRequestMail(l Links, app store.LinkedApplication, u *store.User, requested *store.Plan) mail {
	acc, prov := app.Account, app.Provider
	m := providerMail(MailProviderPlanRequest, "Action required: "+u.Username+" from "+acc.OrgName+
		" requested an app plan change", acc, prov,
		u.InformalName()+" from "+acc.OrgName+" has requested to change the plan for one of their applications.",
		"Details:",
		"Application: "+app.Name+"\nService: "+app.Service.Name+"\nCurrent plan: "+app.Plan.Name+
			"\nRequested plan: "+requested.Name)
	m.body = append(m.body, "To change the plan of this application, follow this link: "+
		m.link(l.admin("/p/admin/applications/"+id(app.ID))))
	return m
}

// providerMessageMail is NotificationMailer#message_received: a developer
// wrote to the provider.
func providerMessageMail(l Links, acc store.LinkedAccount, recipientID int64) mail {
	prov := acc.Provider
	m := providerMail(MailProviderMessage, "New message from "+acc.OrgName, acc.Account, prov)
	m.body[0] += "\nYou have a new message from " + acc.OrgName + ".\nTo view new message, follow this link: " +
		m.link(l.admin(adminPortalMessages+id(recipientID)))
	return m
}

// System messages (porta's messengers): a message from the provider in the
// account's inbox, emailed to its admins.

// systemMessage is one of porta's messenger messages: its subject and
// body.
type systemMessage struct{ subject, body string }

func applicationAcceptedMessage(app store.LinkedApplication) systemMessage {
	prov := app.Provider
	return systemMessage{"API System: Application has been accepted", "Dear User,\n\n" +
		prov.Name + " has approved your application " + app.Name + " and your API Keys can now be used.\n\n" +
		"The " + prov.Name + " API Team"}
}

func applicationRejectedMessage(app store.LinkedApplication, reason string) systemMessage {
	prov := app.Provider
	body := "Dear " + app.Account.OrgName + ",\n\n" + prov.Name + " has rejected your application submission for the API.\n\n"
	if reason != "" {
		body += "** Additional Information from Provider **\n" + reason + "\n******************************************\n\n"
	}
	return systemMessage{"API System: Application has been rejected", body + "The API Team"}
}

func applicationSuspendedMessage(app store.LinkedApplication) systemMessage {
	prov := app.Provider
	return systemMessage{"API System: Application has been suspended", "Dear " + app.Account.OrgName + ",\n\n" +
		prov.Name + " has suspended your application for the API.\n\nThe API Team"}
}

func planChangedMessage(app store.LinkedApplication) systemMessage {
	return systemMessage{"Application plan changed to '" + app.Plan.Name + "'", "Dear " + app.Account.OrgName +
		",\n\nThe application '" + app.Name + "' has been changed to plan '" + app.Plan.Name +
		"'.\n\nBest regards,\n\nThe API Team"}
}

func keyCreatedMessage(app store.LinkedApplication) systemMessage {
	return systemMessage{"Application key has been created", "Dear " + app.Account.OrgName +
		",\n\nA new key has been created for your application " + app.Name + ".\n\nThe API Team"}
}

func keyDeletedMessage(app store.LinkedApplication) systemMessage {
	return systemMessage{"Application key has been deleted", "Dear " + app.Account.OrgName +
		",\n\nA key has been deleted from your application " + app.Name + ".\n\nThe API Team"}
}

func planChangeRequestMessage(app store.LinkedApplication, requested *store.Plan) systemMessage {
	prov := app.Provider
	name := app.Account.OrgName
	if admin := firstAdmin(app.Account); admin != nil {
		name = admin.DisplayName()
	}
	return systemMessage{"Plan change request has been received", "Dear " + name + ",\n\n" + prov.Name +
		" has received your request to have your plan changed to " + requested.Name + " for application " +
		app.Name + ".\n\nSincerely,\nThe " + prov.Name + " API Team"}
}

// tell sends a system message from the provider to an account: a message
// in its inbox, emailed to its admins (not to a suspended account, as
// porta's can_send_message?).
func (t *tx) tell(acc *store.Account, sm systemMessage) error {
	msg := &store.Message{ProviderID: acc.ProviderID, AccountID: acc.ID, FromProvider: true, Subject: sm.subject,
		Body: sm.body, State: "sent", Origin: store.OriginSystem}
	if _, err := t.AddMessage(msg); err != nil {
		return err
	}
	if acc.State == "suspended" {
		return nil
	}
	return t.queue(systemMail(acc, msg))
}

// queueIf queues an email that applies.
func (t *tx) queueIf(m mail, ok bool) error {
	if !ok {
		return nil
	}
	return t.queue(m)
}

// id writes an id in a path.
func id(n int64) string { return fmt.Sprint(n) }

// toSentence is Rails' Array#to_sentence: "a", "a and b", "a, b, and c".
func toSentence(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	case 2:
		return words[0] + " and " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + ", and " + words[len(words)-1]
}
