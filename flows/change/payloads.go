package change

import "github.com/mspwire/mspwire/store"

// Record is a company as a vendor holds it: a HaloPSA client, a Liongard
// environment, an IT Glue organization, a Hudu company.
type Record struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NewRecord is a company to create.
type NewRecord struct {
	Name    string `json:"name"`
	Website string `json:"website,omitempty"`
	Tier    string `json:"tier,omitempty"`   // Liongard: Core or Essentials
	Type    string `json:"type,omitempty"`   // IT Glue organization type, by name
	Status  string `json:"status,omitempty"` // IT Glue organization status, by name
}

// CreatePayload is a create action's payload.
type CreatePayload struct {
	Record NewRecord       `json:"record"`
	For    store.RecordRef `json:"for"` // the source record it is made for
	Pair   string          `json:"pair"`
	// Existing are records of the same name the system already had when
	// the plan was made: never taken for the one this action made.
	Existing []string `json:"existing,omitempty"`
}

// GroupPayload is a group action's payload: the records are the ones the
// named create actions made.
type GroupPayload struct {
	Group   string `json:"group"`
	Creates []Key  `json:"creates"`
}

// LinkPayload is a link action's payload: set Field of Target to Value.
// Target or Value may be a record this plan creates: then the id the
// create action TargetFrom or ValueFrom made.
type LinkPayload struct {
	Field       string `json:"field"`
	Target      string `json:"target,omitempty"` // a Hudu matcher's id, a HaloPSA client's id
	TargetFrom  Key    `json:"target_from,omitempty"`
	Integration int    `json:"integration,omitempty"` // Hudu's integration id
	SyncID      string `json:"sync_id,omitempty"`     // the matcher's record in the integration
	Value       string `json:"value,omitempty"`
	ValueFrom   Key    `json:"value_from,omitempty"`
	ValueName   string `json:"value_name"`
}

// ChecklistPayload is what the operator is asked to do.
type ChecklistPayload struct {
	System string   `json:"system"`
	Reason string   `json:"reason"`
	Items  []string `json:"items"`
}

// QuantityPayload sets a recurring invoice line's quantity: to a number,
// never by adding, so sending it twice leaves the same line.
type QuantityPayload struct {
	InvoiceID int     `json:"invoice_id"`
	LineID    int     `json:"line_id"`
	Item      string  `json:"item"`
	Quantity  float64 `json:"quantity"`
	Was       float64 `json:"was"`
	Client    string  `json:"client"`
}

// TicketPayload opens a ticket for a client. Summary is unique to the
// change: it is how a ticket whose answer was lost is found again.
type TicketPayload struct {
	ClientID     int            `json:"client_id"`
	Client       string         `json:"client"`
	Summary      string         `json:"summary"`
	Details      string         `json:"details"`
	TicketTypeID int            `json:"ticket_type_id"`
	Team         string         `json:"team,omitempty"`
	Fields       map[int]string `json:"fields,omitempty"`
}

// AssetUserPayload makes users an asset's users: a set, so sending it
// twice leaves the same.
type AssetUserPayload struct {
	AssetID int    `json:"asset_id"`
	Asset   string `json:"asset"`
	UserIDs []int  `json:"user_ids"`
	User    string `json:"user"`
	Client  string `json:"client"`
	Was     []int  `json:"was"` // its users when the plan was made
}
