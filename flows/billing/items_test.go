package billing

import (
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
)

// Item names as MSPs write them, with what a person would say each bills.
func TestProposalsFromRealisticItemNames(t *testing.T) {
	cases := []struct {
		name, code string
		want       Product
	}{
		{"Microsoft 365 Business Premium", "M365-BP", M365},
		{"Microsoft 365 Business Basic", "", M365},
		{"M365 Business Standard (annual)", "", M365},
		{"Office 365 E3", "O365-E3", M365},
		{"Exchange Online (Plan 1)", "EXO-P1", M365},
		{"Business Premium seat", "", M365},
		{"Per user - Microsoft Teams Essentials", "", M365},
		{"Google Workspace Business Starter", "", GoogleWorkspace},
		{"G Suite Basic (legacy)", "GS-BASIC", GoogleWorkspace},
		{"Workspace seat", "GWS-STD", GoogleWorkspace},
		{"Microsoft 365 Backup per user", "SAAS-BKP", None},
		{"Microsoft Azure consumption", "AZ-CONS", None},
		{"Microsoft Defender for Business", "", None},
		{"Security Awareness Training", "SAT-USER", None},
		{"Managed Workstation", "MW-100", None},
		{"Server 2365 maintenance", "", None},
		{"Office 365 migration project", "", None},
		{"Onsite hour", "LAB-ONS", None},
	}
	for _, c := range cases {
		got, why := Propose(halopsa.Item{Name: c.name, InternalReference: c.code})
		if got != c.want {
			t.Errorf("%q (%s): proposed %s (%s), a person would say %s", c.name, c.code, got, why, c.want)
		}
		if why == "" {
			t.Errorf("%q: no reason", c.name)
		}
	}
}
