package store

import (
	"strconv"
)

// NextServiceID returns an id for a new service: one more than the
// largest numeric service id of any provider, as porta's ids grow.
func (t *Tx) NextServiceID() (string, error) {
	cat, err := t.Catalog()
	if err != nil {
		return "", err
	}
	var max int64
	for _, p := range cat.Providers {
		for _, s := range p.Services {
			if n, err := strconv.ParseInt(s.ID, 10, 64); err == nil && n > max {
				max = n
			}
		}
	}
	return strconv.FormatInt(max+1, 10), nil
}

// DeleteService deletes a service with its applications (their keys,
// filters and counters), metrics, plans, limits, subscriptions, tokens
// and stored errors.
func (t *Tx) DeleteService(id string) error {
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	if s := cat.Service(id); s != nil {
		for _, app := range s.Applications {
			if err := t.DeleteApplication(app.ID); err != nil {
				return err
			}
		}
		// The subscriptions go with the service: their accounts change.
		if p := cat.Provider(s.ProviderID); p != nil {
			for _, acc := range p.Accounts {
				if acc.Contract(id) != nil {
					t.changedAccount(acc.ID)
				}
			}
		}
	}
	t.changedConfig()
	if _, err := t.exec("delete service errors", `DELETE FROM errors WHERE service_id=?`, id); err != nil {
		return err
	}
	_, err = t.exec("delete service", `DELETE FROM services WHERE id=?`, id)
	return err
}

// DeleteContract deletes a service subscription of an account.
func (t *Tx) DeleteContract(accountID, id int64) error {
	t.changedAccount(accountID)
	_, err := t.exec("delete service subscription", `DELETE FROM service_contracts WHERE id=?`, id)
	return err
}

// PortaState is the service's state as porta names it. The sandbox's
// services are active or suspended in the backend; in porta they stay in
// the state a new service has, incomplete, unless suspended.
func (s *Service) PortaState() string {
	if s.Active() {
		return "incomplete"
	}
	return "suspended"
}

// ContactEmail is porta's Service#support_email: the service's, else the
// provider admin's.
func (s *Service) ContactEmail() string {
	if s.SupportEmail != "" {
		return s.SupportEmail
	}
	return s.Provider.AdminEmail
}
