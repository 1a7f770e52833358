package store

// The developer side names its owners by id (see Catalog), so that a
// change never copies its siblings. A reader that wants an object with
// what it belongs to links it in the catalog it read it from: the linked
// value keeps the object's fields and methods, and adds its owners.

// LinkedApplication is an application with its account, service, plan and
// provider, as one catalog holds them.
type LinkedApplication struct {
	*Application
	Account  *Account
	Service  *Service
	Plan     *Plan
	Provider *Provider
}

// LinkApplication links an application in the catalog.
func (c *Catalog) LinkApplication(a *Application) LinkedApplication {
	l := LinkedApplication{Application: a, Account: c.Account(a.AccountID), Service: c.Service(a.ServiceID),
		Plan: c.Plan(a.PlanID)}
	if l.Account != nil {
		l.Provider = c.Provider(l.Account.ProviderID)
	}
	return l
}

// LinkedAccount is an account with its provider and account plan.
type LinkedAccount struct {
	*Account
	Provider *Provider
	Plan     *Plan // nil when it has none
}

// LinkAccount links an account in the catalog.
func (c *Catalog) LinkAccount(a *Account) LinkedAccount {
	return LinkedAccount{Account: a, Provider: c.Provider(a.ProviderID), Plan: c.Plan(a.PlanID)}
}

// LinkedUser is a user with its account.
type LinkedUser struct {
	*User
	Account *Account
}

// LinkUser links a user in the catalog.
func (c *Catalog) LinkUser(u *User) LinkedUser {
	return LinkedUser{User: u, Account: c.Account(u.AccountID)}
}

// LinkedServiceContract is a service subscription with its account,
// service and service plan.
type LinkedServiceContract struct {
	*ServiceContract
	Account *Account
	Service *Service
	Plan    *Plan
}

// LinkContract links a service subscription in the catalog.
func (c *Catalog) LinkContract(sc *ServiceContract) LinkedServiceContract {
	return LinkedServiceContract{ServiceContract: sc, Account: c.Account(sc.AccountID),
		Service: c.Service(sc.ServiceID), Plan: c.Plan(sc.PlanID)}
}
